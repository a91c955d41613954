import Foundation

/// The rejects file, in the input's own form so that it can be fixed and imported as it is: for
/// CSV, the input's header (its `_` columns left out) and delimiter, a UTF-8 byte-order mark
/// (spreadsheets then read accents right), each rejected row with its original cells and three
/// more columns, `_line`, `_field` and `_reason`, which an import ignores; for JSON Lines, each
/// rejected object with `_line`, `_field` and `_reason` keys.
///
/// A row with several problems is one line: `_field` names every faulty field and `_reason`
/// gives every reason, so that fixing the line fixes the row. Cells that a spreadsheet would run
/// as formulas are neutralised by ``CSVText`` (and the import takes the apostrophe off again).
///
/// Written through ``OutputFile``: checked before the import starts (never a folder, a link or
/// the input), 0600 (it holds applicants' personal data), and named only when the import
/// completes, so an interrupted import leaves nothing behind.
final class RejectsWriter {
    let path: String
    private let file: OutputFile
    private let format: Intake.Format
    private let delimiter: String
    /// For CSV: the input columns kept (those whose name does not start with `_`).
    private let keptColumns: [Int]
    private let headerWidth: Int

    /// Opens the rejects file.
    ///
    /// - Parameters:
    ///   - path: where it goes.
    ///   - input: the file imported (which it must not be).
    ///   - format: the input's format.
    ///   - header: for CSV, the input's header cells.
    ///   - delimiter: for CSV, the input's delimiter.
    /// - Throws: ``AssayError`` when the path cannot take the file.
    init(path: String, input: String, format: Intake.Format, header: [String], delimiter: UInt8) throws {
        self.path = path
        self.format = format
        self.delimiter = String(UnicodeScalar(delimiter))
        keptColumns = header.indices.filter { !header[$0].hasPrefix("_") }
        headerWidth = header.count
        file = try OutputFile(path: path, inputs: input == "-" ? [] : [input], personalData: true, field: "rejects")
        if format == .csv {
            try file.write([0xEF, 0xBB, 0xBF])
            try file.write(line(keptColumns.map { header[$0] } + ["_line", "_field", "_reason"]))
        }
    }

    private func cell(_ text: String) -> String {
        let field = CSVText.field(text)
        if delimiter != ",", !field.hasPrefix("\""), text.contains(delimiter) { return "\"" + field + "\"" }
        return field
    }

    private func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: delimiter) + "\n"
    }

    /// The `_field` and `_reason` of a row's problems.
    private static func summary(_ problems: [FieldProblem]) -> (field: String, reason: String) {
        var fields: [String] = []
        for problem in problems where !fields.contains(problem.field) { fields.append(problem.field) }
        let reason = problems.count == 1 ? problems[0].reason : problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
        return (fields.joined(separator: "; "), reason)
    }

    /// Writes a rejected CSV row.
    ///
    /// - Parameters:
    ///   - cells: the row's cells, in the input's column order.
    ///   - line: the line it starts on.
    ///   - problems: what is wrong with it.
    func write(cells: [String], line number: Int, problems: [FieldProblem]) throws {
        var (field, reason) = Self.summary(problems)
        let kept = keptColumns.map { $0 < cells.count ? cells[$0] : "" }
        // Cells beyond the header (the row's problem, when not empty) are quoted in the reason.
        let width = headerWidth
        let extra = cells.count > width ? cells[width...].filter { !$0.isEmpty } : []
        if !extra.isEmpty { reason += " (cells past the last column: \(extra.map { "'\($0)'" }.joined(separator: ", ")))" }
        try file.write(line(kept + [String(number), field, reason]))
    }

    /// Writes a rejected JSON Lines row.
    ///
    /// - Parameters:
    ///   - raw: the line as read.
    ///   - line: its number.
    ///   - problems: what is wrong with it.
    func write(raw: [UInt8], line number: Int, problems: [FieldProblem]) throws {
        let (field, reason) = Self.summary(problems)
        var object: [String: Any] = ["_line": number, "_field": field, "_reason": reason]
        if let parsed = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] {
            for (key, value) in parsed where !key.hasPrefix("_") { object[key] = value }
        } else {
            object["_text"] = String(decoding: raw, as: UTF8.self)
        }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(10)
        try file.write(data)
    }

    /// Writes what is buffered, before the import commits.
    func flush() throws { try file.flush() }

    /// Names the file.
    func commit() throws { try file.commit() }

    /// Leaves nothing behind.
    func discard() { file.discard() }
}
