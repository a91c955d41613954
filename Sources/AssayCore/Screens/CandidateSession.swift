import Banks
import Foundation
public import Postgres

/// The candidate's side of a screen over the database: the ``CandidateScreenService`` that the
/// terminal prompt (and any remote transport) talks to.
///
/// Every call names the invite code and is checked again; every answer is saved in its own
/// transaction with the server's time; the server's deadline is the only clock. Nothing
/// returned holds a key, an explanation, a rubric or another candidate's data.
///
/// Uses one connection; not `Sendable`.
public final class CandidateSession: CandidateScreenService {
    /// The connection used.
    public let connection: Connection

    /// A session over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    private func answeredPositions(_ id: Int, _ tx: Connection) throws -> [Int] {
        try tx.query("SELECT position FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL ORDER BY position", [id]).map { try $0.decode("position") }
    }

    /// What the screen is and where the candidate stands; closes (and scores) a screen whose
    /// deadline has passed.
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or used up.
    public func overview(code: String) throws -> ScreenOverview {
        let (row, closed) = try connection.withTransaction { tx -> (ScreenRecord, Bool) in
            let row = try ScreenRecord.find(code: code, tx)
            if row.status == .inProgress, row.pastDeadline {
                try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                return (row, true)
            }
            return (try row.usable(), false)
        }
        let state: ScreenOverview.State = closed ? .closed : row.status == .invited ? .notStarted : row.status == .inProgress ? .inProgress : .closed
        return ScreenOverview(
            title: row.title, description: row.description, questionCount: row.count, timeLimitMinutes: row.minutes,
            state: state, secondsLeft: state == .inProgress ? row.secondsLeft : nil,
            answered: try answeredPositions(row.id, connection), adaptive: row.adaptive)
    }

    /// Starts the clock (server time) if it has not started; idempotent.
    ///
    /// - Throws: ``AssayError`` when the code cannot be used.
    public func begin(code: String) throws -> ScreenOverview {
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
        return try overview(code: code)
    }

    /// One question as the candidate sees it; records when it was first shown. An adaptive
    /// screen chooses the question when it is first asked for.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, the position does not exist, or
    ///   (adaptive) the previous question is unanswered.
    public func question(code: String, position: Int) throws -> CandidateQuestion {
        try connection.withTransaction { tx in
            let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
            guard row.status == .inProgress else { throw AssayError(.badInput, "the screen has not begun") }
            if row.pastDeadline {
                // Time ran out between two questions: close and score now, and tell the prompt
                // with a question that has no time left (throwing would roll the closing back).
                try ScreenScorer(tx: tx).finalize(screenID: row.id, by: "deadline")
                return CandidateQuestion(position: position, total: row.count, kind: .shortText, prompt: "", choices: [], unit: nil,
                                         maxWords: nil, secondsLeft: 0, answered: false)
            }
            if row.adaptive, position > row.shown {
                try chooseNextItem(row, position: position, tx)
            }
            let rows = try tx.query("""
                UPDATE screen_items SET first_shown_at = coalesce(first_shown_at, now())
                WHERE screen_id = $1 AND position = $2
                RETURNING (SELECT content FROM items WHERE items.id = screen_items.item_id) AS content,
                          choice_order, answered_at IS NOT NULL AS answered
                """, [row.id, position])
            guard let item = rows.first else { throw AssayError(.badInput, "there is no question \(position); the screen has \(row.count)") }
            let content = try item.decode("content", as: PostgresJSON.self).decode(Item.self)
            let order: [Int]? = try item.decode("choice_order")
            return CandidateQuestion(showing: content, position: position, total: row.count, order: order,
                                     secondsLeft: row.secondsLeft ?? 0, answered: try item.decode("answered"))
        }
    }

    /// Saves an answer in its own transaction, stamped with the server's time; refused once the
    /// deadline has passed (the screen is then closed and scored on what it has).
    ///
    /// - Throws: ``AssayError`` when the answer does not fit the question, the screen has not
    ///   begun, or (adaptive) the question was already answered.
    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        try connection.withTransaction { tx in
            let row = try ScreenRecord.find(code: code, tx, lock: true).usable()
            guard row.status == .inProgress else { throw AssayError(.badInput, "the screen has not begun") }
            if row.pastDeadline {
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
            let updated = try tx.execute("""
                UPDATE screen_items SET answer = $3, answer_text = $4, answered_at = now(),
                    seconds_taken = extract(epoch FROM now() - coalesce(first_shown_at, now()))
                WHERE screen_id = $1 AND position = $2
                """, [row.id, position, try PostgresJSON(encoding: stored), typed])
            var complete = false
            if row.adaptive {
                complete = try recordEstimate(row, position: position, item: item, answer: stored, tx)
            }
            return AnswerReceipt(saved: updated == 1, secondsLeft: row.secondsLeft ?? 0, closed: false, complete: complete)
        }
    }

    /// Ends the screen and scores it; submitting an already submitted screen reports it again.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, or was voided or expired.
    public func submit(code: String) throws -> ScreenCompletion {
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
        return try completion(screenID: id, byDeadline: byDeadline)
    }

    private func completion(screenID: Int, byDeadline: Bool) throws -> ScreenCompletion {
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
