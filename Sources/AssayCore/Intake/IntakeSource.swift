import Foundation
internal import IntakeEngine
#if canImport(Glibc)
import Glibc
#endif

/// The file an import reads, settled before its first row: where the bytes are (standard input
/// is first copied to a temporary file that has no name, so it can be read twice and leaves
/// nothing behind), its format, encoding and delimiter. A file that is not text in a known
/// encoding is refused here, once, with what to do.
final class IntakeSource {
    /// How messages name the file: its path, or `standard input`.
    let name: String
    /// What the readers open.
    let path: String
    let format: Intake.Format
    let encoding: TextEncoding
    /// For CSV: the byte between fields.
    let delimiter: UInt8
    /// The size in bytes.
    let size: Int
    /// The copy of standard input (a descriptor without a name), if any.
    private let spool: Int32?

    deinit { if let spool { close(spool) } }

    /// Settles the source of a request.
    ///
    /// - Throws: ``AssayError`` (bad input) for a file that cannot be read, that is not text, or
    ///   whose encoding or format cannot be told (with the option that fixes it).
    init(_ request: Intake.ImportRequest) throws {
        if request.path == "-" {
            name = "standard input"
            let descriptor = try Self.spoolStandardInput()
            spool = descriptor
            path = "/dev/fd/\(descriptor)"
        } else {
            name = request.path
            spool = nil
            path = request.path
        }
        do {
            let finding = try EncodingSniffer.sniff(path: path)
            encoding = try request.encoding?.textEncoding ?? Self.encoding(for: finding, file: name)
            var size = 0
            var status = stat()
            if stat(path, &status) == 0 { size = Int(status.st_size) }
            self.size = size
            let start = try Self.firstBytes(path: path, encoding: encoding)
            if let format = request.format {
                self.format = format
            } else if let format = Intake.Format.from(path: request.path) {
                self.format = format
            } else if let first = start.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }) {
                self.format = first == UInt8(ascii: "{") ? .jsonl : .csv
            } else {
                self.format = .csv
            }
            if let delimiter = request.delimiter {
                self.delimiter = delimiter.byte
            } else if URL(fileURLWithPath: request.path).pathExtension.lowercased() == "tsv" {
                self.delimiter = 9
            } else {
                self.delimiter = CSVDelimiter.detect(in: start)
            }
        } catch let error as IntakeFileError {
            throw AssayError(.badInput, error.message, file: error.namesFileSeparately ? name : nil)
        }
    }

    /// The first bytes of the file as UTF-8 (a UTF-8 byte-order mark left out).
    private static func firstBytes(path: String, encoding: TextEncoding) throws -> [UInt8] {
        let reader = try LineReader(path: path, encoding: encoding)
        return try reader.next()?.1 ?? []
    }

    /// The encoding to read a file in when none was given, or the refusal that says which to give.
    private static func encoding(for finding: EncodingSniffer.Finding, file: String) throws -> TextEncoding {
        switch finding {
        case .utf8:
            return .utf8
        case .utf16:
            return .utf16
        case .utf16WithoutMark(let bigEndian):
            throw AssayError(.badInput, "the file looks like UTF-16 (\(bigEndian ? "big" : "little")-endian) without a byte-order mark; re-run with --encoding \(bigEndian ? "utf-16be" : "utf-16le")",
                             file: file)
        case .spreadsheetArchive:
            throw AssayError(.badInput, "is a spreadsheet workbook (.xlsx or .ods), not a CSV file; open it and save it as \"CSV UTF-8 (Comma delimited)\", then import that file",
                             file: file)
        case .binary:
            throw AssayError(.badInput, "contains NUL bytes, so it is not a text file; export the data as CSV UTF-8 or JSON Lines", file: file)
        case .notUTF8(let line, let byte, let character):
            throw AssayError(.badInput, "is not UTF-8: line \(line) has the byte 0x\(String(byte, radix: 16, uppercase: true)), which is '\(character)' in Windows-1252 (what Excel on Windows writes for \"CSV\"); re-run with --encoding windows-1252, or save the file as \"CSV UTF-8\"",
                             file: file)
        }
    }

    /// Copies standard input to a temporary file that is unlinked at once (0600; the system frees
    /// it when the process ends, however it ends).
    private static func spoolStandardInput() throws -> Int32 {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/assay-stdin-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else {
            throw AssayError(.badInput, "cannot keep a copy of standard input in \(folder) (\(String(cString: strerror(errno)))); set TMPDIR to a writable folder or name a file")
        }
        template.withUnsafeBufferPointer { buffer in if let base = buffer.baseAddress { _ = unlink(base) } }
        let chunk = 1 << 20
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { scratch.deallocate() }
        while true {
            let got = read(0, scratch, chunk)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw AssayError(.badInput, "cannot read standard input: \(reason)")
            }
            var written = 0
            while written < got {
                let result = write(descriptor, scratch + written, got - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(descriptor)
                    throw AssayError(.badInput, "cannot keep a copy of standard input in \(folder): \(reason)")
                }
                written += result
            }
        }
        return descriptor
    }
}
