import Banks
public import Foundation
public import Postgres

/// Screens as staff see and manage them: list, show (every answer, timing and flag), void and
/// extend. Grading essays is ``Reviews``.
///
/// Uses one connection; not `Sendable`.
public struct StaffScreens {
    /// The connection used.
    public let connection: Connection

    /// Staff screens over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// A screen as staff list it.
    public struct ScreenSummary: Sendable, Codable {
        /// The screen.
        public var id: Int
        /// The expert screened.
        public var expertID: Int
        /// The expert's email.
        public var email: String
        /// The bank.
        public var bankSlug: String
        /// The screen's status (``ScreenStatus`` raw value).
        public var status: String
        /// When the invitation was issued.
        public var invitedAt: Date
        /// The server-side deadline, once begun.
        public var deadline: Date?
        /// The score, once scored.
        public var scorePercent: Double?
        /// Whether it passed, once scored.
        public var passed: Bool?
        /// How many items the screen has shown (or drawn).
        public var itemCount: Int
        /// The integrity flags, each with a sentence for people.
        public var flags: [IntegrityFlag]
    }

    /// The condition on `screens s` of ``list(status:bank:limit:id:)`` and ``count(status:bank:)``,
    /// with the status as `$1`, the bank as `$2` (either NULL for any).
    private static let listCondition = "($1::text IS NULL OR s.status = $1) AND ($2::text IS NULL OR s.bank_slug = $2)"

    /// Screens, newest first (overdue screens are closed first).
    ///
    /// - Parameters:
    ///   - status: only screens in this status.
    ///   - bank: only screens on this bank.
    ///   - limit: at most this many.
    ///   - id: only this screen.
    /// - Throws: ``PostgresError``.
    public func list(status: ScreenStatus?, bank: String?, limit: Int = 100, id: Int? = nil) throws -> [ScreenSummary] {
        try ScreenSweeper(connection: connection).closeOverdue()
        return try connection.query("""
            SELECT s.id, s.expert_id, e.email, s.bank_slug, s.status, s.invited_at, s.deadline, s.score_percent, s.passed, s.flags::text AS flags,
                   (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS item_count
            FROM screens s JOIN experts e ON e.id = s.expert_id
            WHERE \(Self.listCondition) AND ($4::bigint IS NULL OR s.id = $4)
            ORDER BY s.id DESC LIMIT $3
            """, [status?.rawValue, bank, limit, id]).map {
            let itemCount: Int = try $0.decode("item_count")
            return ScreenSummary(id: try $0.decode("id"), expertID: try $0.decode("expert_id"), email: try $0.decode("email"),
                                 bankSlug: try $0.decode("bank_slug"), status: try $0.decode("status"), invitedAt: try $0.decode("invited_at"),
                                 deadline: try $0.decode("deadline"), scorePercent: try $0.decode("score_percent"), passed: try $0.decode("passed"),
                                 itemCount: itemCount, flags: IntegrityFlag.read(try $0.decode("flags"), itemCount: itemCount))
        }
    }

    /// How many screens ``list(status:bank:limit:id:)`` would list without a limit (overdue
    /// screens are closed first).
    ///
    /// - Parameters:
    ///   - status: only screens in this status.
    ///   - bank: only screens on this bank.
    /// - Throws: ``PostgresError``.
    public func count(status: ScreenStatus?, bank: String?) throws -> Int {
        try ScreenSweeper(connection: connection).closeOverdue()
        return try connection.query("SELECT count(*)::int FROM screens s WHERE \(Self.listCondition)", [status?.rawValue, bank]).one().decode(0)
    }

    /// How many screens are in progress: begun, before their deadline (a candidate may be
    /// answering right now). Zero when the schema is not there yet.
    ///
    /// - Throws: ``PostgresError``.
    public func inProgressCount() throws -> Int {
        let exists: Bool = try connection.query("SELECT to_regclass('screens') IS NOT NULL AS e").one().decode("e")
        guard exists else { return 0 }
        return try connection.query("SELECT count(*)::int FROM screens WHERE status = $1 AND deadline > now()",
                                    [ScreenStatus.inProgress.rawValue]).one().decode(0)
    }

