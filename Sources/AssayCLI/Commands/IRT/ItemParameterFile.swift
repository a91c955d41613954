import AssayCore
import Foundation
import Psychometrics

/// An item-parameter file (`item,a,b` and optionally `c`; other columns such as the SEs that
/// `assay irt calibrate` writes are ignored), as read by `assay irt score`.
///
/// A row whose `a` and `b` are both empty is an item that calibration did not estimate: it is
/// listed in ``unestimated`` and responses to it are left out of scoring.
struct ItemParameterFile {
    /// Parameters by item identifier.
    var parameters: [String: ItemParameters]
    /// Items listed without parameters.
    var unestimated: Set<String>

    /// Reads and validates an item-parameter file.
    ///
    /// - Parameters:
    ///   - path: the CSV file.
    /// - Returns: the parameters by item.
    /// - Throws: ``AssayError`` (bad input) naming the line and field of the first bad row.
    static func read(path: String) throws -> ItemParameterFile {
        var reader = try CSVRecordReader(path: path)
        guard let header = try reader.next() else {
            throw AssayError(.badInput, "the file is empty: expected a header item,a,b,c and one row per item", file: path)
        }
        let columns = try CSVHeader(header, file: path, required: ["item", "a", "b"])
        let cColumn = columns.column("c")
        var parameters: [String: ItemParameters] = [:]
        var unestimated = Set<String>()
        while let record = try reader.next() {
            func field(_ column: Int?) -> String {
                guard let column, column < record.fields.count else { return "" }
                return record.fields[column].trimmedField
            }
            func number(_ name: String, _ text: String) throws -> Double {
                guard let value = Double(text), value.isFinite else {
                    throw AssayError(.badInput, "field \(name) must be a finite number, not '\(text)'", file: path, line: record.line)
                }
                return value
            }
            let item = field(columns["item"])
            guard !item.isEmpty else { throw AssayError(.badInput, "field item is empty", file: path, line: record.line) }
            guard parameters[item] == nil, !unestimated.contains(item) else {
                throw AssayError(.badInput, "item '\(item)' is listed twice", file: path, line: record.line)
            }
            let aText = field(columns["a"]), bText = field(columns["b"]), cText = field(cColumn)
            if aText.isEmpty && bText.isEmpty {
                unestimated.insert(item)
                continue
            }
            guard !aText.isEmpty else { throw AssayError(.badInput, "field a is empty", file: path, line: record.line) }
            guard !bText.isEmpty else { throw AssayError(.badInput, "field b is empty", file: path, line: record.line) }
            let a = try number("a", aText), b = try number("b", bText)
            let c = cText.isEmpty ? 0 : try number("c", cText)
            guard a > 0 else { throw AssayError(.badInput, "field a must be > 0, is \(aText)", file: path, line: record.line) }
            guard c >= 0, c < 1 else { throw AssayError(.badInput, "field c must be in [0, 1), is \(cText)", file: path, line: record.line) }
            do {
                parameters[item] = try ItemParameters(a: a, b: b, c: c)
            } catch let error as PsychometricsError {
                throw AssayError(.badInput, error.message, file: path, line: record.line)
            }
        }
        guard !parameters.isEmpty else {
            throw AssayError(.badInput, "no item with parameters: expected rows item,a,b,c", file: path)
        }
        return ItemParameterFile(parameters: parameters, unestimated: unestimated)
    }
}
