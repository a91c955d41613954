@testable import Banks
import Foundation
import Testing

/// Texts that YAML could read as something else, or not at all, if they were written plainly.
let hostileTexts: [String] = [
    "it's \"quoted\"", "'single'", "\"", "'", "key: value", "a: b: c", ": colon first", "a # not a comment", "#start", "- leading dash", "-",
    "*star", "*alias", "&anchor", "!tag", "!!str x", "%YAML 1.2", "@at", "`tick`", "{flow: map}", "[list, here]", "a, b", "?", "? question",
    "|", "|-", ">", ">+", "yes", "no", "Yes", "NO", "on", "off", "null", "Null", "~", "true", "False", "123", "-7", "0x1F", "0o17", "1e3",
    ".inf", "-.5", ".NaN", "1_000", "2026-12-04", "12:30:00", "trailing  ", "  leading", "\\", "back\\slash\\n", "é ü 中文 العربية",
    "emoji 👩‍🔬 🫀", "\u{1F600}", "nbsp\u{A0}here", "zero\u{200B}width", "private\u{E000}use", "\u{FFFD}", "tab\there", "tab at end\t",
    "CR\rin", "CRLF\r\nin", "NEL\u{85}in", "LS\u{2028}and PS\u{2029}", "BOM\u{FEFF}in", "bell\u{07}", "del\u{7F}", "esc\u{1B}[2J",
    "nul\u{0}byte", "C1\u{9B}31m", "noncharacter\u{FFFE}", "line one\nline two", "multi\nline with trailing  \nspaces in the middle",
    "ends with a newline\n", "ends with two\n\n", "ends with three\n\n\n", "middle\n\n\nempty lines", "indented\n  code\n    block\nback",
    "line\n   \nwhite-space-only line", "---\nx", "a\n---\nb", "a\n...\nb", "a\n# hash line\n- dash line\n* star line\n& amp\n! bang\n%pct",
    "\nleading newline", " \nleading space then newline", "x\n\n", "x\n \n", "tab\n\tin a block", "a\nb\u{85}c", "\"\n'", "\\\n\\",
    "long " + String(repeating: "word, ", count: 60) + "end", "long\n" + String(repeating: "x", count: 300),
]

@Suite("Bank items written as YAML text")
struct BankItemYAMLTests {
    /// Items of every type whose every text is one of the hostile texts (made distinct where
    /// the format needs distinct texts).
    static func hostileItems() -> [Item] {
        var items: [Item] = []
        for (index, text) in hostileTexts.enumerated() {
            let id = "h\(index)"
            // Texts that must differ from `text` once trimmed.
            let other = "(b) " + hostileTexts[(index + 1) % hostileTexts.count]
            let third = "(c) " + hostileTexts[(index + 2) % hostileTexts.count]
            let bodies: [ItemBody] = [
                .singleChoice(options: [ChoiceOption(text: text, correct: true), ChoiceOption(text: other), ChoiceOption(text: third)]),
                .multipleResponse(options: [ChoiceOption(text: text, correct: false, credit: -50), ChoiceOption(text: other, correct: true, credit: 70),
                                            ChoiceOption(text: third, correct: true, credit: 30)], scoring: .partial),
                .multipleResponse(options: [ChoiceOption(text: text, correct: true), ChoiceOption(text: other)], scoring: .allOrNothing),
                .numeric(NumericKey(answer: -2.5e-7, tolerance: .range(min: -1, max: 1e200), unit: text,
                                    otherAnswers: [.init(answer: 3, tolerance: .percent(12.5), credit: 50), .init(answer: nil, tolerance: .range(min: 5, max: 6), credit: 25)])),
                .shortText(accept: [text, other], acceptRegex: ["[a-z]+\\d", "it's"],
                           graded: [ShortTextAnswer(third, match: .exact, credit: 40), ShortTextAnswer("*\(text)*", match: .wildcard),
                                    ShortTextAnswer("x*\(other)", match: .wildcard, credit: 10), ShortTextAnswer("a'b\\s", match: .regex, credit: 60)]),
                .ordering(steps: [text, other, third], scoring: .allOrNothing),
                .essay(rubric: text, maxWords: 250),
                .matching(pairs: [MatchingPair(prompt: text, answer: other), MatchingPair(prompt: other, answer: third)],
                          distractors: ["distractor " + text], scoring: .partial),
            ]
            for (number, body) in bodies.enumerated() {
                let readable = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "x" + text : text
                items.append(Item(id: "\(id)-\(number)", topic: readable, prompt: readable, explanation: number % 2 == 0 ? other + "!" : nil,
                                  points: number == 3 ? 2.5 : 1, difficulty: .hard, irt: number == 0 ? IRTParameters(a: 1.25, b: -0.5, c: 0.2) : nil,
                                  body: body.canonical))
            }
        }
        return items
    }

