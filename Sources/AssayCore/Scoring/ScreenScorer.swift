import Banks
import Foundation
import Postgres

/// Ends screens and scores them: every answer by its item's key, essays to a reviewer, the
/// integrity flags, and — once nothing awaits a reviewer — the total, pass or fail, and the
/// application's status.
///
/// Works inside the caller's transaction.
struct ScreenScorer {
    /// The transaction the screen is scored in.
    let tx: Connection

    /// Ends an in-progress screen and scores what it has.
    ///
    /// - Parameters:
    ///   - screenID: the screen.
    ///   - by: who ended it: `candidate`, `deadline` or `staff` (`screens.submitted_by`).
    func finalize(screenID: Int, by: String) throws {
        let changed = try tx.execute("""
            UPDATE screens SET status = $3, submitted_by = $2,
                submitted_at = CASE WHEN $2 = 'deadline' THEN least(now(), deadline) ELSE now() END
            WHERE id = $1 AND status = ANY ($4)
            """, [screenID, by, ScreenStatus.awaitingReview.rawValue, ScreenStatus.awaitingReview.allowedPredecessorValues])
        guard changed == 1 else { return }
        let drafts = try keepDrafts(screenID: screenID)
        var details = ["by": by]
        if drafts > 0 { details["drafts_kept"] = String(drafts) }
        try AuditTrail(tx).record(.screenSubmit, actor: by == "staff" ? "staff" : "candidate", subject: .screen(screenID), details: details)
        let screen = try tx.query("SELECT b.settings, s.adaptive FROM screens s JOIN banks b ON b.id = s.bank_id WHERE s.id = $1", [screenID]).one()
        let settings = try screen.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        let reviewsNearMisses = try settings.reviewsNearMisses && !screen.decode("adaptive", as: Bool.self)
        let items = try tx.query("""
            SELECT si.position, si.answer, i.content FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 ORDER BY si.position
            """, [screenID])
        // Every item's result is decided here, then written by at most two statements (a
        // screen of 20 items took 20 round trips; 200 candidates submitting at once queued them
        // on the door's pool).
        var scored: (positions: [Int], points: [Double], correct: [Bool]) = ([], [], [])
        var toReview: [Int] = []
        for row in items {
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            let position: Int = try row.decode("position")
            guard let answerJSON = try row.decode("answer", as: PostgresJSON?.self) else {
                scored.positions.append(position)
                scored.points.append(0)
                scored.correct.append(false)
                continue
            }
            let answer = try answerJSON.decode(StoredAnswer.self)
            if item.type == .essay {
                toReview.append(position)
                continue
            }
            let points = try ItemScoring.points(item, answer)
            // A short-text answer close to an accepted one goes to a reviewer rather than scoring 0.
            if points == 0, reviewsNearMisses, ItemScoring.nearMiss(item, answer) != nil {
                toReview.append(position)
                continue
            }
            scored.positions.append(position)
            scored.points.append(points)
            scored.correct.append(ItemScoring.isCorrect(points: points, of: item.points))
        }
        if !scored.positions.isEmpty {
            try tx.execute("""
                UPDATE screen_items si SET points = t.points, correct = t.correct
                FROM unnest($2::int[], $3::float8[], $4::bool[]) AS t(position, points, correct)
                WHERE si.screen_id = $1 AND si.position = t.position
                """, [screenID, scored.positions, scored.points, scored.correct])
        }
        if !toReview.isEmpty {
            try tx.execute("UPDATE screen_items SET needs_review = true WHERE screen_id = $1 AND position = ANY ($2::int[])", [screenID, toReview])
        }
        try IntegrityFlags(tx: tx).flag(screenID: screenID)
        try completeIfGraded(screenID: screenID)
    }

    /// Makes each unanswered essay's draft its answer, stamped with the draft's time (it was
    /// written before the screen ended, within the deadline and its grace), and returns how many.
    private func keepDrafts(screenID: Int) throws -> Int {
        let drafts = try tx.query("""
            SELECT position, draft_text FROM screen_items
            WHERE screen_id = $1 AND answered_at IS NULL AND draft_text IS NOT NULL ORDER BY position
            """, [screenID])
        var kept = 0
        for draft in drafts {
            let text: String = try draft.decode("draft_text")
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            try tx.execute("""
                UPDATE screen_items SET answer = $3, answer_text = draft_text, answered_at = draft_saved_at,
                    seconds_taken = extract(epoch FROM draft_saved_at - coalesce(first_shown_at, draft_saved_at)),
                    draft_text = NULL, draft_saved_at = NULL
                WHERE screen_id = $1 AND position = $2
                """, [screenID, try draft.decode("position", as: Int.self), try PostgresJSON(encoding: StoredAnswer.text(text))])
            kept += 1
        }
        return kept
    }

