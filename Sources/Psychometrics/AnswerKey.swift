/// The key of one auto-scored item: what counts as right, independent of any bank file format.
///
/// The Banks module maps each item of a bank onto an `AnswerKey`; ``score(_:points:)`` (in
/// `AnswerKey+Scoring.swift`) then applies the scoring rules of docs/bank-format.md. Option and
/// step indices are zero-based positions in the bank file. Essays are not auto-scored and have
/// no case here.
///
/// Credits are percentages of the item's points, as in Moodle and QTI: 100 is full credit, 50
/// half, a negative credit subtracts. Whatever the credits, an item never scores below 0 nor above
/// its points (Moodle floors a question at 0 the same way).
public enum AnswerKey: Sendable, Hashable {
    /// Exactly one option is correct: full points for it, 0 otherwise.
    case singleChoice(correct: Int, optionCount: Int)
    /// A statement that is true or false: full points for the right value.
    case trueFalse(answer: Bool)
    /// "Select all that apply": the set of correct options, the number of options and the rule.
    case multipleResponse(correct: Set<Int>, optionCount: Int, rule: ScoringRule)
    /// A number with a tolerance. `answer` may be nil only with a ``NumericTolerance/range(min:max:)``.
    case numeric(answer: Double?, tolerance: NumericTolerance)
    /// A word or short phrase: accepted answers (compared after ``TextNormalizer``) and regular
    /// expressions matched against the whole normalized answer.
    case shortText(accept: [String], acceptRegex: [String])
    /// Put `stepCount` steps in order; the key order is `0, 1, …, stepCount − 1`.
    case ordering(stepCount: Int, rule: ScoringRule)
    /// One option is chosen and earns its own credit (percent, −100…100; at least one option has
    /// 100). A negative credit scores 0.
    case creditedChoice(credits: [Double])
    /// Any options are selected; the credits (percent, −100…100) of the selected options are
    /// added up and divided by the sum of the positive credits, and the result is clamped to 0…1.
    case creditedSelection(credits: [Double])
    /// Several numeric answers, each with its tolerance and credit: the best credit among the
    /// answers the number matches.
    case numericAnswers([NumericAnswer])
    /// Several accepted texts (exact, wildcard or regular expression), each with its credit: the
    /// best credit among those the answer matches.
    case textAnswers([TextAnswer])
    /// Match each of `key.count` prompts with one of `choiceCount` choices: `key[i]` is the choice
    /// that is right for prompt `i` (several prompts may share a choice; choices that are right
    /// for no prompt are distractors).
    case matching(key: [Int], choiceCount: Int, rule: ScoringRule)
}