    @Test("every hostile text reads back the same through the bank loader, in every field of every item type")
    func hostileTextsRoundTrip() throws {
        let items = Self.hostileItems()
        let yaml = try BankWriter.yaml(GIFTTesting.bank(items))
        let (bank, diagnostics) = BankReader.bank(from: yaml, file: "hostile.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics.prefix(5))")
        let read = try #require(bank)
        #expect(read.items.count == items.count)
        for (written, back) in zip(items, read.items) {
            #expect(back == written, "\(written.id)")
            #expect(back.prompt == written.prompt && back.topic == written.topic && back.explanation == written.explanation && back.body == written.body)
        }
        // Every item also passes the rules on its own.
        for item in items { #expect(ItemRules.firstViolation(of: item) == nil, "\(item.id)") }
        // Multi-line texts are literal blocks, with each chomping indicator.
        #expect(yaml.contains("prompt: |-\n    line one\n    line two\n"))
        #expect(yaml.contains("prompt: |\n    ends with a newline\n"))
        #expect(yaml.contains("prompt: |+\n    ends with two\n\n"))
        #expect(yaml.contains("prompt: \"tab\\there\""))
        #expect(yaml.contains("- 'it''s'"))
    }

    @Test("a bank of hostile texts lints clean as a file in a bank folder")
    func hostileBankLints() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("assay-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("medicine")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "slug: medicine\nname: Medicine\ndescription: Clinical knowledge.\n".write(to: folder.appendingPathComponent("domain.yaml"), atomically: true, encoding: .utf8)
        let items = Self.hostileItems()
        try BankWriter.yaml(GIFTTesting.bank(items)).write(to: folder.appendingPathComponent("cardio.yaml"), atomically: true, encoding: .utf8)
        let collection = BankLinter.lint(path: root.path)
        #expect(collection.diagnostics.filter { $0.severity == .error }.isEmpty, "\(collection.diagnostics.prefix(5))")
        #expect(collection.banks.first?.bank.items == items)
    }

    @Test("items written in batches are the same text as the whole bank's items")
    func batchesJoin() throws {
        let items = Self.hostileItems()
        let head = try BankWriter.yamlHead(GIFTTesting.bank(items))
        let batched = try BankWriter.yamlItems(Array(items[..<7])) + BankWriter.yamlItems(Array(items[7...]))
        #expect(head + batched == (try BankWriter.yaml(GIFTTesting.bank(items))))
        #expect(try BankWriter.yamlItems([]) == "")
    }
}

@Suite("Item rules checked on the item")
struct ItemRulesTests {
    /// What the bank reader says of `item` written in a one-item bank: its first error, else
    /// whether it reads back the same.
    static func readerVerdict(_ item: Item) throws -> String? {
        let yaml = try BankWriter.yaml(GIFTTesting.bank([item]))
        let (bank, diagnostics) = BankReader.bank(from: yaml, file: "check.yaml")
        if let error = diagnostics.first(where: { $0.severity == .error }) { return error.message }
        guard bank?.items == [item] else { return "it does not read back the same from a bank file" }
        return nil
    }

