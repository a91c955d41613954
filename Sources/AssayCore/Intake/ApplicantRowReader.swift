import Foundation
internal import IntakeEngine

/// Reads applicant rows from a CSV or JSON Lines file, one at a time, checking the header (CSV)
/// before the first row is returned.
final class ApplicantRowReader {
    struct Row {
        var line: Int
        var raw: [UInt8]
        var input: Result<ApplicantInput, FieldProblem>
    }

    private let path: String
    /// For CSV: the reader, positioned after the header.
    private(set) var csv: CSVReader?
    /// For CSV: the header's column names, trimmed and lower-cased.
    private(set) var header: [String] = []
    private var lines: LineReader?

    /// Opens the file and, for CSV, checks the header.
    ///
    /// - Throws: ``AssayError`` naming an unknown, missing or repeated column, or an empty file.
    init(path: String, format: Intake.Format) throws {
        self.path = path
        switch format {
        case .csv:
            let reader = try CSVReader(path: path)
            guard try reader.advance() else { throw AssayError(.badInput, "the file is empty; it needs a header row", file: path, line: 1) }
            header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            var seen: Set<String> = []
            for name in header {
                guard ApplicantValidator.columns.contains(name) else {
                    throw AssayError(.badInput, "unknown column '\(name)' in the header; the columns are \(ApplicantValidator.columns.sorted().joined(separator: ", "))", file: path, line: 1)
                }
                guard seen.insert(name).inserted else {
                    throw AssayError(.badInput, "column '\(name)' appears twice in the header", file: path, line: 1)
                }
            }
            let missing = ApplicantValidator.requiredColumns.filter { !seen.contains($0) }
            if !missing.isEmpty {
                throw AssayError(.badInput, "the header lacks the required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))", file: path, line: 1)
            }
            csv = reader
        case .jsonl:
            lines = try LineReader(path: path)
        }
    }

    var bytesRead: Int { csv?.bytesRead ?? lines?.bytesRead ?? 0 }

    /// For JSON Lines: the next non-blank line as a row.
    func nextJSONRow() throws -> Row? {
        guard let lines else { return nil }
        while let (number, bytes) = try lines.next() {
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            return Row(line: number, raw: bytes, input: Self.parseJSON(bytes))
        }
        return nil
    }

    static func parseJSON(_ bytes: [UInt8]) -> Result<ApplicantInput, FieldProblem> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            return .failure(FieldProblem(field: "(row)", reason: "is not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(FieldProblem(field: "(row)", reason: "must be a JSON object ({\"email\": …})"))
        }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        for (key, value) in dictionary {
            guard ApplicantValidator.columns.contains(key) else {
                return .failure(FieldProblem(field: key, reason: "is not a known field; the fields are \(ApplicantValidator.columns.sorted().joined(separator: ", "))"))
            }
            switch value {
            case let text as String:
                fields[key] = text
            case let number as NSNumber where key == "years_experience" && !["true", "false"].contains(String(describing: value)):
                guard number.doubleValue == number.doubleValue.rounded() else {
                    return .failure(FieldProblem(field: key, reason: "'\(number)' is not a whole number of years from 0 to 70"))
                }
                fields[key] = String(number.int64Value)
            case let array as [Any] where key == "languages" || key == "domains":
                guard let strings = array as? [String] else {
                    return .failure(FieldProblem(field: key, reason: "must be an array of strings"))
                }
                lists[key] = strings
            case is NSNull:
                continue
            default:
                return .failure(FieldProblem(field: key, reason: key == "languages" || key == "domains" ? "must be an array of strings" : "must be a string"))
            }
        }
        return .success(ApplicantInput(fields: fields, lists: lists))
    }
}
