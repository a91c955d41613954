@testable import AssayCore
import Banks
import Testing

/// The bridge from a bank item to Psychometrics' scoring for the keys of issue 18: credits,
/// further numeric answers, graded short answers and matching (no database needed).
@Suite("Scoring bridge: credits, several answers and matching")
struct ScoringBridgeTests {
    static func item(_ body: ItemBody, points: Double = 2) -> Item {
        Item(id: "q", topic: "t", prompt: "P", points: points, difficulty: .medium, body: body)
    }

    @Test func optionCreditsAreScored() throws {
        let single = Self.item(.singleChoice(options: [ChoiceOption(text: "a", correct: true, credit: 100), ChoiceOption(text: "b", credit: 50), ChoiceOption(text: "c", credit: -50)]))
        #expect(try ItemScoring.points(single, .choice(0)) == 2)
        #expect(try ItemScoring.points(single, .choice(1)) == 1)
        #expect(try ItemScoring.points(single, .choice(2)) == 0)
        let multiple = Self.item(.multipleResponse(options: [ChoiceOption(text: "a", correct: true, credit: 50), ChoiceOption(text: "b", correct: true, credit: 50),
                                                            ChoiceOption(text: "c", credit: -100)], scoring: .partial))
        #expect(try ItemScoring.points(multiple, .choices([0, 1])) == 2)
        #expect(try ItemScoring.points(multiple, .choices([0])) == 1)
        #expect(try ItemScoring.points(multiple, .choices([0, 2])) == 0)
    }

    @Test func furtherNumericAnswersAndGradedShortAnswersAreScored() throws {
        let numeric = Self.item(.numeric(NumericKey(answer: 1822, tolerance: .exact, otherAnswers: [.init(answer: 1822, tolerance: .absolute(2), credit: 50)])))
        #expect(try ItemScoring.points(numeric, .number(1822)) == 2)
        #expect(try ItemScoring.points(numeric, .number(1821)) == 1)
        #expect(try ItemScoring.points(numeric, .number(1900)) == 0)
        let text = Self.item(.shortText(accept: ["myocardial infarction"], acceptRegex: ["^ami$"], graded: [ShortTextAnswer("heart *", match: .wildcard, credit: 50)]))
        #expect(try ItemScoring.points(text, .text("Myocardial infarction")) == 2)
        #expect(try ItemScoring.points(text, .text("AMI")) == 2)
        #expect(try ItemScoring.points(text, .text("heart attack")) == 1)
        #expect(try ItemScoring.points(text, .text("stroke")) == 0)
    }

    @Test func matchingIsShownShuffledAnsweredInShownTermsAndScored() throws {
        let item = Self.item(.matching(pairs: [MatchingPair(prompt: "Canada", answer: "Ottawa"), MatchingPair(prompt: "Italy", answer: "Rome"),
                                               MatchingPair(prompt: "Ontario", answer: "Ottawa")], distractors: ["Sydney"], scoring: .partial), points: 3)
        #expect(AnswerMapping.choiceCount(item) == 3)
        #expect(AnswerMapping.alwaysShuffled(item))
        let order = [2, 0, 1]  // shown: Sydney, Ottawa, Rome
        let question = CandidateQuestion(showing: item, position: 1, total: 1, order: order, secondsLeft: 60, answered: false)
        #expect(question.kind == .matching)
        #expect(question.choices == ["Sydney", "Ottawa", "Rome"])
        #expect(question.matchPrompts == ["Canada", "Italy", "Ontario"])
        let stored = try AnswerMapping.stored(.matches([1, 2, 0]), item: item, order: order)
        #expect(stored == .matches([0, 1, 2]))
        #expect(try ItemScoring.points(item, stored) == 2)
        #expect(try ItemScoring.points(item, .matches([0, 1, 0])) == 3)
        #expect(throws: AssayError.self) { try AnswerMapping.stored(.matches([1, 2]), item: item, order: order) }
        #expect(throws: AssayError.self) { try AnswerMapping.stored(.matches([1, 2, 3]), item: item, order: order) }
    }
}
