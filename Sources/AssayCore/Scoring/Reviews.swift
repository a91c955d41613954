import Banks
import Foundation
public import Postgres

/// Essays that wait for a reviewer, and their grades: a screen's result becomes final once its
/// last essay is graded.
///
/// Uses one connection; not `Sendable`.
public struct Reviews {
    /// The connection used.
    public let connection: Connection

    /// Reviews over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// An essay waiting for a reviewer.
    public struct PendingReview: Sendable, Codable {
        /// The screen.
        public var screenID: Int
        /// The item's position in the screen.
        public var position: Int
        /// The item's id in its bank.
        public var itemKey: String
        /// The bank.
        public var bankSlug: String
        /// The question.
        public var prompt: String
        /// How to grade it.
        public var rubric: String
        /// The candidate's answer, verbatim.
        public var answer: String
        /// The most points the essay can earn.
        public var maxPoints: Double
    }

    /// Essays awaiting a grade, oldest first (overdue screens are closed first).
    ///
    /// - Throws: ``PostgresError``.
    public func pending() throws -> [PendingReview] {
        try ScreenSweeper(connection: connection).closeOverdue()
        return try connection.query("""
            SELECT si.screen_id, si.position, i.item_key, s.bank_slug, i.content, si.answer_text, si.max_points
            FROM screen_items si JOIN screens s ON s.id = si.screen_id JOIN items i ON i.id = si.item_id
            WHERE si.needs_review AND si.reviewed_at IS NULL AND s.status = $1
            ORDER BY s.submitted_at, si.position
            """, [ScreenStatus.awaitingReview.rawValue]).map { row in
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
    ///   - screenID: the screen.
    ///   - item: the position in the screen, or the item's id in the bank.
    ///   - points: the points awarded, 0 … the item's maximum.
    ///   - note: the reviewer's note, kept with the grade.
    ///   - actor: who grades.
    /// - Throws: ``AssayError`` for an unknown item, points outside 0…max (field `points`), or an
    ///   item that is not awaiting review.
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
            guard points.isFinite, points >= 0, points <= maximum else {
                throw AssayError(.badInput, "must be between 0 and \(maximum)", field: "points")
            }
            let position: Int = try row.decode("position")
            try tx.execute("""
                UPDATE screen_items SET points = $3, correct = ($3 >= max_points), reviewed_by = $4, review_note = $5, reviewed_at = now()
                WHERE screen_id = $1 AND position = $2
                """, [screenID, position, points, actor, note])
            try AuditTrail(tx).record(.reviewGrade, actor: actor, subject: .screen(screenID), reason: note,
                                      details: ["position": String(position), "points": String(points)])
            try ScreenScorer(tx: tx).completeIfGraded(screenID: screenID)
        }
    }
}
