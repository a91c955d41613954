public import AssayCore
import Postgres

/// One candidate's ``CandidateScreenService`` over the door's ``DatabasePool``, for the prompt
/// that runs on the session's own thread: every call waits on that thread for a pooled
/// connection (``DatabasePool/runBlocking(_:)``), never on an event loop.
///
/// Answers, questions and drafts take ``AnswerRoundTrip``'s one statement each (a question
/// returned with the last answer costs no trip at all); the overview, beginning and submitting
/// take ``CandidateSession``'s path. The one-statement calls take the pool's short lane
/// (``DatabasePool/Lane/short``), the others its long one, so that bursts of submissions never
/// keep an answer waiting. What ``AnswerRoundTrip`` remembers between calls lives here,
/// so consecutive calls may run on different connections and the server keeps nothing else: a
/// candidate cut off from one server resumes on another. A lost database is reported as
/// ``AssayError/Code/unavailable``, which the prompt retries.
///
/// Not `Sendable`: one prompt's thread uses it.
public final class PromptScreenService: CandidateScreenService {
    private let pool: DatabasePool
    private var memory = AnswerRoundTrip.Memory()

    /// A service for one candidate session.
    ///
    /// - Parameter pool: the door's connections.
    public init(pool: DatabasePool) { self.pool = pool }

    /// What the screen is and where the candidate stands, without starting the clock.
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or used up, or the
    ///   database cannot be reached.
    public func overview(code: String) throws -> ScreenOverview {
        try call(.long) { connection in try CandidateSession(connection: connection).overview(code: code) }
    }

    /// Starts the clock (server time) if it has not started; idempotent.
    ///
    /// - Throws: ``AssayError`` when the code cannot be used, or the database cannot be reached.
    public func begin(code: String) throws -> ScreenOverview {
        try call(.long) { connection in try CandidateSession(connection: connection).begin(code: code) }
    }

    /// One question as the candidate sees it, with its draft; records when it was shown.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, the position does not exist, or
    ///   the database cannot be reached.
    public func question(code: String, position: Int) throws -> CandidateQuestion {
        if let prefetched = memory.takePrefetched(code: code, position: position) { return prefetched }
        let before = memory
        let (question, after) = try call(.short) { connection in
            var memory = before
            let question = try AnswerRoundTrip.question(code: code, position: position, memory: &memory, on: connection)
            return (question, memory)
        }
        memory = after
        return question
    }

    /// Saves an answer in one statement and one commit, stamped with the server's time.
    ///
    /// - Throws: ``AssayError`` when the answer does not fit the question or its limits, the
    ///   screen has not begun, or the database cannot be reached.
    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        let before = memory
        let (receipt, after) = try call(lane(code: code, position: position)) { connection in
            var memory = before
            let receipt = try AnswerRoundTrip.answer(code: code, position: position, answer: answer, typed: typed, memory: &memory, on: connection)
            return (receipt, memory)
        }
        memory = after
        return receipt
    }

    /// Saves an essay's draft in one statement.
    ///
    /// - Throws: ``AssayError`` when the question is not an unanswered essay, the text is
    ///   outside its limits, the screen has not begun, or the database cannot be reached.
    public func saveDraft(code: String, position: Int, text: String) throws -> AnswerReceipt {
        let before = memory
        let (receipt, after) = try call(lane(code: code, position: position)) { connection in
            var memory = before
            let receipt = try AnswerRoundTrip.saveDraft(code: code, position: position, text: text, memory: &memory, on: connection)
            return (receipt, memory)
        }
        memory = after
        return receipt
    }

    /// Ends the screen and scores it.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, or was voided or expired, or the
    ///   database cannot be reached.
    public func submit(code: String) throws -> ScreenCompletion {
        _ = memory.takePrefetched(code: code, position: 0)
        return try call(.long) { connection in try CandidateSession(connection: connection).submit(code: code) }
    }

    /// The short lane for an answer or draft that takes one statement, the long one otherwise.
    private func lane(code: String, position: Int) -> DatabasePool.Lane {
        memory.answersInOneStatement(code: code, position: position) ? .short : .long
    }

    /// Runs `body` on a pooled connection of `lane`, turning the loss of the database into
    /// ``AssayError/Code/unavailable`` (the prompt retries, keeping what was typed).
    private func call<T: Sendable>(_ lane: DatabasePool.Lane, _ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        do {
            return try pool.runBlocking(lane, body)
        } catch let error as AssayError {
            throw error
        } catch let error as PostgresError where Self.isConnectionLoss(error) {
            throw AssayError(.unavailable, "the screen service cannot reach its database just now",
                             hint: "your saved answers are safe; try again in a moment")
        }
    }

    /// A failed connect, SQLSTATE class 08, or 57P01-57P03 (the server shut down or crashed).
    private static func isConnectionLoss(_ error: PostgresError) -> Bool {
        if error.kind == .connection { return true }
        guard let code = error.code?.rawValue else { return false }
        return code.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(code)
    }
}
