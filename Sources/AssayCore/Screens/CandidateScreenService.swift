/// The interface between the candidate's prompt and the screen service.
///
/// The terminal prompt (`assay screen take`) talks only through this protocol, so a remote
/// transport (an HTTP or SSH service) can be put between them without touching the prompt.
/// Nothing it returns holds an answer key, an explanation, a rubric or another candidate's data.
/// Every call names the invite code; the service checks it each time.
///
/// **Time.** The server's deadline is the only clock. An answer, or an essay draft, is accepted
/// until the deadline, and for ``ScreenOverview/graceSeconds`` after it when its question was
/// shown before the deadline (an answer that was being typed when time ran out); after that the
/// screen is closed and scored. Essays are saved as drafts while they are written
/// (``saveDraft(code:position:text:)``); a draft left when the screen closes becomes the answer.
///
/// **Failures.** When the database cannot be reached the service throws an ``AssayError`` with
/// code ``AssayError/Code/unavailable``; the same call may be made again (the service reconnects),
/// so a caller keeps what the candidate typed and retries.
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
    /// deadline (and its grace) has passed; the screen is then closed and scored on what it has.
    /// Text answers are bounded by ``AnswerLimits``.
    func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt
    /// Saves the essay being written at `position` as a draft (the whole text so far), under the
    /// same time rule as an answer. A draft is not an answer; it becomes one if the screen closes
    /// before the candidate finishes the essay, and it is shown again on resume
    /// (``CandidateQuestion/draft``).
    func saveDraft(code: String, position: Int, text: String) throws -> AnswerReceipt
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
    /// Seconds after the deadline during which an answer to a question shown before it is
    /// still accepted.
    public var graceSeconds: Int = 30
    /// The question the candidate was last shown (1-based), where a resumed screen continues;
    /// nil before any question was shown.
    public var resumeAt: Int? = nil

    /// Creates an overview (for services other than ``CandidateSession``, and fakes in tests).
    ///
    /// - Parameters:
    ///   - title: the bank's title.
    ///   - description: the bank's description.
    ///   - questionCount: questions in the screen.
    ///   - timeLimitMinutes: the time limit, extensions included.
    ///   - state: where the screen is.
    ///   - secondsLeft: seconds left, nil before the clock starts.
    ///   - answered: positions already answered.
    ///   - adaptive: whether each next question is chosen from the answers so far.
    ///   - graceSeconds: the grace after the deadline.
    ///   - resumeAt: the question last shown.
    public init(title: String, description: String?, questionCount: Int, timeLimitMinutes: Int, state: State,
                secondsLeft: Int?, answered: [Int], adaptive: Bool = false, graceSeconds: Int = 30, resumeAt: Int? = nil) {
        self.title = title
        self.description = description
        self.questionCount = questionCount
        self.timeLimitMinutes = timeLimitMinutes
        self.state = state
        self.secondsLeft = secondsLeft
        self.answered = answered
        self.adaptive = adaptive
        self.graceSeconds = graceSeconds
        self.resumeAt = resumeAt
    }
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
    /// Essays: the draft saved so far, if any (shown again on resume).
    public var draft: String? = nil

    /// Creates a question as shown (for services other than ``CandidateSession``, and fakes).
    ///
    /// - Parameters:
    ///   - position: the 1-based position.
    ///   - total: questions in the screen.
    ///   - kind: the kind of answer it takes.
    ///   - prompt: the question.
    ///   - choices: options, steps or answers, in the order shown.
    ///   - matchPrompts: matching items' prompts.
    ///   - unit: numeric items' unit.
    ///   - maxWords: essays' word limit.
    ///   - secondsLeft: seconds left on the clock.
    ///   - answered: whether it is already answered.
    ///   - draft: an essay's saved draft.
    public init(position: Int, total: Int, kind: Kind, prompt: String, choices: [String], matchPrompts: [String]? = nil,
                unit: String?, maxWords: Int?, secondsLeft: Int, answered: Bool, draft: String? = nil) {
        self.position = position
        self.total = total
        self.kind = kind
        self.prompt = prompt
        self.choices = choices
        self.matchPrompts = matchPrompts
        self.unit = unit
        self.maxWords = maxWords
        self.secondsLeft = secondsLeft
        self.answered = answered
        self.draft = draft
    }
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

    /// Creates a receipt.
    ///
    /// - Parameters:
    ///   - saved: whether the answer was saved.
    ///   - secondsLeft: seconds left.
    ///   - closed: whether the screen is now closed.
    ///   - complete: (adaptive) whether no further question will be asked.
    public init(saved: Bool, secondsLeft: Int, closed: Bool, complete: Bool = false) {
        self.saved = saved
        self.secondsLeft = secondsLeft
        self.closed = closed
        self.complete = complete
    }
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

    /// Creates a completion.
    ///
    /// - Parameters:
    ///   - answered: questions answered.
    ///   - total: questions in the screen.
    ///   - scorePercent: the score, when shown and final.
    ///   - awaitingReview: whether some answers await a reviewer.
    ///   - closedByDeadline: whether the deadline closed the screen.
    public init(answered: Int, total: Int, scorePercent: Double?, awaitingReview: Bool, closedByDeadline: Bool) {
        self.answered = answered
        self.total = total
        self.scorePercent = scorePercent
        self.awaitingReview = awaitingReview
        self.closedByDeadline = closedByDeadline
    }
}