    /// One item of a screen as staff see it: what was shown, answered, and scored.
    public struct StaffItem: Sendable, Codable {
        /// The 1-based position in the screen.
        public var position: Int
        /// The item's id in its bank.
        public var itemKey: String
        /// The item type (`single_choice` …).
        public var type: String
        /// The question.
        public var prompt: String
        /// The choices in the order this candidate saw them.
        public var shownChoices: [String]
        /// What the candidate typed, verbatim.
        public var answerTyped: String?
        /// Seconds from first showing to the answer.
        public var secondsTaken: Double?
        /// Points earned, once scored.
        public var points: Double?
        /// The most points the item can earn.
        public var maxPoints: Double
        /// Whether it earned full points, once scored.
        public var correct: Bool?
        /// Whether it waits for a reviewer's grade (an essay or a short-text near miss not
        /// graded yet); false once graded.
        public var needsReview: Bool
        /// Who graded it, when a reviewer did.
        public var reviewedBy: String?
        /// When a reviewer graded it.
        public var reviewedAt: Date?
        /// The reviewer's note.
        public var reviewNote: String?
        /// The answer key in words (staff only): the correct option(s), the number and its
        /// tolerance, the accepted answers, the order, the pairs, or the rubric.
        public var answerKey: String
        /// Short-text items: every accepted answer (literal ones, then patterns as `/…/`).
        public var acceptedAnswers: [String]?
        /// Adaptive screens: the ability estimate and its standard error after this answer.
        public var theta: Double?
        /// Adaptive screens: the standard error of ``theta``.
        public var thetaSE: Double?
    }

    /// A screen with every item, for staff.
    public struct StaffView: Sendable, Codable {
        /// The screen as listed.
        public var summary: ScreenSummary
        /// Every item shown, in order.
        public var items: [StaffItem]
        /// Who submitted it: candidate, deadline or staff.
        public var submittedBy: String?
        /// Why it was voided.
        public var voidReason: String?
        /// Whether items were chosen adaptively; the final ability estimate, its SE, and why
        /// the screen stopped.
        public var adaptive: Bool
        /// The final ability estimate, when every item has parameters.
        public var theta: Double?
        /// The standard error of ``theta``.
        public var thetaSE: Double?
        /// Adaptive screens: why the screen stopped.
        public var stopReason: String?
    }

    /// The staff view of a screen.
    ///
    /// - Throws: ``AssayError`` when there is no such screen.
    public func show(screenID: Int) throws -> StaffView {
        guard let summary = try list(status: nil, bank: nil, limit: 1, id: screenID).first else {
            throw AssayError(.notFound, "no screen \(screenID); assay screen list shows them")
        }
        let extra = try connection.query("SELECT submitted_by, void_reason, adaptive, theta, theta_se, stop_reason FROM screens WHERE id = $1", [screenID]).one()
        let items = try connection.query("""
            SELECT si.position, i.item_key, i.type, i.content, si.choice_order, si.answer_text, si.seconds_taken, si.points,
                   si.max_points, si.correct, si.needs_review AND si.reviewed_at IS NULL AS needs_review, si.reviewed_by, si.reviewed_at,
                   si.review_note, si.theta, si.theta_se
            FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 ORDER BY si.position
            """, [screenID]).map { row -> StaffItem in
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            let order: [Int]? = try row.decode("choice_order")
            let view = CandidateQuestion(showing: item, position: 0, total: 0, order: order, secondsLeft: 0, answered: false)
            return StaffItem(position: try row.decode("position"), itemKey: try row.decode("item_key"), type: try row.decode("type"),
                             prompt: item.prompt, shownChoices: view.choices, answerTyped: try row.decode("answer_text"),
                             secondsTaken: try row.decode("seconds_taken"), points: try row.decode("points"), maxPoints: try row.decode("max_points"),
                             correct: try row.decode("correct"), needsReview: try row.decode("needs_review"), reviewedBy: try row.decode("reviewed_by"),
                             reviewedAt: try row.decode("reviewed_at"), reviewNote: try row.decode("review_note"),
                             answerKey: ItemKeySummary.describe(item), acceptedAnswers: ItemKeySummary.acceptedAnswers(item),
                             theta: try row.decode("theta"), thetaSE: try row.decode("theta_se"))
        }
        return StaffView(summary: summary, items: items, submittedBy: try extra.decode("submitted_by"), voidReason: try extra.decode("void_reason"),
                         adaptive: try extra.decode("adaptive"), theta: try extra.decode("theta"), thetaSE: try extra.decode("theta_se"),
                         stopReason: try extra.decode("stop_reason"))
    }

