import Psychometrics
import Testing

@Suite("Scoring with credits, several answers, wildcards and matching")
struct CreditScoringTests {
    /// Scores and expects `expected` within rounding.
    static func expectScore(_ key: AnswerKey, _ response: Response, points: Double = 1, _ expected: Double,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let score = try key.score(response, points: points)
        #expect(abs(score - expected) < 1e-9, "\(key) scored \(response) as \(score), expected \(expected)", sourceLocation: sourceLocation)
    }

    /// The error code a key or a response gives.
    static func code(_ body: () throws -> Double) -> PsychometricsError.Code? {
        do {
            _ = try body()
            return nil
        } catch let error as PsychometricsError {
            return error.code
        } catch {
            return nil
        }
    }

    // MARK: credited single choice

    static let choice = AnswerKey.creditedChoice(credits: [100, 50, 0, -50])

    @Test("A credited single choice earns the chosen option's credit, and a negative credit scores 0", arguments: [
        (0, 4.0), (1, 2.0), (2, 0.0), (3, 0.0),
    ])
    func creditedChoice(chosen: Int, expected: Double) throws {
        try Self.expectScore(Self.choice, .choice(chosen), points: 4, expected)
    }

    @Test("Several options may give full credit in a credited single choice")
    func severalFullCreditOptions() throws {
        let key = AnswerKey.creditedChoice(credits: [100, 100, 0])
        try Self.expectScore(key, .choice(0), 1)
        try Self.expectScore(key, .choice(1), 1)
        try Self.expectScore(key, .choice(2), 0)
    }

    @Test("A credited single choice needs an option at 100, credits from -100 to 100 and 2 options", arguments: [
        [50.0, 0], [100, 101], [100, -100.5], [100], [100, .nan],
    ])
    func badCreditedChoice(credits: [Double]) {
        #expect(Self.code { try AnswerKey.creditedChoice(credits: credits).score(.choice(0)) } == .invalidKey)
    }

    @Test("A credited single choice answer naming an option that does not exist is rejected")
    func creditedChoiceBadOption() {
        #expect(Self.code { try Self.choice.score(.choice(4)) } == .invalidResponse)
        #expect(Self.code { try Self.choice.score(.selection([0])) } == .invalidResponse)
    }

    // MARK: credited selection

    /// Moodle-style weights: two right options at 50%, two wrong ones at -50% and -100%, one neutral.
    static let selection = AnswerKey.creditedSelection(credits: [50, 50, -50, -100, 0])

    @Test("A credited selection adds the credits selected, over the positive total, clamped to 0…1", arguments: [
        (Set<Int>([0, 1]), 1.0),
        (Set<Int>([0]), 0.5),
        (Set<Int>([0, 1, 4]), 1.0),
        (Set<Int>([0, 1, 2]), 0.5),
        (Set<Int>([0, 2]), 0.0),
        (Set<Int>([0, 3]), 0.0),
        (Set<Int>([0, 1, 2, 3, 4]), 0.0),
        (Set<Int>(), 0.0),
        (Set<Int>([4]), 0.0),
    ])
    func creditedSelection(selected: Set<Int>, expected: Double) throws {
        try Self.expectScore(Self.selection, .selection(selected), expected)
    }

    @Test("Thirds written as 33.33333 still give exactly full points for the right set")
    func thirdsReachFullPoints() throws {
        let key = AnswerKey.creditedSelection(credits: [33.33333, 33.33333, 33.33333, -100])
        #expect(try key.score(.selection([0, 1, 2]), points: 2) == 2)
        try Self.expectScore(key, .selection([0]), 1.0 / 3)
    }

    @Test("The equal split of the partial rule scores as the multiple-response partial key does")
    func equalSplitIsThePartialRule() throws {
        let credited = AnswerKey.creditedSelection(credits: [100.0 / 3, -100.0 / 3, 100.0 / 3, 100.0 / 3, -100.0 / 3, -100.0 / 3])
        let partial = AnswerKey.multipleResponse(correct: [0, 2, 3], optionCount: 6, rule: .partial)
        for mask in 0..<64 {
            let selected = Set((0..<6).filter { mask & (1 << $0) != 0 })
            let a = try credited.score(.selection(selected)), b = try partial.score(.selection(selected))
            #expect(abs(a - b) < 1e-9, "\(selected): \(a) vs \(b)")
        }
    }

    @Test("A credited selection needs a positive credit and credits from -100 to 100")
    func badCreditedSelection() {
        #expect(Self.code { try AnswerKey.creditedSelection(credits: [0, -50]).score(.selection([0])) } == .invalidKey)
        #expect(Self.code { try AnswerKey.creditedSelection(credits: [50, 150]).score(.selection([0])) } == .invalidKey)
        #expect(Self.code { try Self.selection.score(.selection([5])) } == .invalidResponse)
    }

    // MARK: several numeric answers

    static let numeric = AnswerKey.numericAnswers([
        NumericAnswer(answer: 1822, tolerance: .exact),
        NumericAnswer(answer: 1822, tolerance: .absolute(2), credit: 50),
        NumericAnswer(answer: nil, tolerance: .range(min: 1800, max: 1900), credit: 10),
    ])

    @Test("Several numeric answers: the best credit among those the number matches", arguments: [
        (1822.0, 1.0), (1823.0, 0.5), (1820.0, 0.5), (1850.0, 0.1), (1799.0, 0.0), (Double.nan, 0.0), (Double.infinity, 0.0),
    ])
    func numericAnswers(given: Double, expected: Double) throws {
        try Self.expectScore(Self.numeric, .number(given), expected)
    }

