import Foundation
public import Postgres

/// Merges two records of one person (`assay experts merge KEEP OTHER --reason R`) in one
/// transaction with an `experts.merge` event.
///
/// The other person's applications, screens and pool memberships move to the person kept, whose
/// languages gain the other's (and whose phone, when unknown, the other's). Experts are never
/// deleted: the other record stays, marked `merged_into` the kept one, so its email stays
/// reserved, imports that meet it again add to the kept person, every command that names it by
/// email or id acts on the kept person, and listings leave it out. Where both were pool members
/// of a domain, the better membership (higher tier, then the later expiry) is kept and the other
/// is recorded in the event. The other's work outcomes move to the kept person too; where both
/// have a row for one (project, metric, period end), the kept person's row stays and the other's
/// is dropped and recorded in the event (`outcomes_dropped`, the rows as JSON). Two open screens
/// on one bank cannot be merged: void one first.
///
/// Merges and imports take the same lock, so an import never decides against a half-merged pair.
public struct ExpertMerger {
    /// The connection used.
    public let connection: Connection

    /// A merger over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// What a merge did.
    public struct Result: Sendable, Codable {
        /// The person kept.
        public var kept: Int
        /// The person merged into it.
        public var merged: Int
        /// Applications moved.
        public var applicationsMoved: Int
        /// Screens moved.
        public var screensMoved: Int
        /// Pool memberships moved.
        public var membershipsMoved: Int
        /// Domains where both were pool members and the other's membership was dropped.
        public var membershipsDropped: [String]
        /// Work outcome rows moved.
        public var outcomesMoved: Int
        /// The other's outcome rows dropped because the kept person had a row for the same
        /// (project, metric, period end).
        public var outcomesDropped: Int
        /// The event.
        public var eventID: Int
    }

