import Banks
import Testing

/// Reads one item, written as YAML lines indented under `items:`, in a bank of its own.
private func read(_ itemLines: String...) -> (items: [Item]?, diagnostics: [BankDiagnostic]) {
    let header = """
    slug: keys
    title: Keys
    domain: demo
    language: en
    settings: {items_per_screen: 1, time_limit_minutes: 10, pass_rule: {min_percent: 70}}
    items:
      - id: q
        topic: t
        difficulty: medium
        prompt: P

    """
    let text = header + itemLines.map { "    " + $0 }.joined(separator: "\n") + "\n"
    let (bank, diagnostics) = BankReader.bank(from: text, file: "keys.yaml")
    return (bank?.items, diagnostics)
}

/// The one item's body, or nil after an error.
private func body(_ itemLines: String...) -> ItemBody? {
    let (items, diagnostics) = read(itemLines.joined(separator: "\n    "))
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    return items?.first?.body
}

/// The errors, as `line:column message`, of one item written as `itemLines`.
private func errors(_ itemLines: [String]) -> [String] {
    let (_, diagnostics) = read(itemLines.joined(separator: "\n    "))
    return diagnostics.filter { $0.severity == .error }.map { "\($0.line):\($0.column) \($0.message)" }
}

/// Writes and reads back `body` in an item, expecting the same item.
private func roundTrip(_ body: ItemBody) throws -> ItemBody? {
    let item = Item(id: "q", topic: "t", prompt: "P", difficulty: .medium, body: body)
    let bank = Bank(slug: "keys", title: "Keys", domain: "demo", language: "en",
                    settings: BankSettings(itemsPerScreen: 1, timeLimitMinutes: 10, passRule: PassRule(minPercent: 70)), items: [item])
    let yaml = try BankWriter.yaml(bank)
    let (read, diagnostics) = BankReader.bank(from: yaml, file: "keys.yaml")
    #expect(diagnostics.isEmpty, "\(diagnostics)\n\(yaml)")
    return read?.items.first?.body
}

@Suite("Bank format: credits, several answers, wildcards and matching")
struct BankFormatKeyTests {
    // MARK: Options with credits

    @Test func singleChoiceOptionsWithCreditsReadWithCorrectDerived() throws {
        let body = body("type: single_choice", "options:", "  - {text: Adenosine, credit: 100}", "  - {text: Verapamil, credit: 50}",
                        "  - {text: Digoxin, credit: -25}", "  - {text: Amiodarone}")
        let expected = ItemBody.singleChoice(options: GIFTTesting.credited(single: true, ("Adenosine", 100), ("Verapamil", 50), ("Digoxin", -25), ("Amiodarone", 0)))
        #expect(body == expected)
        #expect(try roundTrip(expected) == expected)
    }

