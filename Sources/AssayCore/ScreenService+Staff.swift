import Banks
public import Foundation
import Postgres

extension ScreenService {
    /// A screen as staff list it.
    public struct ScreenSummary: Sendable, Codable {
        public var id: Int
        public var expertID: Int
        public var email: String
        public var bankSlug: String
        public var status: String
        public var invitedAt: Date
        public var deadline: Date?
        public var scorePercent: Double?
        public var passed: Bool?
        public var flags: String
    }

    /// Screens, newest first.
    ///
    /// - Throws: ``PostgresError``.
    public func list(status: String?, bank: String?, limit: Int = 100, id: Int? = nil) throws -> [ScreenSummary] {
        try closeOverdue()
        return try connection.query("""
            SELECT s.id, s.expert_id, e.email, s.bank_slug, s.status, s.invited_at, s.deadline, s.score_percent, s.passed, s.flags::text AS flags
            FROM screens s JOIN experts e ON e.id = s.expert_id
            WHERE ($1::text IS NULL OR s.status = $1) AND ($2::text IS NULL OR s.bank_slug = $2) AND ($4::bigint IS NULL OR s.id = $4)
            ORDER BY s.id DESC LIMIT $3
            """, [status, bank, limit, id]).map {
            ScreenSummary(id: try $0.decode("id"), expertID: try $0.decode("expert_id"), email: try $0.decode("email"),
                          bankSlug: try $0.decode("bank_slug"), status: try $0.decode("status"), invitedAt: try $0.decode("invited_at"),
                          deadline: try $0.decode("deadline"), scorePercent: try $0.decode("score_percent"), passed: try $0.decode("passed"),
                          flags: try $0.decode("flags"))
        }
    }

    /// One item of a screen as staff see it: what was shown, answered, and scored.
    public struct StaffItem: Sendable, Codable {
        public var position: Int
        public var itemKey: String
        public var type: String
        public var prompt: String
        /// The choices in the order this candidate saw them.
        public var shownChoices: [String]
        public var answerTyped: String?
        public var secondsTaken: Double?
        public var points: Double?
        public var maxPoints: Double
        public var correct: Bool?
        public var needsReview: Bool
        public var reviewNote: String?
        /// Adaptive screens: the ability estimate and its standard error after this answer.
        public var theta: Double?
        public var thetaSE: Double?
    }

    /// A screen with every item, for staff.
    public struct StaffView: Sendable, Codable {
        public var summary: ScreenSummary
        public var items: [StaffItem]
        public var submittedBy: String?
        public var voidReason: String?
        /// Whether items were chosen adaptively; the final ability estimate, its SE, and why
        /// the screen stopped.
        public var adaptive: Bool
        public var theta: Double?
        public var thetaSE: Double?
        public var stopReason: String?
    }

    /// The staff view of a screen.
    ///
    /// - Throws: ``AssayError`` when there is no such screen.
    public func show(screenID: Int) throws -> StaffView {
        guard let summary = try list(status: nil, bank: nil, limit: 1, id: screenID).first else {
            throw AssayError(.notFound, "no screen \(screenID); assay screen list shows them")
        }
        let extra = try connection.query("SELECT submitted_by, void_reason, adaptive, theta, theta_se, stop_reason FROM screens WHERE id = $1", [screenID])[0]
        let items = try connection.query("""
            SELECT si.position, i.item_key, i.type, i.content, si.choice_order::text AS choice_order, si.answer_text, si.seconds_taken, si.points,
                   si.max_points, si.correct, si.needs_review, si.review_note, si.theta, si.theta_se
            FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 ORDER BY si.position
            """, [screenID]).map { row -> StaffItem in
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            let order = try Self.intArray(try row.decode("choice_order", as: String?.self))
            let view = Self.view(item, position: 0, total: 0, order: order, secondsLeft: 0, answered: false)
            return StaffItem(position: try row.decode("position"), itemKey: try row.decode("item_key"), type: try row.decode("type"),
                             prompt: item.prompt, shownChoices: view.choices, answerTyped: try row.decode("answer_text"),
                             secondsTaken: try row.decode("seconds_taken"), points: try row.decode("points"), maxPoints: try row.decode("max_points"),
                             correct: try row.decode("correct"), needsReview: try row.decode("needs_review"), reviewNote: try row.decode("review_note"),
                             theta: try row.decode("theta"), thetaSE: try row.decode("theta_se"))
        }
        return StaffView(summary: summary, items: items, submittedBy: try extra.decode("submitted_by"), voidReason: try extra.decode("void_reason"),
                         adaptive: try extra.decode("adaptive"), theta: try extra.decode("theta"), thetaSE: try extra.decode("theta_se"),
                         stopReason: try extra.decode("stop_reason"))
    }

