import Banks
import Testing

/// Shared helpers for the GIFT importer and exporter tests.
enum GIFTTesting {
    /// The file name every test passes to the importer.
    static let file = "questions.gift"

    /// Converts `lines` joined by newlines, into the bank `cardio`.
    static func convert(_ lines: String...) -> GIFTImportResult {
        GIFTImporter.convert(lines.joined(separator: "\n"), file: file, bankSlug: "cardio")
    }

    /// The body of the one item `lines` convert to, or nil when there is not exactly one.
    static func body(_ lines: String...) -> ItemBody? {
        let result = GIFTImporter.convert(lines.joined(separator: "\n"), file: file, bankSlug: "cardio")
        return result.items.count == 1 ? result.items[0].body : nil
    }

    /// An item as the importer makes it: topic `general`, 1 point, medium difficulty.
    static func item(_ id: String, topic: String = "general", _ prompt: String, explanation: String? = nil, _ body: ItemBody) -> Item {
        Item(id: id, topic: topic, prompt: prompt, explanation: explanation, points: 1, difficulty: .medium, body: body)
    }

    /// A diagnostic in the test file.
    static func diagnostic(_ line: Int, _ column: Int, _ severity: BankDiagnostic.Severity, _ message: String) -> BankDiagnostic {
        BankDiagnostic(file: file, line: line, column: column, severity: severity, message: message)
    }

    /// The diagnostics as (line, column, severity), for tests that do not pin the wording.
    static func locations(_ result: GIFTImportResult) -> [Location] {
        result.diagnostics.map { Location(line: $0.line, column: $0.column, severity: $0.severity) }
    }

    /// Where a diagnostic is and how serious it is.
    struct Location: Hashable, CustomStringConvertible {
        var line: Int
        var column: Int
        var severity: BankDiagnostic.Severity
        var description: String { "\(line):\(column) \(severity.rawValue)" }
    }

    /// Options from `"=right"` / `"~wrong"` shorthands.
    static func options(_ written: String...) -> [ChoiceOption] {
        written.map { ChoiceOption(text: String($0.dropFirst()), correct: $0.hasPrefix("=")) }
    }

    /// Options with credits, `correct` derived as the bank reader does.
    static func credited(single: Bool, _ options: (String, Double)...) -> [ChoiceOption] {
        options.map { ChoiceOption(text: $0.0, correct: single ? $0.1 >= 100 : $0.1 > 0, credit: $0.1) }
    }

    /// A bank of `items` with valid settings.
    static func bank(_ items: [Item], slug: String = "cardio") -> Bank {
        Bank(slug: slug, title: "Cardiology", domain: "medicine", language: "en",
             settings: BankSettings(itemsPerScreen: max(1, items.count), timeLimitMinutes: 30, passRule: PassRule(minPercent: 70)), items: items)
    }

    /// The bank-format rules an imported item breaks (empty when none): the bank reader's own
    /// rules on a one-item bank, and the importer's conventions (id, topic, points, difficulty).
    static func violations(of item: Item) -> [String] {
        var problems: [String] = []
        let idPattern = item.id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
        let idStart = item.id.unicodeScalars.first.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) } ?? false
        if !idPattern || !idStart || item.id.count > 64 { problems.append("id \(item.id)") }
        if item.topic.isEmpty || item.topic != item.topic.lowercased() { problems.append("topic \(item.topic)") }
        if item.points != 1 || item.difficulty != .medium { problems.append("points or difficulty") }
        do {
            let yaml = try BankWriter.yaml(bank([item]))
            let (read, diagnostics) = BankReader.bank(from: yaml, file: "check.yaml")
            problems += diagnostics.map(\.description)
            if read?.items != [item] { problems.append("does not read back the same: \(String(describing: read?.items))") }
        } catch {
            problems.append("cannot be written: \(error)")
        }
        return problems
    }
}
