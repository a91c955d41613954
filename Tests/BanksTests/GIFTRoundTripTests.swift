import Banks
import Foundation
import Testing

/// Random valid banks for the round-trip properties, from a seeded generator (no dependency).
enum RandomBanks {
    /// Words that stress GIFT: its syntax characters, formats, markup, wildcards, escapes.
    static let words = [
        "heart", "Kidney", "dose", "mg", "x", "#1", "a=b", "~tilde", "{set}", "key: value", "back\\slash", "50%", "%25%", "[html]",
        "[plain]", "<b>bold</b>", "&amp;", "2 < 3", "->", "*", "\\*", "é", "🫀", "line\nbreak", "tab\there", "T", "FALSE", "::", "////",
        "$CATEGORY:", "_____", "####", "\\n", "// no comment", "%", "-", "=%50%", "…",
    ]

    static func pick<T>(_ values: [T], _ g: inout some RandomNumberGenerator) -> T { values[Int.random(in: 0..<values.count, using: &g)] }

    /// One to four words; never blank.
    static func text(_ g: inout some RandomNumberGenerator, avoiding: [String] = []) -> String {
        while true {
            let text = (0..<Int.random(in: 1...4, using: &g)).map { _ in pick(words, &g) }.joined(separator: pick([" ", "", " "], &g))
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, !avoiding.contains(trimmed) { return text }
        }
    }

