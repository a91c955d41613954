import AssayCore
import Foundation

/// The header line of a CSV file: which column holds which named field.
///
/// Names are matched without regard to case or surrounding spaces; columns may come in any
/// order and extra columns are ignored.
struct CSVHeader {
    private let columns: [String: Int]

    /// Reads a header record and checks that it names every required field once.
    ///
    /// - Parameters:
    ///   - record: the file's first record.
    ///   - file: the file's path, for messages.
    ///   - required: the field names that must be present.
    /// - Throws: ``AssayError`` (bad input, at the header's line) for a missing or repeated name.
    init(_ record: CSVRecordReader.Record, file: String, required: [String]) throws {
        var columns: [String: Int] = [:]
        for (index, field) in record.fields.enumerated() {
            let name = field.trimmedField.lowercased()
            guard !name.isEmpty else { continue }
            guard columns[name] == nil else {
                throw AssayError(.badInput, "the header names column '\(name)' twice", file: file, line: record.line)
            }
            columns[name] = index
        }
        let missing = required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw AssayError(.badInput, "the header must name the columns \(required.joined(separator: ",")); missing: \(missing.joined(separator: ", ")) (found '\(record.fields.joined(separator: ","))')",
                             file: file, line: record.line)
        }
        self.columns = columns
    }

    /// The column index of a field; only for names passed as `required` (−1 otherwise).
    subscript(name: String) -> Int { columns[name] ?? -1 }

    /// The column index of an optional field, or nil when the header does not name it.
    func column(_ name: String) -> Int? { columns[name] }
}

extension String {
    /// The string without leading and trailing spaces and tabs; returns `self` unchanged (no
    /// copy, no Foundation call) in the common case of a field with none, which keeps reading
    /// millions of CSV rows fast.
    var trimmedField: String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard blank(first) || blank(last) else { return self }
        let start = bytes.firstIndex { !blank($0) } ?? bytes.endIndex
        guard start != bytes.endIndex, let end = bytes.lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[start...end])
    }
}
