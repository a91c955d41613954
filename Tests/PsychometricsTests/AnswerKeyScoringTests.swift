import Testing
import Psychometrics

@Suite("Scoring one answer against an answer key")
struct AnswerKeyScoringTests {
    // MARK: single choice and true/false

    @Test("A single-choice item earns full points for the key and nothing otherwise")
    func singleChoice() throws {
        let key = AnswerKey.singleChoice(correct: 1, optionCount: 4)
        #expect(try key.score(.choice(1), points: 2) == 2)
        #expect(try key.score(.choice(0), points: 2) == 0)
        #expect(try key.score(.choice(3), points: 2) == 0)
    }

    @Test("A single-choice answer naming an option that does not exist is rejected", arguments: [-1, 4, 99])
    func singleChoiceOutOfRange(option: Int) {
        let key = AnswerKey.singleChoice(correct: 1, optionCount: 4)
        #expect(throws: PsychometricsError.self) { try key.score(.choice(option)) }
    }

    @Test("A true/false item earns points only for the right value", arguments: [true, false])
    func trueFalse(answer: Bool) throws {
        let key = AnswerKey.trueFalse(answer: answer)
        #expect(try key.score(.boolean(answer)) == 1)
        #expect(try key.score(.boolean(!answer)) == 0)
    }