    @Test("The order of numeric answers does not matter: the best credit wins")
    func numericOrderDoesNotMatter() throws {
        let key = AnswerKey.numericAnswers([
            NumericAnswer(answer: 1822, tolerance: .absolute(2), credit: 50),
            NumericAnswer(answer: 1822, tolerance: .exact),
        ])
        try Self.expectScore(key, .number(1822), 1)
    }

    @Test("Numeric answers need one at 100, credits above 0 and valid tolerances")
    func badNumericAnswers() {
        let bad: [[NumericAnswer]] = [
            [],
            [NumericAnswer(answer: 1, tolerance: .exact, credit: 50)],
            [NumericAnswer(answer: 1, tolerance: .exact), NumericAnswer(answer: 2, tolerance: .exact, credit: 0)],
            [NumericAnswer(answer: 1, tolerance: .exact), NumericAnswer(answer: 2, tolerance: .absolute(-1), credit: 50)],
            [NumericAnswer(answer: nil, tolerance: .exact)],
        ]
        for answers in bad {
            #expect(Self.code { try AnswerKey.numericAnswers(answers).score(.number(1)) } == .invalidKey, "\(answers)")
        }
    }

    // MARK: text answers and wildcards

    static let text = AnswerKey.textAnswers([
        TextAnswer("myocardial infarction"),
        TextAnswer("heart attack*", match: .wildcard, credit: 80),
        TextAnswer("MI", credit: 50),
        TextAnswer("^acute (mi|ami)$", match: .regex, credit: 60),
    ])

    @Test("Text answers: the best credit among the accepted answers matched", arguments: [
        ("Myocardial  Infarction", 1.0), ("heart attack", 0.8), ("Heart Attack (STEMI)", 0.8), ("mi", 0.5),
        ("acute MI", 0.6), ("heart", 0.0), ("", 0.0),
    ])
    func textAnswers(given: String, expected: Double) throws {
        try Self.expectScore(Self.text, .text(given), expected)
    }

    @Test("Text answers need one at 100, credits above 0 and valid regular expressions")
    func badTextAnswers() {
        let bad: [[TextAnswer]] = [
            [], [TextAnswer("a", credit: 50)], [TextAnswer("a"), TextAnswer("b", credit: -10)], [TextAnswer("a"), TextAnswer("(", match: .regex, credit: 50)],
        ]
        for answers in bad {
            #expect(Self.code { try AnswerKey.textAnswers(answers).score(.text("a")) } == .invalidKey, "\(answers)")
        }
    }

    @Test("Wildcards follow Moodle: * is any run, \\* a literal star, matched whole after normalization", arguments: [
        ("heart *", "heart attack", true),
        ("heart *", "Heart   Attack", true),
        ("heart *", "heart", false),
        ("heart*", "heart", true),
        ("*itis", "Appendicitis", true),
        ("*itis", "itis", true),
        ("a*b*c", "abc", true),
        ("a*b*c", "a123b456c", true),
        ("a*b*c", "acb", false),
        ("a*bc*bc", "abcbc", true),
        ("a*bc*bc", "abc", false),
        ("2\\*3", "2*3", true),
        ("2\\*3", "2x3", false),
        ("a**b", "ab", true),
        ("café *", "Cafe Noir", true),
        ("*", "anything", true),
        ("abc", "abc", true),
        ("abc", "abcd", false),
    ])
    func wildcardMatching(pattern: String, answer: String, matches: Bool) {
        #expect(WildcardPattern(pattern).matches(answer) == matches)
    }

    @Test("A pattern made of wildcards only matches everything, and one without is a plain text")
    func wildcardProperties() {
        #expect(WildcardPattern("**").matchesEverything)
        #expect(!WildcardPattern("a*").matchesEverything)
        #expect(!WildcardPattern("a\\*").hasWildcard)
        #expect(WildcardPattern("a\\*b").pieces == ["a*b"])
    }

    // MARK: matching

    /// Three prompts; prompts 0 and 2 share choice 1; choice 3 is a distractor.
    static let matching = AnswerKey.matching(key: [0, 1, 1], choiceCount: 4, rule: .partial)

    @Test("Matching with partial credit earns the share of prompts matched right", arguments: [
        ([0, 1, 1] as [Int?], 1.0), ([0, 1, 3], 2.0 / 3), ([1, 0, 3], 0.0), ([0, nil, nil], 1.0 / 3), ([nil, nil, nil], 0.0),
    ])
    func matchingPartial(given: [Int?], expected: Double) throws {
        try Self.expectScore(Self.matching, .matches(given), expected)
    }

    @Test("Matching all-or-nothing earns points only when every prompt is right")
    func matchingAllOrNothing() throws {
        let key = AnswerKey.matching(key: [2, 0], choiceCount: 3, rule: .allOrNothing)
        try Self.expectScore(key, .matches([2, 0]), points: 3, 3)
        try Self.expectScore(key, .matches([2, 1]), 0)
    }

    @Test("A matching answer with the wrong number of prompts or an unknown choice is rejected")
    func badMatchingAnswers() {
        #expect(Self.code { try Self.matching.score(.matches([0, 1])) } == .invalidResponse)
        #expect(Self.code { try Self.matching.score(.matches([0, 1, 4])) } == .invalidResponse)
        #expect(Self.code { try Self.matching.score(.order([0, 1, 2])) } == .invalidResponse)
        #expect(Self.code { try AnswerKey.matching(key: [0, 5], choiceCount: 3, rule: .partial).score(.matches([0, 0])) } == .invalidKey)
        #expect(Self.code { try AnswerKey.matching(key: [], choiceCount: 3, rule: .partial).score(.matches([])) } == .invalidKey)
    }
}
