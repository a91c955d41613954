import Banks
import Foundation
import Postgres

extension Pool {
    /// Promotion as it was before issue 17: the same decisions, written one statement at a time
    /// (an upsert, an application update and an event per change, 60,000 statements for 20,000
    /// promotions), and blind to integrity flags.
    ///
    /// Kept as the reference that ``promote(domain:dryRun:includeFlagged:actor:)`` is tested
    /// against (same pool rows, same events, on the same data) and measured against
    /// (`scripts/bench-promote.sh`, through the hidden `assay pool promote --row-by-row`). Not
    /// for operations: it promotes flagged screens and ignores the renewal floor
    /// (`policy.renewal`).
    ///
    /// - Parameters:
    ///   - domain: only this domain (default: all with a policy).
    ///   - dryRun: report without writing.
    ///   - actor: who promotes.
    /// - Returns: the changes, as ``promote(domain:dryRun:includeFlagged:actor:)`` reports them.
    /// - Throws: ``AssayError`` for an unknown domain or one without a policy; ``PostgresError``.
    public func promoteRowByRow(domain only: String?, dryRun: Bool, actor: String) throws -> [Change] {
        if !dryRun { try ScreenSweeper(connection: connection).closeOverdue() }
        return try connection.withTransaction(rollingBack: dryRun) { tx in
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [Self.promotionLock])
            let domainRows = try tx.query("SELECT slug, policy FROM domains WHERE ($1::text IS NULL OR slug = $1) ORDER BY slug", [only])
            if let only, domainRows.isEmpty { throw AssayError(.notFound, "no domain '\(only)'; run assay bank sync to load domains") }
            var changes: [Change] = []
            for row in domainRows {
                let slug: String = try row.decode("slug")
                guard let policyJSON = try row.decode("policy", as: PostgresJSON?.self) else {
                    if only != nil { throw AssayError(.badInput, "domain '\(slug)' has no promotion policy in its domain.yaml") }
                    continue
                }
                changes += try promoteRowByRow(domain: slug, policy: try policyJSON.decode(PromotionPolicy.self), tx, actor: actor)
            }
            return changes
        }
    }

    private struct RowByRowEvidence {
        var id: Int
        var score: Double
        var scoredAt: Date
    }

    private func promoteRowByRow(domain: String, policy: PromotionPolicy, _ tx: Connection, actor: String) throws -> [Change] {
        // Every final passing screen (voided ones are not 'scored') on the required banks.
        let passing = try tx.query("""
            SELECT s.expert_id, s.bank_slug, s.id, s.score_percent, s.scored_at, e.email, e.highest_degree, e.years_experience
            FROM screens s JOIN experts e ON e.id = s.expert_id
            WHERE s.status = $2 AND s.passed AND s.bank_slug = ANY ($1)
            ORDER BY s.expert_id, s.scored_at, s.id
            """, [policy.requiredBanks, ScreenStatus.scored.rawValue])
        struct Candidate { var email: String; var degree: String; var years: Int; var best: [String: RowByRowEvidence] = [:]; var latest: [String: RowByRowEvidence] = [:] }
        var candidates: [Int: Candidate] = [:]
        for row in passing {
            let expert: Int = try row.decode("expert_id")
            let bank: String = try row.decode("bank_slug")
            let evidence = RowByRowEvidence(id: try row.decode("id"), score: try row.decode("score_percent"), scoredAt: try row.decode("scored_at"))
            var candidate = try candidates[expert] ?? Candidate(email: row.decode("email"), degree: row.decode("highest_degree", as: String?.self) ?? "", years: row.decode("years_experience", as: Int?.self) ?? 0)
            if evidence.score > (candidate.best[bank]?.score ?? -1) { candidate.best[bank] = evidence }
            candidate.latest[bank] = evidence  // rows come in scoring order
            candidates[expert] = candidate
        }
        let members = try tx.query("""
            SELECT expert_id, tier, tier_rank, status, promoted_at, expires_at <= now() AS expired FROM pool_members WHERE domain = $1
            """, [domain])
        struct Member { var tier: String; var rank: Int; var status: String; var promotedAt: Date; var expired: Bool }
        var current: [Int: Member] = [:]
        for row in members {
            current[try row.decode("expert_id")] = Member(tier: try row.decode("tier"), rank: try row.decode("tier_rank"), status: try row.decode("status"),
                                                          promotedAt: try row.decode("promoted_at"), expired: try row.decode("expired"))
        }
        /// The tier a set of evidence (one screen per required bank) earns, if complete.
        func assess(_ byBank: [String: RowByRowEvidence], _ candidate: Candidate) -> (evidence: [RowByRowEvidence], score: Double, rank: Int, tier: PromotionPolicy.Tier)? {
            let evidence = policy.requiredBanks.compactMap { byBank[$0] }
            guard evidence.count == policy.requiredBanks.count else { return nil }
            let score = evidence.map(\.score).min() ?? 0
            guard let (rank, tier) = policy.tier(score: score, degree: candidate.degree, years: candidate.years) else { return nil }
            return (evidence, score, rank, tier)
        }
        var changes: [Change] = []
        for (expert, candidate) in candidates.sorted(by: { $0.key < $1.key }) {
            var decision: (action: String, evidence: [RowByRowEvidence], score: Double, rank: Int, tier: PromotionPolicy.Tier)?
            if let member = current[expert] {
                if member.status == PoolMemberStatus.suspended.rawValue { continue }
                // Newer evidence: a passing screen scored after the current term began.
                let newer = candidate.latest.values.contains { $0.scoredAt > member.promotedAt }
                if member.expired {
                    // Re-vetting after expiry: the latest results decide afresh.
                    if newer, let latest = assess(candidate.latest, candidate) {
                        decision = ("renew", latest.evidence, latest.score, latest.rank, latest.tier)
                    }
                } else if let best = assess(candidate.best, candidate), best.rank < member.rank {
                    decision = ("raise", best.evidence, best.score, best.rank, best.tier)
                } else if newer, let latest = assess(candidate.latest, candidate), latest.rank <= member.rank {
                    decision = ("renew", latest.evidence, latest.score, latest.rank, latest.tier)
                }
            } else if let best = assess(candidate.best, candidate) {
                decision = ("promote", best.evidence, best.score, best.rank, best.tier)
            }
            guard let decision else { continue }
            let ids = decision.evidence.map(\.id)
            try tx.execute("""
                INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, promoted_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6::bigint[], $7, now(), now() + make_interval(days => $8::int))
                ON CONFLICT (expert_id, domain) DO UPDATE SET tier = EXCLUDED.tier, tier_rank = EXCLUDED.tier_rank, score = EXCLUDED.score,
                    evidence_screens = EXCLUDED.evidence_screens, rule = EXCLUDED.rule, promoted_at = now(),
                    expires_at = EXCLUDED.expires_at, updated_at = now()
                """, [expert, domain, decision.tier.name, decision.rank, decision.score, ids,
                      decision.tier.rule, policy.validityDays])
            try tx.execute("""
                UPDATE applications SET status = $3, updated_at = now()
                WHERE expert_id = $1 AND $2 = ANY (domains) AND status = ANY ($4)
                """, [expert, domain, ApplicationStatus.pooled.rawValue, ApplicationStatus.pooled.allowedPredecessorValues])
            let change = Change(action: decision.action, expertID: expert, email: candidate.email, domain: domain, tier: decision.tier.name,
                                previousTier: current[expert]?.tier, score: decision.score, evidenceScreens: ids, rule: decision.tier.rule)
            try AuditTrail(tx).record(AuditAction.pool(decision.action), actor: actor, subject: .expert(expert), reason: decision.tier.rule,
                                      details: change)
            changes.append(change)
        }
        return changes
    }
}