    /// Cancels an open or finished screen; its result no longer counts.
    ///
    /// - Throws: ``AssayError`` when there is no such screen or it is already voided.
    public func void(screenID: Int, reason: String, actor: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AssayError(.badInput, "--reason is required and must not be empty") }
        try connection.withTransaction { tx in
            let changed = try tx.execute("UPDATE screens SET status = 'voided', void_reason = $2 WHERE id = $1 AND status <> 'voided'", [screenID, reason])
            guard changed == 1 else { throw AssayError(.notFound, "no screen \(screenID) that can be voided (unknown, or already voided)") }
            try Self.event(tx, actor: actor, action: "screen.void", screen: screenID, reason: reason)
            // A pool membership that rests on this screen no longer has its evidence: suspend it.
            let suspended = try tx.query("""
                UPDATE pool_members SET status = 'suspended', suspended_reason = $2, updated_at = now()
                WHERE $1 = ANY (evidence_screens) AND status = 'active'
                RETURNING expert_id, domain
                """, [screenID, "evidence screen \(screenID) voided: \(reason)"])
            for row in suspended {
                try tx.execute("INSERT INTO events (actor, action, subject_type, subject_id, reason, details) VALUES ($1, 'pool.suspend', 'expert', $2, $3, $4)",
                               [actor, try row.decode("expert_id", as: Int.self), "evidence screen \(screenID) voided: \(reason)",
                                try PostgresJSON(encoding: ["domain": try row.decode("domain", as: String.self)])])
            }
        }
    }

    /// Gives a screen more time: moves its deadline (or, before it starts, its time limit).
    ///
    /// - Throws: ``AssayError`` when the screen is not invited or in progress.
    public func extend(screenID: Int, minutes: Int, actor: String) throws -> Date? {
        guard (1...1440).contains(minutes) else { throw AssayError(.badInput, "--minutes must be between 1 and 1440") }
        return try connection.withTransaction { tx in
            let rows = try tx.query("""
                UPDATE screens SET extra_minutes = extra_minutes + $2,
                    deadline = deadline + make_interval(mins => $2::int)
                WHERE id = $1 AND status IN ('invited', 'in_progress') AND (deadline IS NULL OR deadline > now())
                RETURNING deadline
                """, [screenID, minutes])
            guard let row = rows.first else { throw AssayError(.badInput, "screen \(screenID) is not open (or its deadline has passed), so it cannot be extended") }
            try Self.event(tx, actor: actor, action: "screen.extend", screen: screenID, details: ["minutes": String(minutes)])
            return try row.decode("deadline", as: Date?.self)
        }
    }

    /// An essay waiting for a reviewer.
    public struct PendingReview: Sendable, Codable {
        public var screenID: Int
        public var position: Int
        public var itemKey: String
        public var bankSlug: String
        public var prompt: String
        public var rubric: String
        public var answer: String
        public var maxPoints: Double
    }

    /// Essays awaiting a grade, oldest first.
    ///
    /// - Throws: ``PostgresError``.
    public func pendingReviews() throws -> [PendingReview] {
        try closeOverdue()
        return try connection.query("""
            SELECT si.screen_id, si.position, i.item_key, s.bank_slug, i.content, si.answer_text, si.max_points
            FROM screen_items si JOIN screens s ON s.id = si.screen_id JOIN items i ON i.id = si.item_id
            WHERE si.needs_review AND si.reviewed_at IS NULL AND s.status = 'awaiting_review'
            ORDER BY s.submitted_at, si.position
            """).map { row in
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            var rubric = ""
            if case .essay(let text, _) = item.body { rubric = text }
            return PendingReview(screenID: try row.decode("screen_id"), position: try row.decode("position"), itemKey: try row.decode("item_key"),
                                 bankSlug: try row.decode("bank_slug"), prompt: item.prompt, rubric: rubric,
                                 answer: try row.decode("answer_text", as: String?.self) ?? "", maxPoints: try row.decode("max_points"))
        }
    }

    /// Grades an essay; the screen's result becomes final once every essay is graded.
    ///
    /// - Parameters:
    ///   - item: the position in the screen, or the item's id in the bank.
    /// - Throws: ``AssayError`` for an unknown item, points outside 0…max, or an item that is
    ///   not awaiting review.
    public func grade(screenID: Int, item: String, points: Double, note: String?, actor: String) throws {
        try connection.withTransaction { tx in
            // One grader at a time per screen, so that the last grade always completes it.
            guard try !tx.query("SELECT 1 FROM screens WHERE id = $1 FOR UPDATE", [screenID]).isEmpty else {
                throw AssayError(.notFound, "no screen \(screenID); assay screen list shows them")
            }
            let rows = try tx.query("""
                SELECT si.position, si.max_points, si.needs_review, si.reviewed_at IS NOT NULL AS reviewed
                FROM screen_items si JOIN items i ON i.id = si.item_id
                WHERE si.screen_id = $1 AND (si.position::text = $2 OR i.item_key = $2)
                ORDER BY (si.position::text = $2) DESC
                LIMIT 1
                FOR UPDATE OF si
                """, [screenID, item])
            guard let row = rows.first else { throw AssayError(.notFound, "screen \(screenID) has no item '\(item)' (give its position or its id in the bank)") }
            guard try row.decode("needs_review", as: Bool.self) else { throw AssayError(.badInput, "item \(item) of screen \(screenID) is scored automatically; only essays are graded") }
            guard try !row.decode("reviewed", as: Bool.self) else { throw AssayError(.badInput, "item \(item) of screen \(screenID) is already graded") }
            let maximum: Double = try row.decode("max_points")
            guard points.isFinite, points >= 0, points <= maximum else { throw AssayError(.badInput, "--points must be between 0 and \(maximum)") }
            let position: Int = try row.decode("position")
            try tx.execute("""
                UPDATE screen_items SET points = $3, correct = ($3 >= max_points), reviewed_by = $4, review_note = $5, reviewed_at = now()
                WHERE screen_id = $1 AND position = $2
                """, [screenID, position, points, actor, note])
            try Self.event(tx, actor: actor, action: "review.grade", screen: screenID, reason: note,
                           details: ["position": String(position), "points": String(points)])
            try completeIfGraded(screenID: screenID, tx)
        }
    }
}
