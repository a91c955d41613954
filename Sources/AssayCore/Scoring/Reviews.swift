import Banks
public import Foundation
public import Postgres
public import Psychometrics

/// Answers that wait for a reviewer (essays, and short-text near misses), their grades and
/// corrections: a screen's result becomes final once its last such answer is graded, and a
/// corrected grade re-scores the screen.
///
/// Uses one connection; not `Sendable`.
public struct Reviews {
    /// The connection used.
    public let connection: Connection

    /// Reviews over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// An answer waiting for a reviewer.
    public struct PendingReview: Sendable, Codable {
        /// The screen.
        public var screenID: Int
        /// The item's position in the screen.
        public var position: Int
        /// The item's id in its bank.
        public var itemKey: String
        /// The item's type: `essay`, or `short_text` for a near miss.
        public var type: String
        /// The bank.
        public var bankSlug: String
        /// The candidate's email.
        public var email: String
        /// When the screen was submitted.
        public var submittedAt: Date?
        /// The question.
        public var prompt: String
        /// How to grade it: an essay's rubric, or what a short-text item accepts.
        public var rubric: String
        /// Short-text near misses: the accepted answers (literal ones, then patterns as `/…/`).
        public var acceptedAnswers: [String]?
        /// Short-text near misses: the accepted answer it is near and how.
        public var nearMiss: TextNearMiss?
        /// The candidate's answer, verbatim.
        public var answer: String
        /// The most points the answer can earn.
        public var maxPoints: Double
    }

    /// The condition on `screen_items si JOIN screens s` that selects answers awaiting a grade,
    /// with the status as `$1` and the bank (or NULL) as `$2`.
    private static let pendingCondition = """
        si.needs_review AND si.reviewed_at IS NULL AND s.status = $1 AND ($2::text IS NULL OR s.bank_slug = $2)
        """

    /// How many answers await a grade (overdue screens are closed first).
    ///
    /// - Parameter bank: only this bank's screens.
    /// - Throws: ``PostgresError``.
    public func pendingCount(bank: String? = nil) throws -> Int {
        try ScreenSweeper(connection: connection).closeOverdue()
        return try connection.query("""
            SELECT count(*)::int FROM screen_items si JOIN screens s ON s.id = si.screen_id WHERE \(Self.pendingCondition)
            """, [ScreenStatus.awaitingReview.rawValue, bank]).one().decode(0)
    }

    /// Answers awaiting a grade, oldest submission first (overdue screens are closed first).
    ///
    /// - Parameters:
    ///   - bank: only this bank's screens.
    ///   - limit: at most this many (nil: all).
    /// - Throws: ``PostgresError``.
    public func pending(bank: String? = nil, limit: Int? = nil) throws -> [PendingReview] {
        try ScreenSweeper(connection: connection).closeOverdue()
        return try connection.query("""
            SELECT si.screen_id, si.position, i.item_key, s.bank_slug, e.email, s.submitted_at, i.content, si.answer_text, si.answer, si.max_points
            FROM screen_items si JOIN screens s ON s.id = si.screen_id JOIN items i ON i.id = si.item_id JOIN experts e ON e.id = s.expert_id
            WHERE \(Self.pendingCondition)
            ORDER BY s.submitted_at, s.id, si.position
            LIMIT $3
            """, [ScreenStatus.awaitingReview.rawValue, bank, limit]).map { row in
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            var rubric = ""
            var accepted: [String]?
            var nearMiss: TextNearMiss?
            switch item.body {
            case .essay(let text, _):
                rubric = text
            case .shortText:
                let answers = ItemKeySummary.acceptedAnswers(item) ?? []
                accepted = answers
                rubric = "accepted: " + answers.joined(separator: " | ")
                if let stored = try row.decode("answer", as: PostgresJSON?.self) {
                    nearMiss = ItemScoring.nearMiss(item, try stored.decode(StoredAnswer.self))
                }
            default:
                rubric = ItemKeySummary.describe(item)
            }
            return PendingReview(screenID: try row.decode("screen_id"), position: try row.decode("position"), itemKey: try row.decode("item_key"),
                                 type: item.type.rawValue, bankSlug: try row.decode("bank_slug"), email: try row.decode("email"),
                                 submittedAt: try row.decode("submitted_at"), prompt: item.prompt, rubric: rubric, acceptedAnswers: accepted,
                                 nearMiss: nearMiss, answer: try row.decode("answer_text", as: String?.self) ?? "", maxPoints: try row.decode("max_points"))
        }
    }