    /// `count` texts, different once trimmed.
    static func texts(_ count: Int, _ g: inout some RandomNumberGenerator) -> [String] {
        var result: [String] = []
        while result.count < count { result.append(text(&g, avoiding: result.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })) }
        return result
    }

    /// A credit with at most one decimal in `range`.
    static func credit(_ range: ClosedRange<Int>, _ g: inout some RandomNumberGenerator) -> Double { Double(Int.random(in: range, using: &g)) / 10 }

    /// `count` positive credits in tenths that add up to 100.
    static func split(_ count: Int, _ g: inout some RandomNumberGenerator) -> [Double] {
        var cuts = Set<Int>()
        while cuts.count < count - 1 { cuts.insert(Int.random(in: 1..<1000, using: &g)) }
        let bounds = [0] + cuts.sorted() + [1000]
        return zip(bounds, bounds.dropFirst()).map { Double($1 - $0) / 10 }
    }

    static func tolerance(answer: Double, _ g: inout some RandomNumberGenerator) -> (Double?, NumericTolerance) {
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return (answer, .exact)
        case 1: return (answer, .absolute(credit(0...50, &g)))
        case 2: return (answer == 0 ? 1 : answer, .percent(credit(1...100, &g)))
        default:
            let low = answer - credit(0...30, &g)
            return (Bool.random(using: &g) ? answer : nil, .range(min: low, max: answer + credit(0...30, &g)))
        }
    }

    static func body(_ g: inout some RandomNumberGenerator) -> ItemBody {
        switch Int.random(in: 0..<9, using: &g) {
        case 0:
            let texts = texts(Int.random(in: 2...6, using: &g), &g)
            let right = Int.random(in: 0..<texts.count, using: &g)
            return .singleChoice(options: texts.enumerated().map { ChoiceOption(text: $0.element, correct: $0.offset == right) })
        case 1:
            let texts = texts(Int.random(in: 2...6, using: &g), &g)
            // Option 0 gives full credit, option 1 less; the others anything.
            let credits = texts.indices.map { index in index == 0 ? 100 : index == 1 ? credit(-1000...990, &g) : pick([0, 100, credit(-1000...990, &g)], &g) }
            return ItemBody.singleChoice(options: zip(texts, credits).map { ChoiceOption(text: $0, credit: $1) }).canonical
        case 2:
            let texts = texts(Int.random(in: 2...6, using: &g), &g)
            let right = Int.random(in: 1..<texts.count, using: &g)
            if Bool.random(using: &g) {
                return .multipleResponse(options: texts.enumerated().map { ChoiceOption(text: $0.element, correct: $0.offset < right) }, scoring: pick([.partial, .allOrNothing], &g))
            }
            let credits = split(right, &g) + (right..<texts.count).map { _ in credit(-1000...0, &g) }
            return ItemBody.multipleResponse(options: zip(texts, credits).map { ChoiceOption(text: $0, credit: $1) }, scoring: .partial).canonical
        case 3:
            return .trueFalse(answer: Bool.random(using: &g))
        case 4:
            let (answer, tolerance) = tolerance(answer: credit(-10_000...10_000, &g), &g)
            let others = (0..<Int.random(in: 0...3, using: &g)).map { _ in
                let (a, t) = Self.tolerance(answer: credit(-10_000...10_000, &g), &g)
                return NumericKey.Alternative(answer: a, tolerance: t, credit: credit(1...1000, &g))
            }
            return ItemBody.numeric(NumericKey(answer: answer, tolerance: tolerance, unit: Bool.random(using: &g) ? "mg" : nil, otherAnswers: others)).canonical
        case 5:
            let texts = texts(Int.random(in: 1...5, using: &g), &g)
            var accept: [String] = []
            var graded: [ShortTextAnswer] = []
            for (index, text) in texts.enumerated() {
                let wildcard = Bool.random(using: &g) && ShortTextWildcards.isUsable(text)
                let full = index == 0 || Bool.random(using: &g)
                if !wildcard, full { accept.append(text) } else {
                    graded.append(ShortTextAnswer(wildcard ? text : text, match: wildcard ? .wildcard : .exact, credit: full ? 100 : credit(1...999, &g)))
                }
            }
            let regex = Int.random(in: 0..<8, using: &g) == 0 ? ["^x+$"] : []
            return ItemBody.shortText(accept: accept, acceptRegex: regex, graded: graded.isEmpty ? nil : graded).canonical
        case 6:
            return .ordering(steps: texts(Int.random(in: 3...5, using: &g), &g), scoring: .partial)
        case 7:
            return .essay(rubric: text(&g), maxWords: Bool.random(using: &g) ? 200 : nil)
        default:
            let prompts = texts(Int.random(in: 2...5, using: &g), &g)
            let answers = texts(Int.random(in: 2...5, using: &g), &g)
            let pairs = prompts.enumerated().map { MatchingPair(prompt: $0.element, answer: answers[$0.offset % answers.count]) }
            let used = Set(pairs.map { $0.answer.trimmingCharacters(in: .whitespacesAndNewlines) })
            let distractors = Array(answers.filter { !used.contains($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.prefix(2))
            return .matching(pairs: pairs, distractors: distractors, scoring: Int.random(in: 0..<6, using: &g) == 0 ? .allOrNothing : .partial)
        }
    }

    static func bank(_ g: inout some RandomNumberGenerator) -> Bank {
        let topics = ["cardiology", "renal", "heart-failure", "a/b", "general"]
        let items = (0..<Int.random(in: 1...12, using: &g)).map { index in
            Item(id: "q\(index)-\(pick(["a", "b.c", "d_e", "f-"], &g))", topic: pick(topics, &g), prompt: text(&g),
                 explanation: Bool.random(using: &g) ? text(&g) : nil, points: pick([1, 2, 0.5], &g), difficulty: pick([.easy, .medium, .hard], &g),
                 irt: Bool.random(using: &g) ? IRTParameters(a: 1.2, b: 0.3) : nil, body: body(&g))
        }
        return GIFTTesting.bank(items)
    }
}

/// Wildcard patterns from random text: at least one character besides `*`.
enum ShortTextWildcards {
    static func isUsable(_ text: String) -> Bool { text.contains("*") && !text.filter { !$0.isWhitespace && $0 != "*" }.isEmpty }
}

@Suite("GIFT round trip")
struct GIFTRoundTripTests {
    /// What GIFT carries of an item: texts trimmed (GIFT trims them), a relative tolerance as the
    /// absolute one it gives, no unit, word limit, points, difficulty or IRT parameters, and an
    /// essay's explanation dropped (its general feedback is the rubric).
    static func meaning(_ item: Item) -> Item {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        func plain(_ tolerance: NumericTolerance, _ answer: Double?) -> NumericTolerance {
            switch tolerance {
            case .percent(let percent): let value = abs(answer ?? 0) * percent / 100; return value == 0 ? .exact : .absolute(value)
            case .absolute(0): return .exact
            default: return tolerance
            }
        }
        /// A range's answer, if any, is only informative: the range decides.
        func answer(_ value: Double?, _ tolerance: NumericTolerance) -> Double? {
            if case .range = tolerance { return nil }
            return value
        }
        let body: ItemBody
        switch item.body {
        case .singleChoice(let options): body = .singleChoice(options: options.map { ChoiceOption(text: trim($0.text), correct: $0.correct, credit: $0.credit) })
        case .multipleResponse(let options, let scoring):
            body = .multipleResponse(options: options.map { ChoiceOption(text: trim($0.text), correct: $0.correct, credit: $0.credit) }, scoring: scoring)
        case .trueFalse: body = item.body
        case .numeric(let key):
            body = .numeric(NumericKey(answer: answer(key.answer, key.tolerance), tolerance: plain(key.tolerance, key.answer), unit: nil,
                                       otherAnswers: key.otherAnswers?.map { .init(answer: answer($0.answer, $0.tolerance), tolerance: plain($0.tolerance, $0.answer), credit: $0.credit) }))
        case .shortText(let accept, let regex, let graded):
            body = .shortText(accept: accept.map(trim), acceptRegex: regex, graded: graded?.map { ShortTextAnswer(trim($0.text), match: $0.match, credit: $0.credit) })
        case .ordering: body = item.body
        case .essay(let rubric, _): body = .essay(rubric: trim(rubric), maxWords: nil)
        case .matching(let pairs, let distractors, let scoring):
            body = .matching(pairs: pairs.map { MatchingPair(prompt: trim($0.prompt), answer: trim($0.answer)) }, distractors: distractors.map(trim), scoring: scoring)
        }
        var explanation = item.explanation.map(trim)
        if item.type == .essay { explanation = nil }
        return Item(id: item.id, topic: item.topic, prompt: trim(item.prompt), explanation: explanation, points: 1, difficulty: .medium, body: body.canonical)
    }

    /// The bank's items imported back from its GIFT export.
    static func reimport(_ bank: Bank) -> (export: GIFTExport, result: GIFTImportResult) {
        let export = GIFTExporter.export(bank)
        return (export, GIFTImporter.convert(export.text, file: "export.gift", bankSlug: bank.slug))
    }

    @Test("Random banks: bank → GIFT → bank keeps every exported item's meaning, and GIFT → bank → GIFT → bank is identical",
          arguments: [11, 12, 13, 14, 15] as [UInt64])
    func randomBanksRoundTrip(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var compared: [ItemType: Int] = [:]
        var leftOutCount = 0
        for _ in 0..<60 {
            let bank = RandomBanks.bank(&generator)
            for item in bank.items { #expect(GIFTTesting.violations(of: Self.meaning(item)).isEmpty, "generator made an invalid item \(item)") }
            let (export, first) = Self.reimport(bank)
            #expect(first.diagnostics.filter { $0.severity == .error }.isEmpty, "\(first.diagnostics)\n\(export.text)")
            let exported = bank.items.filter { export.exportedItemIDs.contains($0.id) }
            #expect(first.items.map(\.id) == export.exportedItemIDs)
            for (got, expected) in zip(first.items, exported.map(Self.meaning)) where got != expected {
                Issue.record("\(got)\n≠ \(expected)\nfrom \(GIFTExporter.export(GIFTTesting.bank([expected])).text)")
            }
            // Left out: exactly the items GIFT cannot express, each with an error note.
            let leftOut = Set(bank.items.map(\.id)).subtracting(export.exportedItemIDs)
            #expect(Set(export.notes.filter { $0.severity == .error }.compactMap(\.itemID)) == leftOut)
            leftOutCount += leftOut.count
            for item in first.items { compared[item.type, default: 0] += 1 }
            // GIFT → bank → GIFT → bank.
            let again = Self.reimport(GIFTTesting.bank(first.items))
            #expect(again.result.items == first.items)
            #expect(again.export.text == GIFTExporter.export(GIFTTesting.bank(again.result.items)).text)
        }
        // Not vacuous: every type GIFT can express went through, and some items were left out.
        for type in ItemType.allCases where type != .ordering { #expect(compared[type, default: 0] >= 5, "\(type): \(compared)") }
        #expect(leftOutCount > 0)
    }

    @Test("Random GIFT: GIFT → bank → GIFT → bank is identical", arguments: [1, 2, 3] as [UInt64])
    func randomGIFTRoundTrip(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var compared = 0
        for _ in 0..<500 {
            let source = GIFTRandomInputTests.randomSource(using: &generator)
            let first = GIFTImporter.convert(source, file: "random.gift", bankSlug: "rand")
            guard !first.items.isEmpty else { continue }
            compared += first.items.count
            let (export, second) = Self.reimport(GIFTTesting.bank(first.items, slug: "rand"))
            let kept = first.items.filter { export.exportedItemIDs.contains($0.id) }
            #expect(second.items == kept, "\(source.debugDescription)\n\(export.text)")
            #expect(second.diagnostics.filter { $0.severity == .error }.isEmpty, "\(second.diagnostics)")
        }
        #expect(compared >= 50)
    }
}
