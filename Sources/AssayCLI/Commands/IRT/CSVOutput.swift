import AssayCore
import Foundation

/// A CSV document built in memory and written in one piece: to an ``OutputFile`` (named only
/// when complete, never a folder, a link or an input), or to standard output.
struct CSVOutput {
    private var bytes: [UInt8] = []

    /// Starts a document with its header line.
    ///
    /// - Parameters:
    ///   - header: the column names.
    init(header: [String]) {
        append(header)
    }

    /// Appends one row; fields with a comma, a quote or a line break are quoted.
    ///
    /// - Parameters:
    ///   - fields: the row's fields, already formatted.
    mutating func append(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: CSVText.field(field).utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes the document to an output file, committing it, or, with nil, to standard output.
    ///
    /// - Parameters:
    ///   - file: the file to write (opened before the work began), or nil for standard output.
    /// - Throws: ``AssayError`` when the file cannot be written; it is then not created.
    func write(to file: OutputFile?) throws {
        guard let file else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        try file.write(bytes)
        try file.commit()
    }

    /// Formats a number for CSV output with a fixed number of decimals.
    ///
    /// - Parameters:
    ///   - value: the number.
    ///   - digits: decimals after the point.
    /// - Returns: e.g. `1.234567`; `nan`/`inf` are written as such, and a value that rounds
    ///   to zero as `0.000000`, never `-0.000000`.
    static func number(_ value: Double, digits: Int = 6) -> String {
        let text = String(format: "%.\(digits)f", value)
        if text.hasPrefix("-"), !text.utf8.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
            return String(text.dropFirst())
        }
        return text
    }
}
