/// The interface between the candidate's prompt and the screen service.
///
/// The terminal prompt (`assay screen take`) talks only through this protocol, so a remote
/// transport (an HTTP or SSH service) can be put between them without touching the prompt.
/// Nothing it returns holds an answer key, an explanation, a rubric or another candidate's data.
/// Every call names the invite code; the service checks it each time.
///
/// **Adaptive screens.** When ``ScreenOverview/adaptive`` is true the service chooses each next
/// question from the answers so far: question N+1 exists only once question N is answered, an
/// answer cannot be changed, and ``AnswerReceipt/complete`` says when no more questions are
/// needed (the prompt then submits). ``ScreenOverview/questionCount`` is the maximum length
/// until the screen has stopped, and the actual length after.
public protocol CandidateScreenService {
    /// What the screen is and where the candidate stands, without starting the clock.
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or already used up.
    func overview(code: String) throws -> ScreenOverview
    /// Starts the clock (server time) if it has not started; idempotent.
    func begin(code: String) throws -> ScreenOverview
    /// One question as the candidate sees it; records when it was first shown.
    func question(code: String, position: Int) throws -> CandidateQuestion
    /// Saves an answer in its own transaction, stamped with the server's time. Refused once the
    /// deadline has passed (the screen is then closed and scored on what it has).
    func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt
    /// Ends the screen and scores it.
    func submit(code: String) throws -> ScreenCompletion
}

/// What a candidate may know about their screen.
public struct ScreenOverview: Sendable, Codable, Equatable {
    /// Where the screen is.
    public enum State: String, Sendable, Codable {
        /// Invited; the clock has not started.
        case notStarted = "not_started"
        /// Begun; the clock runs.
        case inProgress = "in_progress"
        /// Submitted or closed by its deadline.
        case closed
    }
    /// The bank's title.
    public var title: String
    /// The bank's description.
    public var description: String?
    /// Questions in the screen (an adaptive screen's maximum until it stops).
    public var questionCount: Int
    /// The time limit, extensions included.
    public var timeLimitMinutes: Int
    /// Where the screen is.
    public var state: State
    /// Seconds left on the clock (nil before it starts).
    public var secondsLeft: Int?
    /// Positions (1-based) already answered.
    public var answered: [Int]
    /// Whether the service chooses each next question from the answers so far (then questions
    /// are answered in order, none skipped or changed, and the screen may end before
    /// ``questionCount``).
    public var adaptive: Bool = false
}

/// One question as shown to the candidate.
public struct CandidateQuestion: Sendable, Codable, Equatable {
    /// The kinds of answer a question takes.
    public enum Kind: String, Sendable, Codable {
        /// One option.
        case singleChoice = "single_choice"
        /// Every option that applies.
        case multipleResponse = "multiple_response"
        /// True or false.
        case trueFalse = "true_false"
        /// A number, in ``CandidateQuestion/unit``.
        case numeric
        /// A short answer in words.
        case shortText = "short_text"
        /// The steps, in order.
        case ordering
        /// A free text a reviewer grades.
        case essay
        /// Each prompt matched with one of the answers.
        case matching
    }
    /// The 1-based position.
    public var position: Int
    /// Questions in the screen.
    public var total: Int
    /// The kind of answer it takes.
    public var kind: Kind
    /// The question.
    public var prompt: String
    /// Options (choice items), steps (ordering items) or answers (matching items), in the order
    /// shown to this candidate.
    public var choices: [String]
    /// Matching items: the prompts to match, in the item's order, each answered with one of
    /// ``choices``; nil for other items.
    public var matchPrompts: [String]?
    /// Numeric items: the unit of the answer.
    public var unit: String?
    /// Essays: the word limit.
    public var maxWords: Int?
    /// Seconds left on the screen's clock.
    public var secondsLeft: Int
    /// Whether it is already answered.
    public var answered: Bool
}

/// An answer in the terms the candidate sees (shown positions, 0-based).
public enum CandidateAnswer: Sendable, Codable, Equatable {
    /// The shown position of the option chosen.
    case choice(Int)
    /// The shown positions of the options selected.
    case choices(Set<Int>)
    /// True or false.
    case boolean(Bool)
    /// A number.
    case number(Double)
    /// Text (short answers and essays).
    case text(String)
    /// The shown positions of the steps, in the order the candidate puts them.
    case order([Int])
    /// Matching: for each prompt, in order, the shown position of the answer chosen.
    case matches([Int])
}

/// The result of saving an answer.
public struct AnswerReceipt: Sendable, Codable, Equatable {
    /// Whether the answer was saved.
    public var saved: Bool
    /// Seconds left.
    public var secondsLeft: Int
    /// Whether the screen is now closed (the deadline passed).
    public var closed: Bool
    /// Adaptive screens: whether the measurement is now complete and no further question will
    /// be asked (the prompt submits).
    public var complete: Bool = false
}

/// The end of a screen, as the candidate may see it.
public struct ScreenCompletion: Sendable, Codable, Equatable {
    /// Questions answered and total.
    public var answered: Int
    /// Questions in the screen.
    public var total: Int
    /// The score in percent, when the bank shows it and it is final.
    public var scorePercent: Double?
    /// Whether some answers await a reviewer (the score then comes later).
    public var awaitingReview: Bool
    /// Whether the deadline closed the screen.
    public var closedByDeadline: Bool
}