    @Test func creditsThatSayWhatCorrectSaysAreReadAsTheClassicKey() {
        #expect(body("type: single_choice", "options: [{text: a, credit: 100}, {text: b}]") == .singleChoice(options: GIFTTesting.options("=a", "~b")))
        #expect(body("type: multiple_response", "options: [{text: a, credit: 50}, {text: b, credit: 50}, {text: c, credit: -50}]")
            == .multipleResponse(options: GIFTTesting.options("=a", "=b", "~c"), scoring: .partial))
    }

    @Test func multipleResponseCreditsReadAndRoundTrip() throws {
        let body = body("type: multiple_response", "options: [{text: a, credit: 50}, {text: b, credit: 50}, {text: c, credit: -100}, {text: d}]")
        let expected = ItemBody.multipleResponse(options: GIFTTesting.credited(single: false, ("a", 50), ("b", 50), ("c", -100), ("d", 0)), scoring: .partial)
        #expect(body == expected)
        #expect(try roundTrip(expected) == expected)
    }

    @Test("Option credits that break a rule are errors at the field or the options", arguments: [
        (["type: single_choice", "options: [{text: a, credit: 50}, {text: b}]"], "12:14 a single_choice item with credits needs an option with credit 100 (full credit); the highest is 50"),
        (["type: single_choice", "options: [{text: a, credit: 100}, {text: b, correct: true}]"], "12:58 this single_choice item gives credits to its options, so 'correct' does not apply: give the right option(s) a credit (credit: 100 for full credit) instead"),
        (["type: single_choice", "options: [{text: a, credit: 101}, {text: b}]"], "12:33 'credit' is 101; it must be between -100.0 and 100.0"),
        (["type: multiple_response", "options: [{text: a, credit: 50}, {text: b, credit: 30}, {text: c}]"], "12:14 the positive credits of a multiple_response item add up to 80; they must add up to 100, so that the right options together earn full points"),
        (["type: multiple_response", "options: [{text: a, credit: 50}, {text: b, credit: 50}]"], "12:14 every option of this multiple_response item has a positive credit, so selecting them all earns full points; add an option with credit 0 or below"),
        (["type: multiple_response", "scoring: all_or_nothing", "options: [{text: a, credit: 100}, {text: b}]"], "12:14 scoring: all_or_nothing does not apply to options with credits (the credits decide the score); remove one or the other"),
    ])
    func badOptionCredits(lines: [String], expected: String) {
        #expect(errors(lines) == [expected])
    }

    // MARK: Several numeric answers

    @Test func numericOtherAnswersReadHighestCreditFirstAndRoundTrip() throws {
        let body = body("type: numeric", "answer: 1822", "other_answers:", "  - {range: {min: 1800, max: 1900}, credit: 10}",
                        "  - {answer: 1822, tolerance: 2, credit: 50}", "  - {answer: 1.822e3, tolerance_percent: 0.1}")
        let expected = ItemBody.numeric(NumericKey(answer: 1822, tolerance: .exact, otherAnswers: [
            .init(answer: 1822, tolerance: .percent(0.1)), .init(answer: 1822, tolerance: .absolute(2), credit: 50),
            .init(answer: nil, tolerance: .range(min: 1800, max: 1900), credit: 10),
        ]))
        #expect(body == expected)
        #expect(try roundTrip(expected) == expected)
    }

    @Test("Further numeric answers that break a rule are errors at their entry", arguments: [
        (["type: numeric", "answer: 3", "other_answers: [{answer: 2, credit: 0}]"], "13:41 an answer with credit 0 earns nothing; remove it"),
        (["type: numeric", "answer: 3", "other_answers: [{tolerance: 2, credit: 50}]"], "13:21 missing field 'answer' (required unless a range is given)"),
        (["type: numeric", "answer: 3", "other_answers: [{answer: 2, tolerance: 1, range: {min: 1, max: 3}}]"], "13:21 a numeric answer takes one of tolerance, tolerance_percent or range, not several"),
        (["type: numeric", "answer: 3", "other_answers: []"], "13:20 other_answers is empty; remove it or list further answers"),
        (["type: numeric", "answer: 3", "other_answers: [{answer: 2, credit: 120}]"], "13:41 'credit' is 120; it must be between 0.0 and 100.0"),
    ])
    func badNumericAnswers(lines: [String], expected: String) {
        #expect(errors(lines) == [expected])
    }

    // MARK: Short answers with credits and wildcards

    @Test func shortTextListsTakeCreditsAndWildcardsAndRoundTrip() throws {
        let body = body("type: short_text", "accept:", "  - myocardial infarction", "  - {text: MI, credit: 50}", "  - {text: STEMI, credit: 100}",
                        "accept_wildcard:", "  - '* infarct*'", "  - {pattern: 'heart *', credit: 80}", "accept_regex:", "  - {pattern: '^ami$', credit: 60}")
        let expected = ItemBody.shortText(accept: ["myocardial infarction", "STEMI"], acceptRegex: [], graded: [
            ShortTextAnswer("MI", match: .exact, credit: 50), ShortTextAnswer("* infarct*", match: .wildcard),
            ShortTextAnswer("heart *", match: .wildcard, credit: 80), ShortTextAnswer("^ami$", match: .regex, credit: 60),
        ])
        #expect(body == expected)
        #expect(try roundTrip(expected) == expected)
    }

    @Test("Short answers that break a rule are errors at their entry", arguments: [
        (["type: short_text", "accept: [{text: a, credit: 50}]"], "7:5 a short_text item needs an accepted answer with full credit (100) in accept, accept_wildcard or accept_regex"),
        (["type: short_text", "accept: [a]", "accept_wildcard: ['**']"], "13:23 the pattern '**' accepts every answer; write the text around the '*'"),
        (["type: short_text", "accept: [a, {text: b, credit: 0}]"], "12:35 an accepted answer with credit 0 earns nothing; remove it"),
        (["type: short_text", "accept: [a]", "accept_regex: [{pattern: '(', credit: 50}]"], "13:30 the regular expression '(' does not compile"),
    ])
    func badShortAnswers(lines: [String], expected: String) {
        #expect(errors(lines) == [expected])
    }

    // MARK: Matching

    @Test func matchingReadsPairsDistractorsAndScoringAndRoundTrips() throws {
        let body = body("type: matching", "pairs:", "  - {prompt: Bisoprolol, answer: beta-blocker}", "  - {prompt: Atenolol, answer: beta-blocker}",
                        "  - {prompt: Ramipril, answer: ACE inhibitor}", "distractors: [calcium channel blocker]", "scoring: all_or_nothing")
        let expected = ItemBody.matching(pairs: [
            MatchingPair(prompt: "Bisoprolol", answer: "beta-blocker"), MatchingPair(prompt: "Atenolol", answer: "beta-blocker"),
            MatchingPair(prompt: "Ramipril", answer: "ACE inhibitor"),
        ], distractors: ["calcium channel blocker"], scoring: .allOrNothing)
        #expect(body == expected)
        #expect(try roundTrip(expected) == expected)
        let layout = MatchingLayout(pairs: [
            MatchingPair(prompt: "Bisoprolol", answer: "beta-blocker"), MatchingPair(prompt: "Atenolol", answer: "beta-blocker"),
            MatchingPair(prompt: "Ramipril", answer: "ACE inhibitor"),
        ], distractors: ["calcium channel blocker"])
        #expect(layout.choices == ["beta-blocker", "ACE inhibitor", "calcium channel blocker"])
        #expect(layout.key == [0, 0, 1])
    }

    @Test("Matching items that break a rule are errors where the problem is", arguments: [
        (["type: matching", "pairs: [{prompt: a, answer: 1}]"], "12:12 a matching item needs 2 to 20 pairs, not 1"),
        (["type: matching", "pairs: [{prompt: a, answer: 1}, {prompt: a, answer: 2}]"], "12:46 the prompt 'a' is already pair 1; every prompt of a matching item must differ"),
        (["type: matching", "pairs: [{prompt: a, answer: 1}, {prompt: b, answer: 2}]", "distractors: ['2']"], "13:19 the distractor '2' is also the answer of a pair; a distractor must match no prompt"),
        (["type: matching", "pairs: [{prompt: a, answer: 1}, {prompt: b, answer: 1}]"], "12:12 a matching item needs 2 to 26 different answers (those of the pairs and the distractors); it has 1"),
        (["type: matching", "pairs: [{prompt: a, answer: 1}, {prompt: b}]"], "12:37 missing field 'answer'"),
    ])
    func badMatching(lines: [String], expected: String) {
        #expect(errors(lines) == [expected])
    }

    @Test func canonicalFormIsIdempotent() {
        let bodies: [ItemBody] = [
            .singleChoice(options: [ChoiceOption(text: "a", credit: 100), ChoiceOption(text: "b", credit: 0)]),
            .multipleResponse(options: [ChoiceOption(text: "a", credit: 60), ChoiceOption(text: "b", credit: 40), ChoiceOption(text: "c")], scoring: .allOrNothing),
            .shortText(accept: [], acceptRegex: [], graded: [ShortTextAnswer("x", match: .regex), ShortTextAnswer("y*", match: .wildcard, credit: 20)]),
            .numeric(NumericKey(answer: 1, tolerance: .exact, otherAnswers: [])),
        ]
        for body in bodies { #expect(body.canonical.canonical == body.canonical) }
        #expect(bodies[0].canonical == .singleChoice(options: GIFTTesting.options("=a", "~b")))
        #expect(bodies[2].canonical == .shortText(accept: [], acceptRegex: ["x"], graded: [ShortTextAnswer("y*", match: .wildcard, credit: 20)]))
        #expect(bodies[3].canonical == .numeric(NumericKey(answer: 1, tolerance: .exact)))
    }
}