    /// When no answer awaits a reviewer: totals, pass or fail, the application's status.
    func completeIfGraded(screenID: Int) throws {
        let pending: Int = try tx.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND needs_review AND reviewed_at IS NULL", [screenID])
            .one().decode(0)
        guard pending == 0 else { return }
        try AbilityEstimates.recordFinal(screenID: screenID, tx)
        let row = try tx.query("""
            UPDATE screens s SET status = $2, scored_at = now(),
                points_awarded = t.awarded, points_possible = t.possible,
                score_percent = CASE WHEN t.possible > 0 THEN 100 * t.awarded / t.possible ELSE 0 END
            FROM (SELECT coalesce(sum(points), 0) AS awarded, coalesce(sum(max_points), 0) AS possible FROM screen_items WHERE screen_id = $1) t, banks b
            WHERE s.id = $1 AND b.id = s.bank_id AND s.status = ANY ($3)
            RETURNING s.score_percent, s.application_id, s.theta, s.theta_se, b.settings
            """, [screenID, ScreenStatus.scored.rawValue, ScreenStatus.scored.allowedPredecessorValues])
        guard let scored = row.first else { return }
        let percent: Double = try scored.decode("score_percent")
        // The pass rule: every stated condition (percent, θ, SE of θ) must hold.
        let rule = try scored.decode("settings", as: PostgresJSON.self).decode(BankSettings.self).passRule
        let theta: Double? = try scored.decode("theta")
        let thetaSE: Double? = try scored.decode("theta_se")
        let passed = rule.passes(percent: percent, theta: theta, standardError: thetaSE)
        try tx.execute("UPDATE screens SET passed = $2 WHERE id = $1", [screenID, passed])
        if let application = try scored.decode("application_id", as: Int?.self) {
            let status: ApplicationStatus = passed ? .passed : .failed
            try tx.execute("UPDATE applications SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY ($3)",
                           [application, status.rawValue, status.allowedPredecessorValues])
        }
        try AuditTrail(tx).record(.screenScored, actor: "assay", subject: .screen(screenID),
                                  details: ScoredDetails(scorePercent: (percent * 10).rounded() / 10, passed: passed,
                                                         theta: theta.map { ($0 * 1000).rounded() / 1000 },
                                                         thetaSE: thetaSE.map { ($0 * 1000).rounded() / 1000 }))
    }

    /// The details of a `screen.scored` event: numbers as numbers.
    private struct ScoredDetails: Encodable {
        var scorePercent: Double
        var passed: Bool
        var theta: Double?
        var thetaSE: Double?

        enum CodingKeys: String, CodingKey {
            case scorePercent = "score_percent", passed, theta, thetaSE = "theta_se"
        }
    }

    /// A scored screen's result before and after ``rescore(screenID:actor:reason:)``.
    struct Rescore: Encodable {
        var previousScorePercent: Double
        var scorePercent: Double
        var previousPassed: Bool
        var passed: Bool
        var suspendedPools: [String]

        enum CodingKeys: String, CodingKey {
            case previousScorePercent = "previous_score_percent", scorePercent = "score_percent"
            case previousPassed = "previous_passed", passed
            case suspendedPools = "suspended_pools"
        }
    }

    /// Totals a scored screen afresh after one of its grades was corrected: points, percent,
    /// θ̂, pass or fail, and the application's status when the verdict changed. A membership
    /// that rests on the screen is suspended when the screen no longer passes (as when it is
    /// voided); a screen that now passes is left to the next `assay pool promote`. Records a
    /// `screen.rescore` event with the result before and after.
    ///
    /// - Parameters:
    ///   - screenID: the screen, `scored` and locked by the caller.
    ///   - actor: who corrected the grade.
    ///   - reason: why, kept in the events.
    /// - Returns: the result before and after.
    func rescore(screenID: Int, actor: String, reason: String) throws -> Rescore {
        let before = try tx.query("SELECT score_percent, passed FROM screens WHERE id = $1 AND status = $2", [screenID, ScreenStatus.scored.rawValue])
        guard let previous = before.first else { throw AssayError(.badInput, "screen \(screenID) is not scored, so it cannot be re-scored") }
        let previousPercent: Double = try previous.decode("score_percent", as: Double?.self) ?? 0
        let previousPassed: Bool = try previous.decode("passed", as: Bool?.self) ?? false
        try AbilityEstimates.recordFinal(screenID: screenID, tx, whileIn: .scored)
        let scored = try tx.query("""
            UPDATE screens s SET points_awarded = t.awarded, points_possible = t.possible,
                score_percent = CASE WHEN t.possible > 0 THEN 100 * t.awarded / t.possible ELSE 0 END
            FROM (SELECT coalesce(sum(points), 0) AS awarded, coalesce(sum(max_points), 0) AS possible FROM screen_items WHERE screen_id = $1) t, banks b
            WHERE s.id = $1 AND b.id = s.bank_id
            RETURNING s.score_percent, s.application_id, s.theta, s.theta_se, b.settings
            """, [screenID]).one()
        let percent: Double = try scored.decode("score_percent")
        let rule = try scored.decode("settings", as: PostgresJSON.self).decode(BankSettings.self).passRule
        let passed = rule.passes(percent: percent, theta: try scored.decode("theta"), standardError: try scored.decode("theta_se"))
        try tx.execute("UPDATE screens SET passed = $2 WHERE id = $1", [screenID, passed])
        let audit = AuditTrail(tx)
        if passed != previousPassed, let application = try scored.decode("application_id", as: Int?.self) {
            let status: ApplicationStatus = passed ? .passed : .failed
            try tx.execute("UPDATE applications SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY ($3)",
                           [application, status.rawValue, status.allowedPredecessorValues])
        }
        var suspended: [String] = []
        if previousPassed, !passed {
            let why = "evidence screen \(screenID) re-graded below the pass mark: \(reason)"
            let rows = try tx.query("""
                UPDATE pool_members SET status = $3, suspended_reason = $2, updated_at = now()
                WHERE $1 = ANY (evidence_screens) AND status = $4
                RETURNING expert_id, domain
                """, [screenID, why, PoolMemberStatus.suspended.rawValue, PoolMemberStatus.active.rawValue])
            for row in rows {
                let domain: String = try row.decode("domain")
                suspended.append(domain)
                try audit.record(.poolSuspend, actor: actor, subject: .expert(try row.decode("expert_id")), reason: why, details: ["domain": domain])
            }
        }
        let result = Rescore(previousScorePercent: previousPercent, scorePercent: percent, previousPassed: previousPassed, passed: passed,
                             suspendedPools: suspended.sorted())
        try audit.record(.screenRescore, actor: actor, subject: .screen(screenID), reason: reason, details: result)
        return result
    }
}
