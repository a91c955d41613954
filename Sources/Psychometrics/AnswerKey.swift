/// The key of one auto-scored item: what counts as right, independent of any bank file format.
///
/// The Banks module maps each item of a bank onto an `AnswerKey`; ``score(_:points:)`` (in
/// `AnswerKey+Scoring.swift`) then applies the scoring rules of docs/bank-format.md. Option and
/// step indices are zero-based positions in the bank file. Essays are not auto-scored and have
/// no case here.
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
}