    /// Merges `other` into `keep`.
    ///
    /// - Parameters:
    ///   - keep: the person to keep (email or id).
    ///   - other: the person merged into it (email or id).
    ///   - reason: why (required; recorded in the event).
    ///   - actor: who merges.
    /// - Returns: what moved.
    /// - Throws: ``AssayError`` when either is unknown or already merged, when they are the same
    ///   person, when the reason is empty, or when both have an open screen on one bank;
    ///   ``PostgresError``.
    public func merge(keep: String, other: String, reason: String, actor: String) throws -> Result {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AssayError(.badInput, "a merge needs a reason, recorded in the audit trail", field: "reason") }
        return try connection.withTransaction { tx in
            try Intake(connection: connection).acquireIntakeLock(on: tx)
            func person(_ text: String, _ field: String) throws -> (id: Int, email: String) {
                let reference = ExpertReference(text)
                let rows = try tx.query("SELECT e.id, e.email, e.merged_into FROM experts e WHERE \(ExpertReference.condition) FOR UPDATE",
                                        reference.parameters)
                guard let row = rows.first else { throw reference.notFound }
                if let into: Int = try row.decode("merged_into") {
                    throw AssayError(.badInput, "expert \(try row.decode("id", as: Int.self)) was already merged into expert \(into); name expert \(into) instead",
                                     field: field)
                }
                return (try row.decode("id"), try row.decode("email"))
            }
            let kept = try person(keep, "keep")
            let merged = try person(other, "other")
            guard kept.id != merged.id else { throw AssayError(.badInput, "both name expert \(kept.id); name two different people", field: "other") }
            let clash = try tx.query("""
                SELECT a.bank_slug, a.id AS kept_screen, b.id AS other_screen
                FROM screens a JOIN screens b ON b.bank_slug = a.bank_slug
                WHERE a.expert_id = $1 AND b.expert_id = $2 AND a.status = ANY ($3) AND b.status = ANY ($3)
                """, [kept.id, merged.id, ScreenStatus.openValues])
            if let row = clash.first {
                throw AssayError(.badInput, "both have an open screen on bank \(try row.decode("bank_slug", as: String.self)) (screens \(try row.decode("kept_screen", as: Int.self)) and \(try row.decode("other_screen", as: Int.self))); void one with assay screen void first")
            }
            // Pool memberships in the same domain: the better one stays.
            let both = try tx.query("""
                SELECT o.domain, (o.tier_rank, -extract(epoch FROM o.expires_at)) < (k.tier_rank, -extract(epoch FROM k.expires_at)) AS other_better,
                       row_to_json(o)::text AS other_row, row_to_json(k)::text AS kept_row
                FROM pool_members o JOIN pool_members k ON k.domain = o.domain AND k.expert_id = $1
                WHERE o.expert_id = $2 ORDER BY o.domain
                """, [kept.id, merged.id])
            var dropped: [String] = []
            var droppedRows: [String: String] = [:]
            for row in both {
                let domain: String = try row.decode("domain")
                if try row.decode("other_better", as: Bool.self) {
                    droppedRows[domain] = try row.decode("kept_row")
                    try tx.execute("DELETE FROM pool_members WHERE expert_id = $1 AND domain = $2", [kept.id, domain])
                } else {
                    droppedRows[domain] = try row.decode("other_row")
                    try tx.execute("DELETE FROM pool_members WHERE expert_id = $1 AND domain = $2", [merged.id, domain])
                }
                dropped.append(domain)
            }
            let memberships = try tx.execute("UPDATE pool_members SET expert_id = $1, updated_at = now() WHERE expert_id = $2", [kept.id, merged.id])
            let applications = try tx.execute("UPDATE applications SET expert_id = $1, updated_at = now() WHERE expert_id = $2", [kept.id, merged.id])
            let screens = try tx.execute("UPDATE screens SET expert_id = $1 WHERE expert_id = $2", [kept.id, merged.id])
            // Outcomes (no foreign key since migration 023: the merge keeps them consistent). On a
            // clash of (project, metric, period end) the kept person's row stays.
            let clashing = try tx.query("""
                WITH dropped AS (
                    DELETE FROM work_outcomes o USING work_outcomes k
                    WHERE o.expert_id = $2 AND k.expert_id = $1
                      AND k.project = o.project AND k.metric = o.metric AND k.period_end = o.period_end
                    RETURNING o.*
                )
                SELECT count(*) AS n, coalesce(json_agg(row_to_json(d) ORDER BY d.id), '[]')::text AS rows FROM dropped d
                """, [kept.id, merged.id]).one()
            let outcomesDropped: Int = try clashing.decode("n")
            let outcomes = try tx.execute("UPDATE work_outcomes SET expert_id = $1, updated_at = now() WHERE expert_id = $2", [kept.id, merged.id])
            try tx.execute("""
                UPDATE experts k
                SET languages = ARRAY(SELECT DISTINCT x FROM unnest(k.languages || o.languages) AS x ORDER BY x),
                    phone = coalesce(k.phone, o.phone), updated_at = now()
                FROM experts o WHERE k.id = $1 AND o.id = $2
                """, [kept.id, merged.id])
            try tx.execute("UPDATE experts SET merged_into = $1, updated_at = now() WHERE id = $2 OR merged_into = $2", [kept.id, merged.id])
            var details: [String: String] = [
                "merged": String(merged.id), "merged_email": merged.email, "kept_email": kept.email,
                "applications_moved": String(applications), "screens_moved": String(screens), "memberships_moved": String(memberships),
                "outcomes_moved": String(outcomes), "outcomes_dropped_count": String(outcomesDropped),
            ]
            if outcomesDropped > 0 { details["outcomes_dropped"] = try clashing.decode("rows") }
            for (domain, row) in droppedRows { details["membership_dropped_\(domain)"] = row }
            let event = try AuditTrail(tx).record(.expertsMerge, actor: actor, subject: .expert(kept.id), reason: reason, details: details)
            return Result(kept: kept.id, merged: merged.id, applicationsMoved: applications, screensMoved: screens, membershipsMoved: memberships,
                          membershipsDropped: dropped, outcomesMoved: outcomes, outcomesDropped: outcomesDropped, eventID: event)
        }
    }
}
