import Banks
import Foundation
public import Postgres

/// The candidate's side of a screen over the database: the ``CandidateScreenService`` that the
/// terminal prompt (and any remote transport) talks to.
///
/// Every call names the invite code and is checked again; every answer is saved in its own
/// transaction with the server's time; the server's deadline (and its grace, see
/// `sql/009_candidate_terminal.sql`) is the only clock. Nothing returned holds a key, an
/// explanation, a rubric or another candidate's data.
///
/// When the connection is lost (the server restarted, the backend was terminated) a call throws
/// ``AssayError`` with code ``AssayError/Code/unavailable``; the next call opens a new connection
/// with the same settings, so the caller retries the same call.
///
/// Uses one connection at a time; not `Sendable`.
public final class CandidateSession: CandidateScreenService {
    /// The connection in use; replaced by a new one after it was lost.
    public private(set) var connection: Connection

    /// A session over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// Runs `body` on a live connection: reopens a lost one first, and turns the loss of the
    /// connection (now or during `body`) into ``AssayError/Code/unavailable``. (``AnswerRoundTrip``
    /// runs its statements through it too.)
    func withDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
        if !connection.isOpen {
            do {
                connection = try connection.openAnother()
            } catch {
                throw Self.unavailable
            }
        }
        do {
            return try body(connection)
        } catch let error as AssayError {
            throw error
        } catch {
            if !connection.isOpen || Self.isConnectionLoss(error) { throw Self.unavailable }
            throw error
        }
    }

    private static let unavailable = AssayError(
        .unavailable, "the screen service cannot reach its database just now",
        hint: "your saved answers are safe; try again in a moment")

    /// Errors that mean the server went away rather than refused a statement: a failed connect,
    /// SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, crash, starting up).
    private static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        if error.kind == .connection { return true }
        guard let code = error.code?.rawValue else { return false }
        return code.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(code)
    }

    private func answeredPositions(_ id: Int, _ tx: Connection) throws -> [Int] {
        try tx.query("SELECT position FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL ORDER BY position", [id]).map { try $0.decode("position") }
    }

    /// What the screen is and where the candidate stands; closes (and scores) a screen whose
    /// deadline and grace have passed.
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or used up, or the
    ///   database cannot be reached (``AssayError/Code/unavailable``).
    public func overview(code: String) throws -> ScreenOverview {
        try withDatabase { connection in
            let (row, closed) = try connection.withTransaction { tx -> (ScreenRecord, Bool) in
                let row = try ScreenRecord.find(code: code, tx)
                if row.status == .inProgress, row.pastGrace {
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return (row, true)
                }
                return (try row.usable(), false)
            }
            let state: ScreenOverview.State = closed ? .closed : row.status == .invited ? .notStarted : row.status == .inProgress ? .inProgress : .closed
            let resumeAt: Int? = try connection.query("""
                SELECT position FROM screen_items WHERE screen_id = $1 AND coalesce(last_shown_at, first_shown_at) IS NOT NULL
                ORDER BY coalesce(last_shown_at, first_shown_at) DESC, position DESC LIMIT 1
                """, [row.id]).first?.decode("position")
            return ScreenOverview(
                title: row.title, description: row.description, questionCount: row.count, timeLimitMinutes: row.minutes,
                state: state, secondsLeft: state == .inProgress ? row.secondsLeft : nil,
                answered: try answeredPositions(row.id, connection), adaptive: row.adaptive,
                graceSeconds: row.graceSeconds, resumeAt: state == .inProgress ? resumeAt : nil)
        }
    }

    /// Starts the clock (server time) if it has not started; idempotent.
    ///
    /// - Throws: ``AssayError`` when the code cannot be used, or the database cannot be reached.
    public func begin(code: String) throws -> ScreenOverview {
        try withDatabase { connection in
            try connection.withTransaction { tx in
                let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
                if row.status == .invited {
                    try tx.execute("""
                        UPDATE screens SET status = $2, started_at = now(),
                            deadline = now() + make_interval(mins => time_limit_minutes + extra_minutes)
                        WHERE id = $1
                        """, [row.id, ScreenStatus.inProgress.rawValue])
                    try tx.execute("""
                        UPDATE applications SET status = $2, updated_at = now() FROM screens s
                        WHERE s.id = $1 AND applications.id = s.application_id AND applications.status = ANY ($3)
                        """, [row.id, ApplicationStatus.screening.rawValue, ApplicationStatus.screening.allowedPredecessorValues])
                    try AuditTrail(tx).record(.screenBegin, actor: "candidate", subject: .screen(row.id))
                }
            }
        }
        return try overview(code: code)
    }

    /// One question as the candidate sees it; records when it was first (and last) shown, and
    /// returns an essay's draft. An adaptive screen chooses the question when it is first asked
    /// for. Once the deadline has passed no question is shown: the screen is closed and scored,
    /// and the question returned has no time left.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, the position does not exist,
    ///   (adaptive) the previous question is unanswered, or the database cannot be reached.
    public func question(code: String, position: Int) throws -> CandidateQuestion {
        try withDatabase { connection in
            try connection.withTransaction { tx in
                let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
                guard row.status == .inProgress else { throw AssayError(.badInput, "the screen has not begun") }
                if row.pastDeadline {
                    // Time ran out between two questions (no answer can be on its way: the
                    // prompt asks for a question only once the previous one is dealt with):
                    // close and score now, and tell the prompt with a question that has no
                    // time left (throwing would roll the closing back).
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return CandidateQuestion(position: position, total: row.count, kind: .shortText, prompt: "", choices: [], unit: nil,
                                             maxWords: nil, secondsLeft: 0, answered: false)
                }
                if row.adaptive, position > row.shown {
                    try chooseNextItem(row, position: position, tx)
                }
                let rows = try tx.query("""
                    UPDATE screen_items SET first_shown_at = coalesce(first_shown_at, now()), last_shown_at = now()
                    WHERE screen_id = $1 AND position = $2
                    RETURNING (SELECT content FROM items WHERE items.id = screen_items.item_id) AS content,
                              choice_order, answered_at IS NOT NULL AS answered, draft_text
                    """, [row.id, position])
                guard let item = rows.first else { throw AssayError(.badInput, "there is no question \(position); the screen has \(row.count)") }
                let content = try item.decode("content", as: PostgresJSON.self).decode(Item.self)
                let order: [Int]? = try item.decode("choice_order")
                var question = CandidateQuestion(showing: content, position: position, total: row.count, order: order,
                                                 secondsLeft: row.secondsLeft ?? 0, answered: try item.decode("answered"))
                question.draft = try item.decode("draft_text")
                return question
            }
        }
    }

    /// Saves an answer in its own transaction, stamped with the server's time, and drops the
    /// question's draft. Accepted until the deadline, and during the grace for a question shown
    /// before it (the rule is `screen_accepts_answers` in SQL); otherwise nothing is saved and
    /// the screen is closed and scored on what it has.
    ///
    /// - Throws: ``AssayError`` when the answer does not fit the question or ``AnswerLimits``,
    ///   the screen has not begun, (adaptive) the question was already answered, or the
    ///   database cannot be reached.
    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        try withDatabase { connection in
            try connection.withTransaction { tx in
                let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
                guard row.status == .inProgress else { throw AssayError(.badInput, "the screen has not begun") }
                if row.pastGrace {
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
                }
                let itemRow = try tx.query("""
                    SELECT si.choice_order, i.content, si.answered_at IS NOT NULL AS answered FROM screen_items si JOIN items i ON i.id = si.item_id
                    WHERE si.screen_id = $1 AND si.position = $2
                    """, [row.id, position])
                guard let itemData = itemRow.first else { throw AssayError(.badInput, "there is no question \(position)") }
                if row.adaptive, try itemData.decode("answered", as: Bool.self) {
                    throw AssayError(.badInput, "question \(position) is already answered; in an adaptive screen an answer cannot be changed, because the next questions were chosen from it")
                }
                let item = try itemData.decode("content", as: PostgresJSON.self).decode(Item.self)
                let order: [Int]? = try itemData.decode("choice_order")
                let stored = try AnswerMapping.stored(answer, item: item, order: order, typed: typed)
                let texts = [typed] + { if case .text(let value) = answer { [value] } else { [] } }()
                for text in texts {
                    if let problem = AnswerLimits.problem(with: text, kind: item.type == .essay ? .essay : .shortText, maxWords: Self.maxWords(item)) {
                        throw AssayError(.badInput, problem)
                    }
                }
                let updated = try tx.execute("""
                    UPDATE screen_items si SET answer = $3, answer_text = $4, answered_at = now(),
                        seconds_taken = extract(epoch FROM now() - coalesce(si.first_shown_at, now())),
                        draft_text = NULL, draft_saved_at = NULL
                    FROM screens s
                    WHERE s.id = si.screen_id AND si.screen_id = $1 AND si.position = $2
                      AND screen_accepts_answers(s.deadline, s.grace_seconds, si.first_shown_at)
                    """, [row.id, position, try PostgresJSON(encoding: stored), typed])
                guard updated == 1 else {
                    // After the deadline, for a question not shown before it: not saved, and
                    // the screen is over.
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
                }
                var complete = false
                if row.adaptive {
                    complete = try recordEstimate(row, position: position, item: item, answer: stored, tx)
                }
                return AnswerReceipt(saved: true, secondsLeft: row.secondsLeft ?? 0, closed: false, complete: complete)
            }
        }
    }

    /// Saves the essay being written at `position` as its draft, under the same time rule as
    /// an answer. An empty text removes the draft.
    ///
    /// - Throws: ``AssayError`` when the question is not an unanswered essay, the text is outside
    ///   ``AnswerLimits``, the screen has not begun, or the database cannot be reached.
    public func saveDraft(code: String, position: Int, text: String) throws -> AnswerReceipt {
        try withDatabase { connection in
            try connection.withTransaction { tx in
                let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
                guard row.status == .inProgress else { throw AssayError(.badInput, "the screen has not begun") }
                if row.pastGrace {
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
                }
                let itemRow = try tx.query("""
                    SELECT i.content, si.answered_at IS NOT NULL AS answered FROM screen_items si JOIN items i ON i.id = si.item_id
                    WHERE si.screen_id = $1 AND si.position = $2
                    """, [row.id, position])
                guard let itemData = itemRow.first else { throw AssayError(.badInput, "there is no question \(position)") }
                let item = try itemData.decode("content", as: PostgresJSON.self).decode(Item.self)
                guard item.type == .essay else { throw AssayError(.badInput, "question \(position) is not an essay; only essays have drafts") }
                guard try !itemData.decode("answered", as: Bool.self) else {
                    throw AssayError(.badInput, "question \(position) is already answered")
                }
                if let problem = AnswerLimits.problem(with: text, kind: .essay, maxWords: Self.maxWords(item)) {
                    throw AssayError(.badInput, problem)
                }
                let draft: String? = text.isEmpty ? nil : text
                let updated = try tx.execute("""
                    UPDATE screen_items si SET draft_text = $3, draft_saved_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END
                    FROM screens s
                    WHERE s.id = si.screen_id AND si.screen_id = $1 AND si.position = $2
                      AND screen_accepts_answers(s.deadline, s.grace_seconds, si.first_shown_at)
                    """, [row.id, position, draft])
                guard updated == 1 else {
                    try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                    return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
                }
                return AnswerReceipt(saved: true, secondsLeft: row.secondsLeft ?? 0, closed: false)
            }
        }
    }

    /// An essay item's word limit, nil for other items or none set.
    private static func maxWords(_ item: Item) -> Int? {
        if case .essay(_, let maxWords) = item.body { return maxWords }
        return nil
    }

    /// Ends the screen and scores it; submitting an already submitted screen reports it again.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, or was voided or expired, or the
    ///   database cannot be reached.
    public func submit(code: String) throws -> ScreenCompletion {
        try withDatabase { connection in try submit(code: code, connection) }
    }

    private func submit(code: String, _ connection: Connection) throws -> ScreenCompletion {
        let (id, byDeadline) = try connection.withTransaction { tx -> (Int, Bool) in
            let row = try ScreenRecord.find(code: code, tx, lock: true)
            if row.status == .inProgress {
                let by = row.pastDeadline ? "deadline" : "candidate"
                try ScreenScorer(tx: tx).finalize(screenID: row.id, by: by)
                return (row.id, by == "deadline")
            }
            if row.status.isSubmitted {
                // Already submitted (by the deadline, or twice): submitting again just reports it.
                let by: String? = try tx.query("SELECT submitted_by FROM screens WHERE id = $1", [row.id]).one().decode(0)
                return (row.id, by == "deadline")
            }
            _ = try row.usable()  // throws for voided and expired screens
            throw AssayError(.badInput, "the screen has not begun")
        }
        return try completion(screenID: id, byDeadline: byDeadline, connection)
    }

    private func completion(screenID: Int, byDeadline: Bool, _ connection: Connection) throws -> ScreenCompletion {
        let row = try connection.query("""
            SELECT s.status, s.score_percent, b.settings,
                   (SELECT count(*)::int FROM screen_items WHERE screen_id = s.id AND answered_at IS NOT NULL) AS answered,
                   (SELECT count(*)::int FROM screen_items WHERE screen_id = s.id) AS total
            FROM screens s JOIN banks b ON b.id = s.bank_id WHERE s.id = $1
            """, [screenID]).one()
        let settings = try row.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        let status = ScreenStatus(rawValue: try row.decode("status"))
        let percent: Double? = try row.decode("score_percent")
        return ScreenCompletion(answered: try row.decode("answered"), total: try row.decode("total"),
                                scorePercent: settings.showScore && status == .scored ? percent : nil,
                                awaitingReview: status == .awaitingReview, closedByDeadline: byDeadline)
    }
}