    /// What a grade did: the item's points before and after, and where the screen stands.
    public struct GradeOutcome: Sendable, Codable {
        /// The screen.
        public var screenID: Int
        /// The item's position in the screen.
        public var position: Int
        /// The item's id in its bank.
        public var itemKey: String
        /// The points awarded now.
        public var points: Double
        /// The most points the item can earn.
        public var maxPoints: Double
        /// A correction: the points it replaced (nil for a first grade).
        public var previousPoints: Double?
        /// A correction: who gave the grade it replaced.
        public var previousReviewer: String?
        /// The screen's status after the grade (`awaiting_review` or `scored`).
        public var screenStatus: String
        /// Answers of the screen still waiting for a reviewer.
        public var stillPending: Int
        /// The screen's score once final.
        public var scorePercent: Double?
        /// Whether it passed, once final.
        public var passed: Bool?
        /// A correction of a scored screen: the score before.
        public var previousScorePercent: Double?
        /// A correction of a scored screen: the verdict before.
        public var previousPassed: Bool?
        /// Pools whose membership rested on the screen and was suspended because it no longer
        /// passes.
        public var suspendedPools: [String]
    }

    /// Grades an answer that waits for a reviewer (an essay, or a short-text near miss), or with
    /// `regrade` corrects a grade already given; the screen's result becomes final once every
    /// such answer is graded, and a correction of a final result re-scores the screen.
    ///
    /// A correction keeps the grade it replaces in its `review.regrade` event (points, note,
    /// reviewer, time) and, when the screen was already scored, records a `screen.rescore`
    /// event with the result before and after; a screen that no longer passes suspends the pool
    /// membership that rests on it.
    ///
    /// - Parameters:
    ///   - screenID: the screen.
    ///   - item: the position in the screen, or the item's id in the bank.
    ///   - points: the points awarded, 0 … the item's maximum.
    ///   - note: the reviewer's note, kept with the grade.
    ///   - regrade: correct a grade already given (requires `reason`).
    ///   - reason: why the grade is corrected (field `reason`).
    ///   - actor: who grades.
    /// - Returns: what the grade did and where the screen stands.
    /// - Throws: ``AssayError`` for an unknown screen or item, points outside 0…max (field
    ///   `points`), an item scored automatically, a second grade without `regrade`, `regrade` of
    ///   an item not yet graded or of a voided screen, a correction without a reason (field
    ///   `reason`); ``PostgresError``.
    @discardableResult
    public func grade(screenID: Int, item: String, points: Double, note: String?, regrade: Bool = false, reason: String? = nil,
                      actor: String) throws -> GradeOutcome {
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if regrade, why.isEmpty {
            throw AssayError(.badInput, "is required to correct a grade: say why (it is kept in the audit trail)", field: "reason")
        }
        return try connection.withTransaction { tx in
            // One grader at a time per screen, so that the last grade always completes it.
            guard let screen = try tx.query("SELECT status FROM screens WHERE id = $1 FOR UPDATE", [screenID]).first else {
                throw AssayError(.notFound, "no screen \(screenID); assay screen list shows them")
            }
            let screenStatus: String = try screen.decode("status")
            let rows = try tx.query("""
                SELECT si.position, i.item_key, si.max_points, si.needs_review, si.points, si.review_note, si.reviewed_by, si.reviewed_at,
                       si.reviewed_at IS NOT NULL AS reviewed
                FROM screen_items si JOIN items i ON i.id = si.item_id
                WHERE si.screen_id = $1 AND (si.position::text = $2 OR i.item_key = $2)
                ORDER BY (si.position::text = $2) DESC
                LIMIT 1
                FOR UPDATE OF si
                """, [screenID, item])
            guard let row = rows.first else { throw AssayError(.notFound, "screen \(screenID) has no item '\(item)' (give its position or its id in the bank)") }
            guard try row.decode("needs_review", as: Bool.self) else {
                throw AssayError(.badInput, "item \(item) of screen \(screenID) is scored automatically; only essays and short-text near misses are graded")
            }
            let reviewed: Bool = try row.decode("reviewed")
            let position: Int = try row.decode("position")
            let itemKey: String = try row.decode("item_key")
            if reviewed, !regrade {
                let previous: Double = try row.decode("points", as: Double?.self) ?? 0
                let by: String = try row.decode("reviewed_by", as: String?.self) ?? "?"
                throw AssayError(.badInput, "item \(item) of screen \(screenID) is already graded (\(String(format: "%g", previous)) points by \(by))",
                                 hint: "to correct it: assay review grade \(screenID) \(position) --points P --regrade --reason \"why\"")
            }
            if regrade, !reviewed {
                throw AssayError(.badInput, "item \(item) of screen \(screenID) has no grade to correct yet; grade it without --regrade")
            }
            if regrade, screenStatus == ScreenStatus.voided.rawValue {
                throw AssayError(.badInput, "screen \(screenID) is voided: its result does not count, so its grades are not corrected")
            }
            let maximum: Double = try row.decode("max_points")
            guard points.isFinite, points >= 0, points <= maximum else {
                throw AssayError(.badInput, "must be between 0 and \(String(format: "%g", maximum))", field: "points")
            }
            let previousPoints: Double? = reviewed ? try row.decode("points") : nil
            let previousReviewer: String? = reviewed ? try row.decode("reviewed_by") : nil
            try tx.execute("""
                UPDATE screen_items SET points = $3, correct = ($3 >= max_points), reviewed_by = $4, review_note = $5, reviewed_at = now()
                WHERE screen_id = $1 AND position = $2
                """, [screenID, position, points, actor, note])
            let audit = AuditTrail(tx)
            if regrade {
                try audit.record(.reviewRegrade, actor: actor, subject: .screen(screenID), reason: why,
                                 details: RegradeDetails(position: position, itemKey: itemKey, points: points, note: note,
                                                         previousPoints: previousPoints, previousNote: try row.decode("review_note"),
                                                         previousReviewer: previousReviewer,
                                                         previousReviewedAt: try row.decode("reviewed_at", as: Date?.self).map { ISO8601DateFormatter().string(from: $0) }))
            } else {
                try audit.record(.reviewGrade, actor: actor, subject: .screen(screenID), reason: note,
                                 details: GradeDetails(position: position, itemKey: itemKey, points: points))
            }
            let scorer = ScreenScorer(tx: tx)
            var rescore: ScreenScorer.Rescore?
            if screenStatus == ScreenStatus.scored.rawValue {
                rescore = try scorer.rescore(screenID: screenID, actor: actor, reason: why)
            } else {
                try scorer.completeIfGraded(screenID: screenID)
            }
            let after = try tx.query("""
                SELECT s.status, s.score_percent, s.passed,
                       (SELECT count(*)::int FROM screen_items WHERE screen_id = s.id AND needs_review AND reviewed_at IS NULL) AS pending
                FROM screens s WHERE s.id = $1
                """, [screenID]).one()
            return GradeOutcome(screenID: screenID, position: position, itemKey: itemKey, points: points, maxPoints: maximum,
                                previousPoints: previousPoints, previousReviewer: previousReviewer, screenStatus: try after.decode("status"),
                                stillPending: try after.decode("pending"), scorePercent: try after.decode("score_percent"),
                                passed: try after.decode("passed"), previousScorePercent: rescore?.previousScorePercent,
                                previousPassed: rescore?.previousPassed, suspendedPools: rescore?.suspendedPools ?? [])
        }
    }

    /// The details of a `review.grade` event.
    private struct GradeDetails: Encodable {
        var position: Int
        var itemKey: String
        var points: Double

        enum CodingKeys: String, CodingKey { case position, itemKey = "item_key", points }
    }

    /// The details of a `review.regrade` event: the new grade and the one it replaced.
    private struct RegradeDetails: Encodable {
        var position: Int
        var itemKey: String
        var points: Double
        var note: String?
        var previousPoints: Double?
        var previousNote: String?
        var previousReviewer: String?
        /// ISO 8601, UTC.
        var previousReviewedAt: String?

        enum CodingKeys: String, CodingKey {
            case position, itemKey = "item_key", points, note
            case previousPoints = "previous_points", previousNote = "previous_note"
            case previousReviewer = "previous_reviewer", previousReviewedAt = "previous_reviewed_at"
        }
    }
}
