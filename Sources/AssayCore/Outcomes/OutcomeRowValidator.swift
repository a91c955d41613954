import Foundation
import Banks

/// Checks the fields of one outcomes row and names the first field at fault.
struct OutcomeRowValidator {
    /// The columns of an outcomes file, all required.
    static let columns = ["expert", "domain", "project", "period_end", "metric", "value", "tasks"]
    /// The suffix of a pseudonymous roster email.
    static let pseudonymEmailSuffix = "@pseudonym.invalid"

    /// Domains that exist.
    let knownDomains: Set<String>
    /// Whether a pseudonym key was given (pseudonyms are refused without one).
    let hasPseudonymKey: Bool

    /// Validates the fields of a row (values as text).
    func validate(_ fields: [String: String]) -> Result<OutcomeRow, FieldProblem> {
        func fail(_ field: String, _ reason: String) -> Result<OutcomeRow, FieldProblem> {
            .failure(FieldProblem(field: field, reason: reason))
        }
        for column in Self.columns where (fields[column] ?? "").trimmingBlanks.isEmpty {
            return fail(column, "is required")
        }
        func value(_ column: String) -> String { (fields[column] ?? "").trimmingBlanks }

        let expertText = value("expert")
        let expert: OutcomeRow.ExpertReference
        let lowered = expertText.lowercased()
        let isHex20 = lowered.utf8.count == 20 && lowered.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        if lowered.hasSuffix(Self.pseudonymEmailSuffix) {
            guard hasPseudonymKey else { return fail("expert", "'\(expertText)' is a roster pseudonym; pass --pseudonym-key-env VAR naming the environment variable that holds the key the roster was exported with") }
            expert = .pseudonymEmail(lowered)
        } else if lowered.contains("@") {
            guard !lowered.contains(where: { $0.isWhitespace }), lowered.split(separator: "@").count == 2 else {
                return fail("expert", "'\(expertText)' is not an email address")
            }
            expert = .email(lowered)
        } else if isHex20, hasPseudonymKey {
            expert = .pseudonymID(lowered)
        } else if let id = Int(expertText), id > 0 {
            expert = .id(id)
        } else if isHex20 {
            return fail("expert", "'\(expertText)' looks like a roster pseudonym; pass --pseudonym-key-env VAR naming the environment variable that holds the key the roster was exported with")
        } else {
            return fail("expert", "'\(expertText)' is not an expert id, an email address or a roster pseudonym")
        }

        let domain = value("domain")
        guard knownDomains.contains(domain) else {
            return fail("domain", "'\(domain)' is not a known domain; the domains are \(knownDomains.sorted().joined(separator: ", "))")
        }
        let project = value("project")
        guard project.count <= 200 else { return fail("project", "is longer than 200 characters") }
        guard !project.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return fail("project", "contains a control character")
        }
        let period = value("period_end")
        guard period.utf8.count == 10, let normalized = ISO8601Text.normalize(period), normalized.hasPrefix(period) else {
            return fail("period_end", "'\(period)' is not a date as YYYY-MM-DD")
        }
        let metric = value("metric")
        guard OutcomeMetric.isValidName(metric) else {
            return fail("metric", "'\(metric)' is not a metric name (lower-case letters, digits and underscores, starting with a letter, at most 63)")
        }
        let valueText = value("value")
        guard let number = Double(valueText), number.isFinite else {
            return fail("value", "'\(valueText)' is not a number")
        }
        if OutcomeMetric.isRate(metric), !(0...1).contains(number) {
            return fail("value", "\(valueText) is outside 0 to 1; \(metric) is a rate (0.93, not 93)")
        }
        let tasksText = value("tasks")
        guard let tasks = Int(tasksText), (1...100_000_000).contains(tasks) else {
            return fail("tasks", "'\(tasksText)' is not a whole number of tasks from 1 to 100,000,000")
        }
        return .success(OutcomeRow(expert: expert, domain: domain, project: project, periodEnd: period,
                                   metric: metric, value: number, tasks: tasks))
    }

    /// The fields of a JSON Lines row as text: strings as they are, numbers in their shortest
    /// form (JSON numbers are accepted for expert, value and tasks).
    static func fields(json bytes: [UInt8]) -> Result<[String: String], FieldProblem> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            return .failure(FieldProblem(field: "(row)", reason: "is not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(FieldProblem(field: "(row)", reason: "must be a JSON object ({\"expert\": …})"))
        }
        var fields: [String: String] = [:]
        for (key, value) in dictionary {
            guard columns.contains(key) else {
                return .failure(FieldProblem(field: key, reason: "is not a known field; the fields are \(columns.joined(separator: ", "))"))
            }
            switch value {
            case let text as String:
                fields[key] = text
            case let number as NSNumber where ["expert", "value", "tasks"].contains(key) && !["true", "false"].contains(String(describing: value)):
                fields[key] = key == "value" ? "\(number.doubleValue)" : (number.doubleValue == number.doubleValue.rounded() && abs(number.doubleValue) < 1e15 ? String(number.int64Value) : "\(number.doubleValue)")
            case is NSNull:
                continue
            default:
                return .failure(FieldProblem(field: key, reason: ["expert", "value", "tasks"].contains(key) ? "must be a string or a number" : "must be a string"))
            }
        }
        return .success(fields)
    }
}
