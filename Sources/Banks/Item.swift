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
    /// Match each prompt with one of the answers.
    case matching
}

/// One option of a choice item.
///
/// An item's options either all go without ``credit`` (the classic key: `correct` marks the right
/// option(s) and the item type's rule scores) or all have one (each option earns its own share of
/// the points). With credits, ``correct`` is derived from them: in a `single_choice` the options
/// with full credit (100), in a `multiple_response` those with a positive credit. The bank reader
/// and the GIFT importer keep them in step; code that builds options with credits must too.
public struct ChoiceOption: Sendable, Hashable, Codable {
    /// The option's text.
    public var text: String
    /// Whether it is (one of) the correct option(s).
    public var correct: Bool
    /// The option's credit in percent of the item's points, −100…100, when the item gives credit
    /// per option; nil otherwise (then omitted from the JSON form, so that items without credits
    /// keep their content hash).
    public var credit: Double?

    /// Creates an option.
    ///
    /// - Parameters:
    ///   - text: the option's text.
    ///   - correct: whether it is (one of) the correct option(s).
    ///   - credit: its credit in percent, for an item that gives credit per option.
    public init(text: String, correct: Bool = false, credit: Double? = nil) {
        self.text = text
        self.correct = correct
        self.credit = credit
    }
}

/// How multiple-response, ordering and matching items award partial credit (see
/// docs/bank-format.md).
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
    /// A further answer of a numeric item, with its own tolerance and credit.
    public struct Alternative: Sendable, Hashable, Codable {
        /// The answer (optional when a range is given).
        public var answer: Double?
        /// How close a given number must be.
        public var tolerance: NumericTolerance
        /// Percent of the points earned inside the tolerance (0 < credit ≤ 100).
        public var credit: Double

        /// Creates a further answer.
        ///
        /// - Parameters:
        ///   - answer: the answer (nil only with a range).
        ///   - tolerance: how close a given number must be.
        ///   - credit: percent of the points earned inside the tolerance.
        public init(answer: Double?, tolerance: NumericTolerance, credit: Double = 100) {
            self.answer = answer
            self.tolerance = tolerance
            self.credit = credit
        }
    }

    /// The answer (optional when a range is given).
    public var answer: Double?
    /// How close an answer must be.
    public var tolerance: NumericTolerance
    /// The expected unit, shown to the candidate.
    public var unit: String?
    /// Further answers, each with its tolerance and credit, highest credit first; nil when there
    /// are none (then omitted from the JSON form, so that items without them keep their content
    /// hash). A number earns the best credit among the answers it matches, the main answer
    /// counting 100.
    public var otherAnswers: [Alternative]?

    /// Creates a key.
    ///
    /// - Parameters:
    ///   - answer: the full-credit answer (nil only with a range).
    ///   - tolerance: how close a given number must be.
    ///   - unit: the expected unit, shown to the candidate.
    ///   - otherAnswers: further answers with their credits (nil or non-empty).
    public init(answer: Double?, tolerance: NumericTolerance, unit: String? = nil, otherAnswers: [Alternative]? = nil) {
        self.answer = answer
        self.tolerance = tolerance
        self.unit = unit
        self.otherAnswers = otherAnswers
    }
}

/// An accepted answer of a short_text item that is a wildcard pattern or gives partial credit.
public struct ShortTextAnswer: Sendable, Hashable, Codable {
    /// How ``text`` is compared with the candidate's answer (after normalization).
    public enum Match: String, Sendable, Hashable, Codable, CaseIterable {
        /// Equal text.
        case exact
        /// A Moodle-style pattern: `*` is any run of characters, `\*` a literal asterisk.
        case wildcard
        /// A regular expression matched against the whole answer.
        case regex
    }

    /// The accepted text, pattern or regular expression.
    public var text: String
    /// How it is compared.
    public var match: Match
    /// Percent of the points earned by a matching answer (0 < credit ≤ 100).
    public var credit: Double

    /// Creates an accepted answer.
    ///
    /// - Parameters:
    ///   - text: the accepted text, pattern or regular expression.
    ///   - match: how it is compared.
    ///   - credit: percent of the points earned by a matching answer.
    public init(_ text: String, match: Match, credit: Double = 100) {
        self.text = text
        self.match = match
        self.credit = credit
    }
}

/// One prompt of a matching item and the answer that goes with it.
public struct MatchingPair: Sendable, Hashable, Codable {
    /// What the candidate matches (shown on the left).
    public var prompt: String
    /// The answer that matches it (one of the choices on the right).
    public var answer: String

    /// Creates a pair.
    ///
    /// - Parameters:
    ///   - prompt: what the candidate matches.
    ///   - answer: the answer that matches it.
    public init(prompt: String, answer: String) {
        self.prompt = prompt
        self.answer = answer
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
    /// Accepted answers and regular expressions (matched after normalization), each worth full
    /// credit, and `graded`: wildcard patterns and answers with partial credit (nil when there
    /// are none, then omitted from the JSON form so that items without them keep their hash).
    case shortText(accept: [String], acceptRegex: [String], graded: [ShortTextAnswer]? = nil)
    /// The steps in their correct order.
    case ordering(steps: [String], scoring: PartialScoring)
    /// Graded by a reviewer against the rubric.
    case essay(rubric: String, maxWords: Int?)
    /// Prompts to match with answers; `distractors` are further answers that match no prompt.
    case matching(pairs: [MatchingPair], distractors: [String], scoring: PartialScoring)

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
        case .matching: .matching
        }
    }
}
