public import AssayCore
import Postgres
import Synchronization

/// One candidate's screen service over the door's ``DatabasePool``: the calls of
/// ``CandidateScreenService``, made asynchronous, each run on whichever pooled connection is
/// free, with answering and showing questions in one round trip each (``AnswerRoundTrip``).
/// Those take the pool's short lane (``DatabasePool/Lane/short``), so that a burst of
/// overviews, beginnings or submissions (the long lane) never keeps an answer waiting.
///
/// What ``AnswerRoundTrip`` remembers between calls (the questions shown, the next question)
/// lives here, so consecutive calls may run on different connections. Make one per candidate
/// session and call it from that session only, one call at a time (as a prompt does); the
/// server keeps nothing else, so a candidate cut off from one server resumes on another.
/// `Sendable`.
public final class PooledScreenService: Sendable {
    private let pool: DatabasePool
    private let memory = Mutex(AnswerRoundTrip.Memory())

    /// A service for one candidate session.
    ///
    /// - Parameter pool: the door's connections.
    public init(pool: DatabasePool) { self.pool = pool }

    /// What the screen is and where the candidate stands, without starting the clock.
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or used up;
    ///   `PostgresError` when the database cannot be reached.
    public func overview(code: String) async throws -> ScreenOverview {
        try await pool.run(.long) { connection in try CandidateSession(connection: connection).overview(code: code) }
    }

    /// Starts the clock (server time) if it has not started; idempotent.
    ///
    /// - Throws: ``AssayError`` when the code cannot be used; `PostgresError`.
    public func begin(code: String) async throws -> ScreenOverview {
        try await pool.run(.long) { connection in try CandidateSession(connection: connection).begin(code: code) }
    }

    /// One question as the candidate sees it; records when it was first shown.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun or the position does not exist;
    ///   `PostgresError`.
    public func question(code: String, position: Int) async throws -> CandidateQuestion {
        let before = memory.withLock { $0 }
        let (question, after) = try await pool.run(.short) { connection in
            var memory = before
            let question = try AnswerRoundTrip.question(code: code, position: position, memory: &memory, on: connection)
            return (question, memory)
        }
        memory.withLock { $0 = after }
        return question
    }

    /// Saves an answer in one statement and one commit, stamped with the server's time.
    ///
    /// - Throws: ``AssayError`` when the answer does not fit the question or the screen has not
    ///   begun; `PostgresError`.
    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) async throws -> AnswerReceipt {
        let before = memory.withLock { $0 }
        let lane: DatabasePool.Lane = before.answersInOneStatement(code: code, position: position) ? .short : .long
        let (receipt, after) = try await pool.run(lane) { connection in
            var memory = before
            let receipt = try AnswerRoundTrip.answer(code: code, position: position, answer: answer, typed: typed, memory: &memory, on: connection)
            return (receipt, memory)
        }
        memory.withLock { $0 = after }
        return receipt
    }

    /// Ends the screen and scores it.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, or was voided or expired;
    ///   `PostgresError`.
    public func submit(code: String) async throws -> ScreenCompletion {
        try await pool.run(.long) { connection in try CandidateSession(connection: connection).submit(code: code) }
    }
}
