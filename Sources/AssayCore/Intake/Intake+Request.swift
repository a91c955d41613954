import Foundation

extension Intake {
    /// The file formats an import reads.
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180 CSV with a header row; lists separated by ';'.
        case csv
        /// One JSON object per line; lists as arrays.
        case jsonl

        /// The format a file's extension implies, if any.
        public static func from(path: String) -> Format? {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": .csv
            case "jsonl", "ndjson": .jsonl
            default: nil
            }
        }
    }

    /// What to import and how.
    public struct ImportRequest: Sendable {
        /// The file.
        public var path: String
        /// Its format.
        public var format: Format
        /// The source for rows that name none (default: the file's name).
        public var source: String?
        /// Where to write rejected rows as CSV (line, field, reason, row), if anywhere.
        public var rejectsPath: String?
        /// Validate and count without writing anything.
        public var dryRun: Bool
        /// Who imports, for the audit trail.
        public var actor: String
        /// How to write the rows (tests force one or the other; users leave it automatic).
        public var method: Method

        /// Creates a request.
        public init(path: String, format: Format, source: String? = nil, rejectsPath: String? = nil, dryRun: Bool = false, actor: String,
                    method: Method = .automatic) {
            self.method = method
            self.path = path
            self.format = format
            self.source = source
            self.rejectsPath = rejectsPath
            self.dryRun = dryRun
            self.actor = actor
        }
    }

    /// The largest file that an automatic import writes directly (see ``Method/direct``).
    public static let directImportMaximumFileSize = 256 << 20

    /// How an import writes its rows.
    public enum Method: String, Sendable, Codable {
        /// Direct when the server allows it, the file is at most
        /// ``Intake/directImportMaximumFileSize`` and holds only new rows; merge otherwise.
        case automatic
        /// Straight into the final tables over two connections, committed with two-phase commit
        /// (fails with a unique violation when the file overlaps the database).
        case direct
        /// Through a staging table and set-based SQL that merges with what the database has.
        case merge
    }
}