    @Test("An answer of the wrong kind for the item type is rejected with invalidResponse")
    func wrongKind() {
        let key = AnswerKey.trueFalse(answer: true)
        do {
            _ = try key.score(.text("true"))
            Issue.record("expected an error")
        } catch let error as PsychometricsError {
            #expect(error.code == .invalidResponse)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Points that are not finite and positive are rejected", arguments: [0.0, -1.0, Double.nan, Double.infinity])
    func badPoints(points: Double) {
        #expect(throws: PsychometricsError(.invalidPoints, "points must be a finite number > 0, is \(points)")) {
            try AnswerKey.trueFalse(answer: true).score(.boolean(true), points: points)
        }
    }

    // MARK: multiple response

    /// Options 0, 2, 3 correct of 6.
    static let mr = AnswerKey.multipleResponse(correct: [0, 2, 3], optionCount: 6, rule: .partial)

    @Test("Multiple response with partial credit awards points × max(0, (h − f) / C)", arguments: [
        (Set<Int>([0, 2, 3]), 3.0),
        (Set<Int>([0, 2]), 2.0),
        (Set<Int>([0]), 1.0),
        (Set<Int>([0, 2, 3, 1]), 2.0),
        (Set<Int>([0, 1]), 0.0),
        (Set<Int>([1, 4, 5]), 0.0),
        (Set<Int>([0, 1, 2, 3, 4, 5]), 0.0),
        (Set<Int>(), 0.0),
    ])
    func multipleResponsePartial(selected: Set<Int>, expected: Double) throws {
        #expect(abs(try Self.mr.score(.selection(selected), points: 3) - expected) < 1e-12)
    }

    @Test("Multiple response all-or-nothing awards points only for exactly the correct set")
    func multipleResponseAllOrNothing() throws {
        let key = AnswerKey.multipleResponse(correct: [0, 2], optionCount: 4, rule: .allOrNothing)
        #expect(try key.score(.selection([0, 2])) == 1)
        #expect(try key.score(.selection([0])) == 0)
        #expect(try key.score(.selection([0, 2, 3])) == 0)
        #expect(try key.score(.selection([])) == 0)
    }

    @Test("A multiple-response selection with an unknown option is rejected")
    func multipleResponseBadOption() {
        #expect(throws: PsychometricsError.self) { try Self.mr.score(.selection([0, 6])) }
    }

    @Test("A multiple-response key must have a correct and a wrong option in range")
    func multipleResponseBadKey() {
        #expect(throws: PsychometricsError.self) { try AnswerKey.multipleResponse(correct: [], optionCount: 3, rule: .partial).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.multipleResponse(correct: [0, 1, 2], optionCount: 3, rule: .partial).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.multipleResponse(correct: [3], optionCount: 3, rule: .partial).validate() }
    }

    // MARK: numeric

    @Test("An absolute tolerance includes its boundaries and excludes values beyond", arguments: [
        (9.81, 1.0), (9.83, 1.0), (9.79, 1.0), (9.8301, 0.0), (9.7899, 0.0), (-9.81, 0.0),
    ])
    func numericAbsolute(given: Double, expected: Double) throws {
        let key = AnswerKey.numeric(answer: 9.81, tolerance: .absolute(0.02))
        #expect(try key.score(.number(given)) == expected)
    }

    @Test("A relative tolerance is a percentage of |answer|, also for negative answers", arguments: [
        (1500.0, 1530.0, 1.0), (1500.0, 1470.0, 1.0), (1500.0, 1530.1, 0.0), (1500.0, 1469.9, 0.0),
        (-200.0, -204.0, 1.0), (-200.0, -196.0, 1.0), (-200.0, -204.5, 0.0), (-200.0, 200.0, 0.0),
    ])
    func numericPercent(answer: Double, given: Double, expected: Double) throws {
        let key = AnswerKey.numeric(answer: answer, tolerance: .percent(2))
        #expect(try key.score(.number(given)) == expected)
    }

    @Test("A relative tolerance around an answer of zero accepts only zero")
    func numericPercentZero() throws {
        let key = AnswerKey.numeric(answer: 0, tolerance: .percent(5))
        #expect(try key.score(.number(0)) == 1)
        #expect(try key.score(.number(-0.0)) == 1)
        #expect(try key.score(.number(1e-6)) == 0)
    }

    @Test("A closed range includes both ends", arguments: [
        (0.30, 1.0), (0.35, 1.0), (0.325, 1.0), (0.2999, 0.0), (0.3501, 0.0), (-0.32, 0.0),
    ])
    func numericRange(given: Double, expected: Double) throws {
        let key = AnswerKey.numeric(answer: nil, tolerance: .range(min: 0.30, max: 0.35))
        #expect(try key.score(.number(given)) == expected)
    }

    @Test("An exact numeric answer must match, negative numbers included")
    func numericExact() throws {
        let key = AnswerKey.numeric(answer: -3.5, tolerance: .exact)
        #expect(try key.score(.number(-3.5)) == 1)
        #expect(try key.score(.number(3.5)) == 0)
        #expect(try key.score(.number(-3.51)) == 0)
    }

    @Test("NaN and infinite answers are scored as wrong, never thrown", arguments: [Double.nan, .infinity, -.infinity])
    func numericNonFinite(given: Double) throws {
        #expect(try AnswerKey.numeric(answer: 1, tolerance: .absolute(1e300)).score(.number(given)) == 0)
        #expect(try AnswerKey.numeric(answer: nil, tolerance: .range(min: -1e308, max: 1e308)).score(.number(given)) == 0)
    }

    @Test("Invalid numeric keys are rejected")
    func numericBadKeys() {
        #expect(throws: PsychometricsError.self) { try AnswerKey.numeric(answer: nil, tolerance: .exact).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.numeric(answer: 1, tolerance: .absolute(-0.1)).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.numeric(answer: .nan, tolerance: .exact).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.numeric(answer: 1, tolerance: .range(min: 2, max: 3)).validate() }
        #expect(throws: PsychometricsError.self) { try AnswerKey.numeric(answer: nil, tolerance: .range(min: 3, max: 2)).validate() }
    }

    // MARK: short text

    static let mi = AnswerKey.shortText(accept: ["myocardial infarction", "Heart attack"], acceptRegex: ["(acute )?mi"])

    @Test("Short text matches after normalization of case, accents and whitespace", arguments: [
        ("myocardial infarction", 1.0),
        ("  Myocardial\t\n  INFARCTION ", 1.0),
        ("heart attack", 1.0),
        ("héárt attäck", 1.0),
        ("heartattack", 0.0),
        ("myocardial", 0.0),
    ])
    func shortTextAccept(given: String, expected: Double) throws {
        #expect(try Self.mi.score(.text(given)) == expected)
    }

    @Test("A regular expression must match the whole normalized answer", arguments: [
        ("mi", 1.0), ("MI", 1.0), ("acute mi", 1.0), ("  Acute   MI ", 1.0),
        ("not mi", 0.0), ("mix", 0.0), ("acute mi!", 0.0), ("", 0.0),
    ])
    func shortTextRegexAnchored(given: String, expected: Double) throws {
        #expect(try Self.mi.score(.text(given)) == expected)
    }

    @Test("An alternation regex is anchored as a whole, not just its first branch")
    func shortTextAlternation() throws {
        let key = AnswerKey.shortText(accept: [], acceptRegex: ["a|ab"])
        #expect(try key.score(.text("ab")) == 1)
        #expect(try key.score(.text("abc")) == 0)
    }

    @Test("Accents in accepted answers are removed too")
    func shortTextAccentedKey() throws {
        let key = AnswerKey.shortText(accept: ["Crème brûlée"], acceptRegex: [])
        #expect(try key.score(.text("creme brulee")) == 1)
        #expect(try key.score(.text("CRÈME  BRÛLÉE")) == 1)
    }

    @Test("An invalid regular expression throws invalidKey", arguments: ["(unclosed", "a)(b", "[z-a]"])
    func shortTextInvalidRegex(pattern: String) {
        let key = AnswerKey.shortText(accept: ["x"], acceptRegex: [pattern])
        #expect(throws: PsychometricsError.self) { try key.score(.text("x")) }
        #expect(throws: PsychometricsError.self) { try key.validate() }
    }

    @Test("A short-text key needs an accepted answer or a pattern")
    func shortTextEmptyKey() {
        #expect(throws: PsychometricsError.self) { try AnswerKey.shortText(accept: [], acceptRegex: []).validate() }
    }

    @Test("Normalization decomposes compatibility characters and collapses whitespace")
    func normalizer() {
        #expect(TextNormalizer.normalize("  ﬁne\u{00A0}\u{2003}Ⅻ  Ça ") == "fine xii ca")
        #expect(TextNormalizer.normalize("") == "")
        #expect(TextNormalizer.normalize("   ") == "")
        let once = TextNormalizer.normalize(" Ünïcödé  Text ")
        #expect(TextNormalizer.normalize(once) == once)
    }

    // MARK: ordering

    static let five = AnswerKey.ordering(stepCount: 5, rule: .partial)

    @Test("Ordering with partial credit uses Kendall's tau clipped at zero", arguments: [
        ([0, 1, 2, 3, 4], 1.0),
        ([1, 0, 2, 3, 4], 0.8),
        ([0, 1, 2, 4, 3], 0.8),
        ([1, 0, 3, 2, 4], 0.6),
        ([2, 0, 1, 3, 4], 0.6),
        ([4, 3, 2, 1, 0], 0.0),
        ([2, 3, 4, 0, 1], 0.0),
    ])
    func orderingPartial(order: [Int], expected: Double) throws {
        #expect(abs(try Self.five.score(.order(order)) - expected) < 1e-12)
    }

    @Test("One adjacent swap in five steps on a 2-point item earns 1.6 points")
    func orderingPoints() throws {
        #expect(abs(try Self.five.score(.order([0, 2, 1, 3, 4]), points: 2) - 1.6) < 1e-12)
    }

    @Test("Ordering all-or-nothing awards points only for the exact order")
    func orderingAllOrNothing() throws {
        let key = AnswerKey.ordering(stepCount: 3, rule: .allOrNothing)
        #expect(try key.score(.order([0, 1, 2])) == 1)
        #expect(try key.score(.order([0, 2, 1])) == 0)
    }

    @Test("An order that is not a permutation of the steps is rejected", arguments: [
        [0, 1, 2, 3], [0, 1, 2, 3, 3], [0, 1, 2, 3, 5], [], [0, 1, 2, 3, 4, 5],
    ])
    func orderingNotPermutation(order: [Int]) {
        #expect(throws: PsychometricsError.self) { try Self.five.score(.order(order)) }
    }

    @Test("Scoring rules keep the bank format's spellings")
    func ruleSpellings() {
        #expect(ScoringRule(rawValue: "all_or_nothing") == .allOrNothing)
        #expect(ScoringRule(rawValue: "partial") == .partial)
    }
}
