/// One question of a bank, with its answer key.
public struct Item: Sendable, Hashable, Codable {
    /// Stable identifier, unique in its bank.
    public var id: String
    /// Short lower-case topic label.
    public var topic: String
    /// The question.
    public var prompt: String
    /// Why the key is right; never shown to a candidate before the screen ends.
    public var explanation: String?
    /// Points for a fully correct answer.
    public var points: Double
    /// The author's difficulty prior.
    public var difficulty: Difficulty
    /// Item response theory parameters, when known.
    public var irt: IRTParameters?
    /// The type-specific content and key.
    public var body: ItemBody

    /// Creates an item.
    public init(id: String, topic: String, prompt: String, explanation: String? = nil, points: Double = 1, difficulty: Difficulty, irt: IRTParameters? = nil, body: ItemBody) {
        self.id = id
        self.topic = topic
        self.prompt = prompt
        self.explanation = explanation
        self.points = points
        self.difficulty = difficulty
        self.irt = irt
        self.body = body
    }

    /// The item's type name as written in bank files (`single_choice`, …).
    public var type: ItemType { body.type }
}

/// The author's difficulty prior.
public enum Difficulty: String, Sendable, Hashable, Codable, CaseIterable {
    /// Most qualified candidates answer correctly.
    case easy
    /// About half of qualified candidates answer correctly.
    case medium
    /// Only strong candidates answer correctly.
    case hard
}

/// IRT parameters: discrimination `a` > 0, difficulty `b`, guessing `c` in [0, 1).
public struct IRTParameters: Sendable, Hashable, Codable {
    /// Discrimination.
    public var a: Double
    /// Difficulty.
    public var b: Double
    /// Lower asymptote (guessing).
    public var c: Double

    /// Creates parameters.
    public init(a: Double, b: Double, c: Double = 0) {
        self.a = a
        self.b = b
        self.c = c
    }
}

/// The item types, named as in bank files.
public enum ItemType: String, Sendable, Hashable, Codable, CaseIterable {
    /// One correct option among several.
    case singleChoice = "single_choice"
    /// Select all that apply.
    case multipleResponse = "multiple_response"
    /// A statement that is true or false.
    case trueFalse = "true_false"
    /// A number within a tolerance or range.
    case numeric
    /// A word or short phrase.
    case shortText = "short_text"
    /// Put steps in order.
    case ordering
    /// Free text graded by a reviewer.
    case essay
}

/// One option of a choice item.
public struct ChoiceOption: Sendable, Hashable, Codable {
    /// The option's text.
    public var text: String
    /// Whether it is (one of) the correct option(s).
    public var correct: Bool

    /// Creates an option.
    public init(text: String, correct: Bool = false) {
        self.text = text
        self.correct = correct
    }
}

/// How multiple-response and ordering items award partial credit (see docs/bank-format.md).
public enum PartialScoring: String, Sendable, Hashable, Codable {
    /// Partial credit by the documented rule.
    case partial
    /// Full points only for a fully correct answer.
    case allOrNothing = "all_or_nothing"
}

/// How a numeric answer is matched.
public enum NumericTolerance: Sendable, Hashable, Codable {
    /// The answer exactly.
    case exact
    /// Within an absolute distance of the answer.
    case absolute(Double)
    /// Within a percentage of the answer's magnitude.
    case percent(Double)
    /// Within a closed range.
    case range(min: Double, max: Double)
}

/// A numeric item's key.
public struct NumericKey: Sendable, Hashable, Codable {
    /// The answer (optional when a range is given).
    public var answer: Double?
    /// How close an answer must be.
    public var tolerance: NumericTolerance
    /// The expected unit, shown to the candidate.
    public var unit: String?

    /// Creates a key.
    public init(answer: Double?, tolerance: NumericTolerance, unit: String? = nil) {
        self.answer = answer
        self.tolerance = tolerance
        self.unit = unit
    }
}

/// The type-specific content of an item and its key.
public enum ItemBody: Sendable, Hashable, Codable {
    /// Exactly one option correct.
    case singleChoice(options: [ChoiceOption])
    /// One or more options correct.
    case multipleResponse(options: [ChoiceOption], scoring: PartialScoring)
    /// The statement's truth value.
    case trueFalse(answer: Bool)
    /// A number.
    case numeric(NumericKey)
    /// Accepted answers and regular expressions (matched after normalization).
    case shortText(accept: [String], acceptRegex: [String])
    /// The steps in their correct order.
    case ordering(steps: [String], scoring: PartialScoring)
    /// Graded by a reviewer against the rubric.
    case essay(rubric: String, maxWords: Int?)

    /// The item type.
    public var type: ItemType {
        switch self {
        case .singleChoice: .singleChoice
        case .multipleResponse: .multipleResponse
        case .trueFalse: .trueFalse
        case .numeric: .numeric
        case .shortText: .shortText
        case .ordering: .ordering
        case .essay: .essay
        }
    }
}