    /// Cancels an open or finished screen; its result no longer counts, and a pool membership
    /// that rests on it is suspended.
    ///
    /// - Parameters:
    ///   - screenID: the screen.
    ///   - reason: why, required (field `reason`).
    ///   - actor: who voids it.
    /// - Throws: ``AssayError`` when the reason is empty, or there is no such screen or it is
    ///   already voided.
    public func void(screenID: Int, reason: String, actor: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AssayError(.badInput, "is required and must not be empty", field: "reason") }
        try connection.withTransaction { tx in
            let changed = try tx.execute("UPDATE screens SET status = $3, void_reason = $2 WHERE id = $1 AND status = ANY ($4)",
                                         [screenID, reason, ScreenStatus.voided.rawValue, ScreenStatus.voided.allowedPredecessorValues])
            guard changed == 1 else { throw AssayError(.notFound, "no screen \(screenID) that can be voided (unknown, or already voided)") }
            let audit = AuditTrail(tx)
            try audit.record(.screenVoid, actor: actor, subject: .screen(screenID), reason: reason)
            // A pool membership that rests on this screen no longer has its evidence: suspend it.
            let why = "evidence screen \(screenID) voided: \(reason)"
            let suspended = try tx.query("""
                UPDATE pool_members SET status = $3, suspended_reason = $2, updated_at = now()
                WHERE $1 = ANY (evidence_screens) AND status = $4
                RETURNING expert_id, domain
                """, [screenID, why, PoolMemberStatus.suspended.rawValue, PoolMemberStatus.active.rawValue])
            for row in suspended {
                try audit.record(.poolSuspend, actor: actor, subject: .expert(try row.decode("expert_id")), reason: why,
                                 details: ["domain": try row.decode("domain", as: String.self)])
            }
        }
    }

    /// What clearing a screen's flags did.
    public struct Clearance: Sendable, Codable {
        /// The screen.
        public var screenID: Int
        /// The flags cleared.
        public var flags: [IntegrityFlag]
    }

    /// Clears a screen's integrity flags after staff looked at them, so that `pool promote` may
    /// use the screen as evidence. The flags stay on the screen (shown as cleared); who cleared
    /// them, when and why is kept on the screen and in a `screen.clear_flags` event.
    ///
    /// - Parameters:
    ///   - screenID: the screen.
    ///   - reason: why the flags do not stand in the way, required (field `reason`).
    ///   - actor: who clears them.
    /// - Returns: the flags cleared.
    /// - Throws: ``AssayError``: an empty reason; no such screen; a screen without flags, or
    ///   whose flags were already cleared (saying by whom and when).
    @discardableResult
    public func clearFlags(screenID: Int, reason: String, actor: String) throws -> Clearance {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AssayError(.badInput, "is required and must not be empty", field: "reason") }
        return try connection.withTransaction { tx in
            let rows = try tx.query("""
                SELECT s.flags::text AS flags, s.flags_cleared_at, s.flags_cleared_by,
                       (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS items
                FROM screens s WHERE s.id = $1 FOR UPDATE
                """, [screenID])
            guard let row = rows.first else { throw AssayError(.notFound, "no screen \(screenID); assay screen list shows them") }
            let flags = IntegrityFlag.read(try row.decode("flags"), itemCount: try row.decode("items"))
            guard !flags.isEmpty else { throw AssayError(.badInput, "screen \(screenID) has no integrity flags to clear") }
            if let at = try row.decode("flags_cleared_at", as: Date?.self) {
                let by: String = try row.decode("flags_cleared_by")
                throw AssayError(.badInput, "the flags of screen \(screenID) were already cleared by \(by.visibleSafe) on \(ISO8601DateFormatter().string(from: at))")
            }
            try tx.execute("UPDATE screens SET flags_cleared_at = now(), flags_cleared_by = $2, flags_cleared_reason = $3 WHERE id = $1",
                           [screenID, actor, reason])
            try AuditTrail(tx).record(.screenClearFlags, actor: actor, subject: .screen(screenID), reason: reason, details: ["flags": flags.map(\.summary)])
            return Clearance(screenID: screenID, flags: flags)
        }
    }

    /// The extra time one extension may give, in minutes.
    public static let extensionMinutes = 1...1440

    /// Gives a screen more time: moves its deadline (or, before it starts, its time limit).
    ///
    /// - Parameters:
    ///   - screenID: the screen.
    ///   - minutes: how many minutes more (``extensionMinutes``; field `minutes`).
    ///   - actor: who extends it.
    /// - Returns: the new deadline, nil when the screen has not begun.
    /// - Throws: ``AssayError`` for minutes outside ``extensionMinutes``, or when the screen is not
    ///   invited or in progress.
    public func extend(screenID: Int, minutes: Int, actor: String) throws -> Date? {
        guard Self.extensionMinutes.contains(minutes) else { throw AssayError(.badInput, "must be between 1 and 1440", field: "minutes") }
        return try connection.withTransaction { tx in
            let rows = try tx.query("""
                UPDATE screens SET extra_minutes = extra_minutes + $2,
                    deadline = deadline + make_interval(mins => $2::int)
                WHERE id = $1 AND status = ANY ($3) AND (deadline IS NULL OR deadline > now())
                RETURNING deadline
                """, [screenID, minutes, ScreenStatus.openValues])
            guard let row = rows.first else { throw AssayError(.badInput, "screen \(screenID) is not open (or its deadline has passed), so it cannot be extended") }
            try AuditTrail(tx).record(.screenExtend, actor: actor, subject: .screen(screenID), details: ["minutes": JSONValue.number(Double(minutes))])
            return try row.decode("deadline", as: Date?.self)
        }
    }
}
