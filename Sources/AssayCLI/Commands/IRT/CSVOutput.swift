import AssayCore
import Foundation

/// A CSV document built in memory and written in one piece: to a file atomically (a reader
/// never sees half a file, and an error before ``write(to:)`` leaves nothing behind), or to
/// standard output.
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

    /// Writes the document to a file (atomically) or, with nil, to standard output.
    ///
    /// - Parameters:
    ///   - path: the file to write, or nil for standard output.
    /// - Throws: ``AssayError`` when the file cannot be written.
    func write(to path: String?) throws {
        let data = Data(bytes)
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AssayError(.badInput, "cannot write the file: \(error.localizedDescription)", file: path)
        }
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
