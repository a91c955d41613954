import Foundation
internal import IntakeEngine

/// Reads applicant rows from a CSV or JSON Lines file, one at a time, after matching the CSV
/// header to the fields (``ColumnMap``).
final class ApplicantRowReader {
    struct JSONRow {
        var line: Int
        var raw: [UInt8]
        /// The row's fields and the problems of values that are not text where text belongs
        /// (each field named as the validator names it), or a problem of the whole row.
        var input: Result<(ApplicantInput, [FieldProblem]), RowProblems>
    }

    let source: IntakeSource
    /// For CSV: the reader, positioned after the header.
    private(set) var csv: CSVReader?
    /// For CSV: what each column feeds.
    private(set) var columns: ColumnMap?
    private var lines: LineReader?
    /// For JSON Lines: the user's map (folded header name → field, "" to ignore).
    private let userMap: [String: String]
    /// For JSON Lines: each key's field (nil: ignored), as met.
    private var keyFields: [String: String?] = [:]
    /// For JSON Lines: the keys ignored because no field matches them, in the order met.
    private(set) var ignoredKeys: [String] = []

    /// Opens the file and, for CSV, matches the header.
    ///
    /// - Throws: ``AssayError`` for an empty file, a header without a required column, two
    ///   columns for one field, a `--map` that names no column, or an unreadable file.
    init(source: IntakeSource, userMap: [String: String]) throws {
        self.source = source
        self.userMap = Dictionary(userMap.map { (ISOCodes.nameKey($0.key), $0.value) }, uniquingKeysWith: { $1 })
        do {
            switch source.format {
            case .csv:
                let reader = try CSVReader(path: source.path, delimiter: source.delimiter, encoding: source.encoding)
                guard try reader.advance() else { throw AssayError(.badInput, "the file is empty; it needs a header row", file: source.name, line: 1) }
                let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                columns = try ColumnMap(header: header, userMap: userMap, file: source.name)
                csv = reader
            case .jsonl:
                lines = try LineReader(path: source.path, encoding: source.encoding)
                for (header, field) in userMap where !field.isEmpty && !ApplicantValidator.columns.contains(field) {
                    throw AssayError(.badInput, "--map '\(header)=\(field)' names a field that is not one; the fields are \(ApplicantValidator.columns.sorted().joined(separator: ", "))")
                }
            }
        } catch let error as IntakeFileError {
            throw AssayError(.badInput, error.message, file: error.namesFileSeparately ? source.name : nil)
        }
    }

    var bytesRead: Int { csv?.bytesRead ?? lines?.bytesRead ?? 0 }

    /// The names of the columns (CSV) or keys (JSON Lines) ignored so far.
    var ignored: [String] { columns?.ignored ?? ignoredKeys }

    /// For JSON Lines: the next non-blank line as a row.
    func nextJSONRow() throws -> JSONRow? {
        guard let lines else { return nil }
        while let (number, bytes) = try lines.next() {
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            return JSONRow(line: number, raw: bytes, input: parseJSON(bytes))
        }
        return nil
    }

    /// The field a JSON key feeds (nil: ignored), remembering unknown keys for the warning.
    private func field(ofKey key: String) -> String? {
        if let known = keyFields[key] { return known }
        var field: String?
        if let mapped = userMap[ISOCodes.nameKey(key)] {
            field = mapped.isEmpty ? nil : mapped
        } else if !key.hasPrefix("_") {
            field = ColumnMap.field(named: key)
            if field == nil { ignoredKeys.append(key) }
        }
        keyFields[key] = field
        return field
    }

    func parseJSON(_ bytes: [UInt8]) -> Result<(ApplicantInput, [FieldProblem]), RowProblems> {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(RowProblems("(row)", "is not valid UTF-8 (is the file in another encoding? see --encoding)"))
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            return .failure(RowProblems("(row)", "is not valid JSON (one object per line, such as {\"email\": \"…\", …})"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(RowProblems("(row)", "must be a JSON object ({\"email\": …})"))
        }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        var problems: [FieldProblem] = []
        var nameParts: [String: String] = [:]
        for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) {
            guard let field = field(ofKey: key) else { continue }
            let isList = field == "languages" || field == "domains"
            if value is NSNull { continue }
            if let text = value as? String {
                if field.hasPrefix("(") { nameParts[field] = text } else { fields[field] = text }
                continue
            }
            if let number = value as? NSNumber, !isList {
                // JSONSerialization reads true and false as NSNumber too (objCType "c").
                if String(cString: number.objCType) == "c" {
                    problems.append(FieldProblem(field: field, reason: "is \(number.boolValue ? "true" : "false"); give a \(field == "years_experience" ? "number of years" : "text")"))
                    continue
                }
                let double = number.doubleValue
                guard double == double.rounded(), abs(double) < 1e15 else {
                    problems.append(FieldProblem(field: field, reason: field == "years_experience"
                        ? "'\(number)' is not a whole number of years from 0 to 70" : "'\(number)' is not a whole number; give text"))
                    continue
                }
                if field == "years_experience" || field == "external_id" || field == "phone" {
                    fields[field] = String(Int64(double))
                    continue
                }
            }
            if isList, let array = value as? [Any] {
                if let strings = array as? [String], !array.contains(where: { $0 is NSNumber }) {
                    lists[field] = strings
                } else {
                    problems.append(FieldProblem(field: field, reason: "must be an array of strings"))
                }
                continue
            }
            problems.append(FieldProblem(field: field, reason: isList ? "must be an array of strings or text" : "must be text"))
        }
        if fields["full_name"] == nil, let first = nameParts["(first name)"], let last = nameParts["(last name)"] {
            fields["full_name"] = Self.joinedName(first, last)
        }
        return .success((ApplicantInput(fields: fields, lists: lists), problems))
    }

    /// A full name made of its two parts (either may be empty).
    static func joinedName(_ first: String, _ last: String) -> String {
        [first, last].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
