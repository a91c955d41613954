import Banks
import Foundation
import Testing

/// The item model as it was before per-option credits, several numeric answers, graded short
/// answers and matching (issue 18): a frozen copy of its Codable shape. `assay bank sync` hashes
/// the JSON of a bank (sorted keys), so a bank that uses none of the new fields must encode
/// byte for byte as this copy does, or its content hash (and its items' hashes) would change.
private enum Legacy {
    struct Item: Codable {
        var id: String
        var topic: String
        var prompt: String
        var explanation: String?
        var points: Double
        var difficulty: Difficulty
        var irt: IRTParameters?
        var body: ItemBody
    }

    struct ChoiceOption: Codable {
        var text: String
        var correct: Bool
    }

    enum PartialScoring: String, Codable {
        case partial
        case allOrNothing = "all_or_nothing"
    }

    enum NumericTolerance: Codable {
        case exact
        case absolute(Double)
        case percent(Double)
        case range(min: Double, max: Double)
    }

    struct NumericKey: Codable {
        var answer: Double?
        var tolerance: NumericTolerance
        var unit: String?
    }

    enum ItemBody: Codable {
        case singleChoice(options: [ChoiceOption])
        case multipleResponse(options: [ChoiceOption], scoring: PartialScoring)
        case trueFalse(answer: Bool)
        case numeric(NumericKey)
        case shortText(accept: [String], acceptRegex: [String])
        case ordering(steps: [String], scoring: PartialScoring)
        case essay(rubric: String, maxWords: Int?)
    }

    struct Bank: Codable {
        var slug: String
        var title: String
        var domain: String
        var language: String
        var description: String?
        var settings: BankSettings
        var items: [Item]
    }
}

@Suite("Content hashes of banks without the new fields")
struct ContentHashStabilityTests {
    /// The encoder `assay bank sync` hashes with (AssayCore's Catalog).
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Whether an item uses anything added with issue 18.
    static func usesNewFields(_ item: Item) -> Bool {
        switch item.body {
        case .singleChoice(let options), .multipleResponse(let options, _): options.contains { $0.credit != nil }
        case .numeric(let key): key.otherAnswers != nil
        case .shortText(_, _, let graded): graded != nil
        case .matching: true
        case .trueFalse, .ordering, .essay: false
        }
    }

    /// `bank`'s JSON, and the same bank's JSON through the frozen model.
    static func encodings(_ bank: Bank) throws -> (now: Data, before: Data) {
        let now = try json(bank)
        let before = try json(JSONDecoder().decode(Legacy.Bank.self, from: now))
        return (now, before)
    }

    @Test func everyShippedBankEncodesAsBeforeSoItsContentHashIsUnchanged() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interview-banks")
        let banks = BankLinter.lint(path: root.path).banks.map(\.bank).filter { !$0.items.contains(where: Self.usesNewFields) }
        #expect(banks.count >= 8)
        for bank in banks {
            let (now, before) = try Self.encodings(bank)
            #expect(now == before, "\(bank.slug)")
            // Reading and writing the file does not change it either.
            let (read, _) = BankReader.bank(from: try BankWriter.yaml(bank), file: "\(bank.slug).yaml")
            #expect(try read.map(Self.json) == now, "\(bank.slug)")
        }
    }

    @Test func everyOldItemTypeAndFieldEncodesAsBefore() throws {
        let yaml = """
        slug: old-format
        title: Every field of the old format
        domain: demo
        language: en
        description: All of it.
        settings: {items_per_screen: 2, time_limit_minutes: 10, shuffle_options: true, pass_rule: {min_percent: 70}}
        items:
          - {id: a, type: single_choice, topic: t, difficulty: easy, prompt: P, explanation: E, points: 2, irt: {a: 1.2, b: -0.5, c: 0.2},
             options: [{text: x, correct: true}, {text: y}]}
          - {id: b, type: multiple_response, topic: t, difficulty: hard, prompt: P, options: [{text: x, correct: true}, {text: y}], scoring: all_or_nothing}
          - {id: c, type: true_false, topic: t, difficulty: medium, prompt: P, answer: false}
          - {id: d, type: numeric, topic: t, difficulty: medium, prompt: P, answer: 9.81, tolerance: 0.02, unit: m/s²}
          - {id: e, type: numeric, topic: t, difficulty: medium, prompt: P, answer: 1500, tolerance_percent: 2}
          - {id: f, type: numeric, topic: t, difficulty: medium, prompt: P, range: {min: 0.3, max: 0.35}}
          - {id: g, type: numeric, topic: t, difficulty: medium, prompt: P, answer: 3}
          - {id: h, type: short_text, topic: t, difficulty: medium, prompt: P, accept: [a, b], accept_regex: ['^c$']}
          - {id: i, type: ordering, topic: t, difficulty: medium, prompt: P, steps: [a, b, c]}
          - {id: j, type: essay, topic: t, difficulty: medium, prompt: P, rubric: R, max_words: 100}
        """
        let (bank, diagnostics) = BankReader.bank(from: yaml, file: "old.yaml")
        #expect(diagnostics.isEmpty)
        let read = try #require(bank)
        #expect(!read.items.contains(where: Self.usesNewFields))
        let (now, before) = try Self.encodings(read)
        #expect(now == before)
        #expect(!String(decoding: now, as: UTF8.self).contains("credit"))
        #expect(!String(decoding: now, as: UTF8.self).contains("graded"))
        #expect(!String(decoding: now, as: UTF8.self).contains("otherAnswers"))
    }

    @Test func theNewFieldsAreWhatTellsABankApartFromTheOldForm() throws {
        let old = GIFTTesting.item("a", "P", .singleChoice(options: GIFTTesting.options("=x", "~y")))
        var credited = old
        credited.body = .singleChoice(options: GIFTTesting.credited(single: true, ("x", 100), ("y", 50)))
        let (now, before) = try Self.encodings(GIFTTesting.bank([credited]))
        #expect(now != before)
        let unchanged = try Self.encodings(GIFTTesting.bank([old]))
        #expect(unchanged.now == unchanged.before)
    }
}
