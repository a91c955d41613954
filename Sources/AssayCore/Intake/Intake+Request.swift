import Foundation
internal import IntakeEngine

extension Intake {
    /// The file formats an import reads.
    public enum Format: String, Sendable, CaseIterable {
        /// CSV with a header row (RFC 4180; comma, semicolon or tab between fields); lists
        /// separated by ';' or ','.
        case csv
        /// One JSON object per line; lists as arrays.
        case jsonl

        /// The format a file's extension implies, if any (`.csv`, `.tsv`, `.txt`; `.jsonl`, `.ndjson`).
        public static func from(path: String) -> Format? {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv", "tsv", "txt": .csv
            case "jsonl", "ndjson": .jsonl
            default: nil
            }
        }
    }

    /// The character encodings an import reads (the file is read as UTF-8 unless told).
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8, with or without a byte-order mark.
        case utf8 = "utf-8"
        /// UTF-16, byte order from the byte-order mark (little-endian without one).
        case utf16 = "utf-16"
        /// UTF-16, little-endian.
        case utf16LittleEndian = "utf-16le"
        /// UTF-16, big-endian.
        case utf16BigEndian = "utf-16be"
        /// Windows-1252 (Excel's "CSV" on Windows in western locales).
        case windows1252 = "windows-1252"
        /// ISO 8859-1.
        case latin1 = "latin-1"

        /// The encoding a name means (`utf8`, `UTF-16LE`, `cp1252`, `iso-8859-1`…, in any case).
        ///
        /// - Parameter name: the name given.
        public init?(name: String) {
            guard let encoding = TextEncoding(name: name) else { return nil }
            self.init(rawValue: encoding.rawValue)
        }

        var textEncoding: TextEncoding { TextEncoding(rawValue: rawValue) ?? .utf8 }
    }

    /// The characters that may separate the fields of a CSV file.
    public enum Delimiter: String, Sendable, CaseIterable {
        /// `,`
        case comma = ","
        /// `;` (Excel in locales whose decimal separator is a comma)
        case semicolon = ";"
        /// A tab (Excel's "Unicode Text", `.tsv`).
        case tab = "\t"

        var byte: UInt8 { UInt8(ascii: rawValue.unicodeScalars.first ?? ",") }
    }

    /// What to import and how.
    public struct ImportRequest: Sendable {
        /// The file, or `-` for standard input.
        public var path: String
        /// Its format (nil: from the extension, else from the content).
        public var format: Format?
        /// Its encoding (nil: UTF-8, or UTF-16 when a byte-order mark says so).
        public var encoding: Encoding?
        /// For CSV: the delimiter (nil: found in the header row).
        public var delimiter: Delimiter?
        /// Header name → field (`""` ignores the column), for columns whose names are not
        /// recognised by themselves.
        public var columnMap: [String: String]
        /// The source for rows that name none (default: the file's name).
        public var source: String?
        /// Where to write rejected rows, in the input's own form with `_line`, `_field` and
        /// `_reason` added, if anywhere.
        public var rejectsPath: String?
        /// Validate and count without writing anything.
        public var dryRun: Bool
        /// Write nothing when any row is rejected.
        public var strict: Bool
        /// Who imports, for the audit trail.
        public var actor: String
        /// How to write the rows (tests force one or the other; users leave it automatic).
        public var method: Method

        /// Creates a request.
        ///
        /// - Parameters:
        ///   - path: the file, or `-` for standard input.
        ///   - format: its format (nil: from the extension or the content).
        ///   - encoding: its encoding (nil: UTF-8, or UTF-16 with a byte-order mark).
        ///   - delimiter: the CSV delimiter (nil: found in the header).
        ///   - columnMap: header name → field, or "" to ignore a column.
        ///   - source: the source of rows that name none (nil: the file's name).
        ///   - rejectsPath: where to write rejected rows.
        ///   - dryRun: validate and count only.
        ///   - strict: write nothing if any row is rejected.
        ///   - actor: who imports.
        ///   - method: how to write the rows.
        public init(path: String, format: Format? = nil, encoding: Encoding? = nil, delimiter: Delimiter? = nil, columnMap: [String: String] = [:],
                    source: String? = nil, rejectsPath: String? = nil, dryRun: Bool = false, strict: Bool = false, actor: String,
                    method: Method = .automatic) {
            self.path = path
            self.format = format
            self.encoding = encoding
            self.delimiter = delimiter
            self.columnMap = columnMap
            self.source = source
            self.rejectsPath = rejectsPath
            self.dryRun = dryRun
            self.strict = strict
            self.actor = actor
            self.method = method
        }
    }

    /// The largest file that an automatic import writes directly (see ``Method/direct``).
    public static let directImportMaximumFileSize = 256 << 20

    /// The most people and applications the database may have for an automatic import to
    /// decide in memory (about 50 and 25 bytes each): beyond, it merges through staging.
    public static let directImportMaximumKnownRows = 8_000_000

    /// How an import writes its rows.
    public enum Method: String, Sendable, Codable {
        /// Direct when the server allows it, the file is at most
        /// ``Intake/directImportMaximumFileSize`` and the database at most
        /// ``Intake/directImportMaximumKnownRows``; merge otherwise.
        case automatic
        /// Decided in memory and written straight into the final tables over two connections,
        /// committed with two-phase commit.
        case direct
        /// Through a staging table and set-based SQL that merges with what the database has.
        case merge
    }
}