    static let texts = ["a", "b", "a ", "A", "", "  ", "\t\n", "x*y", "*", " * ", "\\*", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
                        "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "\u{200B}"] + hostileTexts.prefix(12)
    static let numbers: [Double] = [0, 1, -1, 100, 50, 33.333, 66.667, 150, -150, -100, 1e-7, 1000, 1001, .nan, .infinity, -.infinity, -0.0,
                                    1e300, 2e300, -2e300, 0.5, 1e15, 1e20, 25, 75, 0.999, 1.5, 20, 21, -10, -11]
    static let ids = ["q1", "", " ", "Q1", String(repeating: "a", count: 65), String(repeating: "a", count: 64), "é", "q 1", "-x", "x-", "0a", "a.b_c-d"]
    static let patterns = ["[a-z]+", "(", "a{2,", "x\\d", "it's", "(?i)yes", "*", "a*", "\\*b", "** ", "x*y"]

    /// A random item: mostly plausible, often breaking one rule or several.
    static func randomItem(using generator: inout some RandomNumberGenerator) -> Item {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &generator)] }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        func number() -> Double { pick(numbers) }
        func someTexts(_ range: ClosedRange<Int>) -> [String] {
            // Mostly distinct letters, sometimes anything.
            let n = count(range)
            return chance(70) ? Array(Self.texts[11..<(11 + min(n, 20))]) : (0..<n).map { _ in pick(Self.texts) }
        }
        func tolerance() -> NumericTolerance {
            switch count(0...3) {
            case 0: .exact
            case 1: .absolute(number())
            case 2: .percent(number())
            default: .range(min: number(), max: number())
            }
        }
        let body: ItemBody
        switch count(0...7) {
        case 0, 1:
            let credited = chance(50)
            let options = someTexts(0...11).map { text in
                ChoiceOption(text: text, correct: chance(40), credit: credited ? (chance(85) ? pick([0, 100, 50, -50, 25, 75, -100, 33.333]) : number()) : (chance(5) ? 0 : nil))
            }
            body = chance(50) ? .singleChoice(options: options) : .multipleResponse(options: options, scoring: chance(50) ? .partial : .allOrNothing)
        case 2:
            body = .trueFalse(answer: chance(50))
        case 3:
            let others: [NumericKey.Alternative]? = chance(40) ? nil : (0..<count(0...3)).map { _ in
                NumericKey.Alternative(answer: chance(85) ? number() : nil, tolerance: tolerance(), credit: chance(70) ? pick([50, 25, 100, 10]) : number())
            }
            body = .numeric(NumericKey(answer: chance(85) ? number() : nil, tolerance: tolerance(), unit: chance(30) ? pick(texts) : nil, otherAnswers: others))
        case 4:
            let graded: [ShortTextAnswer]? = chance(40) ? nil : (0..<count(0...3)).map { _ in
                let match = pick(ShortTextAnswer.Match.allCases)
                return ShortTextAnswer(match == .exact ? pick(texts) : pick(patterns), match: match, credit: chance(70) ? pick([50, 100, 25, 0]) : number())
            }
            body = .shortText(accept: (0..<count(0...2)).map { _ in pick(texts) }, acceptRegex: (0..<count(0...2)).map { _ in pick(patterns) }, graded: graded)
        case 5:
            body = .ordering(steps: someTexts(0...11), scoring: chance(50) ? .partial : .allOrNothing)
        case 6:
            body = .essay(rubric: pick(texts), maxWords: chance(50) ? nil : pick([0, 1, 5, 100_000, 100_001, -3, 1_000_000_000_000_000]))
        default:
            let answers = someTexts(0...23)
            let pairs = answers.enumerated().map { MatchingPair(prompt: chance(90) ? "p\($0.offset)" : pick(texts), answer: chance(80) ? $0.element : pick(texts)) }
            body = .matching(pairs: pairs, distractors: chance(50) ? [] : (0..<count(1...5)).map { _ in pick(texts) }, scoring: .partial)
        }
        return Item(id: chance(80) ? "q1" : pick(ids), topic: chance(90) ? "general" : pick(texts), prompt: chance(90) ? "Prompt?" : pick(texts),
                    explanation: chance(70) ? nil : pick(texts), points: chance(80) ? 1 : number(), difficulty: .medium,
                    irt: chance(80) ? nil : IRTParameters(a: number(), b: number(), c: number()),
                    body: chance(70) ? body.canonical : body)
    }

    @Test("random items, valid and broken, get the reader's own verdict, word for word", arguments: [1, 2, 3] as [UInt64])
    func sameVerdictAsTheReader(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var verdicts: [String: Int] = [:]
        for _ in 0..<1500 {
            let item = Self.randomItem(using: &generator)
            let expected = try Self.readerVerdict(item)
            #expect(ItemRules.firstViolation(of: item) == expected, "\(item)")
            verdicts[expected ?? "valid", default: 0] += 1
        }
        // The items exercise many rules, and valid items too.
        #expect((verdicts["valid"] ?? 0) > 50)
        #expect(verdicts.count > 25, "\(verdicts.keys.sorted())")
    }

    @Test("every rule of the reader is found on the item, with the reader's words", arguments: [
        GIFTTesting.item("Bad Id", "Q?", .trueFalse(answer: true)),
        GIFTTesting.item("q1", topic: " ", "Q?", .trueFalse(answer: true)),
        GIFTTesting.item("q1", "\n", .trueFalse(answer: true)),
        GIFTTesting.item("q1", "Q?", explanation: "", .trueFalse(answer: true)),
        GIFTTesting.item("q1", "Q?", .singleChoice(options: GIFTTesting.options("=a", "=b"))),
        GIFTTesting.item("q1", "Q?", .singleChoice(options: GIFTTesting.options("=a", "~a "))),
        GIFTTesting.item("q1", "Q?", .singleChoice(options: GIFTTesting.options("=a"))),
        GIFTTesting.item("q1", "Q?", .singleChoice(options: GIFTTesting.credited(single: true, ("a", 90), ("b", 0)))),
        GIFTTesting.item("q1", "Q?", .multipleResponse(options: GIFTTesting.credited(single: false, ("a", 50), ("b", 40), ("c", -100)), scoring: .partial)),
        GIFTTesting.item("q1", "Q?", .multipleResponse(options: GIFTTesting.options("=a", "=b"), scoring: .partial)),
        GIFTTesting.item("q1", "Q?", .numeric(NumericKey(answer: 5, tolerance: .range(min: 6, max: 7)))),
        GIFTTesting.item("q1", "Q?", .numeric(NumericKey(answer: 0, tolerance: .percent(5)))),
        GIFTTesting.item("q1", "Q?", .numeric(NumericKey(answer: .nan, tolerance: .exact))),
        GIFTTesting.item("q1", "Q?", .numeric(NumericKey(answer: 1, tolerance: .exact, otherAnswers: [.init(answer: 2, tolerance: .exact, credit: 0)]))),
        GIFTTesting.item("q1", "Q?", .shortText(accept: [], acceptRegex: ["("], graded: nil)),
        GIFTTesting.item("q1", "Q?", .shortText(accept: [], acceptRegex: [], graded: [ShortTextAnswer("a", match: .exact, credit: 50)])),
        GIFTTesting.item("q1", "Q?", .shortText(accept: ["a"], acceptRegex: [], graded: [ShortTextAnswer(" * ", match: .wildcard, credit: 50)])),
        GIFTTesting.item("q1", "Q?", .ordering(steps: ["a", "b", "a"], scoring: .partial)),
        GIFTTesting.item("q1", "Q?", .essay(rubric: "R", maxWords: 0)),
        GIFTTesting.item("q1", "Q?", .matching(pairs: [MatchingPair(prompt: "p", answer: "a"), MatchingPair(prompt: "p ", answer: "b")], distractors: [], scoring: .partial)),
        GIFTTesting.item("q1", "Q?", .matching(pairs: [MatchingPair(prompt: "p", answer: "a"), MatchingPair(prompt: "q", answer: "b")], distractors: ["a"], scoring: .partial)),
    ])
    func eachRule(item: Item) throws {
        let expected = try #require(try Self.readerVerdict(item))
        #expect(ItemRules.firstViolation(of: item) == expected)
    }
}
