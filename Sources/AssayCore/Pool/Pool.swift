import Banks
public import Foundation
public import Postgres

/// The annotator pool: promotion by each domain's policy, listing, suspension.
///
/// Uses one connection; not `Sendable`.
public struct Pool {
    /// The connection used.
    public let connection: Connection

    /// A pool over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// One change a promotion makes (or, in a dry run, would make).
    public struct Change: Sendable, Codable {
        /// promote (new member), raise (a higher tier), renew (same tier, newer or better evidence).
        public var action: String
        /// The expert.
        public var expertID: Int
        /// The expert's email.
        public var email: String
        /// The pool's domain.
        public var domain: String
        /// The tier reached.
        public var tier: String
        /// The tier before, for a raise or renewal.
        public var previousTier: String?
        /// The score the tier rests on (the lowest over the required banks).
        public var score: Double
        /// The screens that are the evidence.
        public var evidenceScreens: [Int]
        /// The policy rule that decided it.
        public var rule: String
    }

    /// Promotes every expert with a final passing result on all of a domain's required banks to
    /// the highest tier they qualify for; raises a member's tier after a better result; renews
    /// a member's term after newer evidence at the same tier. Suspended members are left alone.
    /// Idempotent; one transaction; each change an `events` row naming its rule; the expert's
    /// passed applications in the domain move to `pooled`.
    ///
    /// - Parameters:
    ///   - domain: only this domain (default: all with a policy).
    ///   - dryRun: report without writing.
    /// - Throws: ``AssayError`` for an unknown domain or one without a policy; ``PostgresError``.
    public func promote(domain only: String?, dryRun: Bool, actor: String) throws -> [Change] {
        if !dryRun { try ScreenSweeper(connection: connection).closeOverdue() }
        // A dry run does everything in a transaction that is always rolled back.
        return try connection.withTransaction(rollingBack: dryRun) { tx in
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [0x6173_7361_792D_706C])
            let domainRows = try tx.query("SELECT slug, policy FROM domains WHERE ($1::text IS NULL OR slug = $1) ORDER BY slug", [only])
            if let only, domainRows.isEmpty { throw AssayError(.notFound, "no domain '\(only)'; run assay bank sync to load domains") }
            var changes: [Change] = []
            for row in domainRows {
                let slug: String = try row.decode("slug")
                guard let policyJSON = try row.decode("policy", as: PostgresJSON?.self) else {
                    if only != nil { throw AssayError(.badInput, "domain '\(slug)' has no promotion policy in its domain.yaml") }
                    continue
                }
                changes += try promote(domain: slug, policy: try policyJSON.decode(PromotionPolicy.self), tx, actor: actor)
            }
            return changes
        }
    }

    private struct Evidence {
        var id: Int
        var score: Double
        var scoredAt: Date
    }

    private func promote(domain: String, policy: PromotionPolicy, _ tx: Connection, actor: String) throws -> [Change] {
        // Every final passing screen (voided ones are not 'scored') on the required banks.
        let passing = try tx.query("""
            SELECT s.expert_id, s.bank_slug, s.id, s.score_percent, s.scored_at, e.email, e.highest_degree, e.years_experience
            FROM screens s JOIN experts e ON e.id = s.expert_id
            WHERE s.status = $2 AND s.passed AND s.bank_slug = ANY ($1)
            ORDER BY s.expert_id, s.scored_at, s.id
            """, [policy.requiredBanks, ScreenStatus.scored.rawValue])
        struct Candidate { var email: String; var degree: String; var years: Int; var best: [String: Evidence] = [:]; var latest: [String: Evidence] = [:] }
        var candidates: [Int: Candidate] = [:]
        for row in passing {
            let expert: Int = try row.decode("expert_id")
            let bank: String = try row.decode("bank_slug")
            let evidence = Evidence(id: try row.decode("id"), score: try row.decode("score_percent"), scoredAt: try row.decode("scored_at"))
            var candidate = try candidates[expert] ?? Candidate(email: row.decode("email"), degree: row.decode("highest_degree"), years: row.decode("years_experience"))
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
        func assess(_ byBank: [String: Evidence], _ candidate: Candidate) -> (evidence: [Evidence], score: Double, rank: Int, tier: PromotionPolicy.Tier)? {
            let evidence = policy.requiredBanks.compactMap { byBank[$0] }
            guard evidence.count == policy.requiredBanks.count else { return nil }
            let score = evidence.map(\.score).min() ?? 0
            guard let (rank, tier) = policy.tier(score: score, degree: candidate.degree, years: candidate.years) else { return nil }
            return (evidence, score, rank, tier)
        }
        var changes: [Change] = []
        for (expert, candidate) in candidates.sorted(by: { $0.key < $1.key }) {
            var decision: (action: String, evidence: [Evidence], score: Double, rank: Int, tier: PromotionPolicy.Tier)?
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

    /// One member as listed (status computed: active, suspended or expired).
    public struct Member: Sendable, Codable {
        /// The expert.
        public var expertID: Int
        /// The expert's name.
        public var fullName: String
        /// The expert's email.
        public var email: String
        /// The expert's country.
        public var country: String
        /// The expert's languages.
        public var languages: [String]
        /// The pool's domain.
        public var domain: String
        /// The tier.
        public var tier: String
        /// The score the tier rests on.
        public var score: Double
        /// active, suspended or expired (``PoolMemberStatus``).
        public var status: String
        /// The evidence screen.
        public var screenID: Int?
        /// When the current term began.
        public var promotedAt: Date
        /// When the current term ends.
        public var expiresAt: Date
    }

    /// The condition on `pool_roster` of ``list(domain:tier:status:language:country:limit:)``
    /// and ``count(domain:tier:status:language:country:)``, with the filters as `$1` … `$5`.
    private static let listCondition = """
        ($1::text IS NULL OR domain = $1) AND ($2::text IS NULL OR tier = $2) AND ($3::text IS NULL OR status = $3)
          AND ($4::text IS NULL OR lower($4) = ANY (languages)) AND ($5::text IS NULL OR country = upper($5))
        """

    /// How many members match the filters (nil means any).
    ///
    /// - Throws: ``PostgresError``.
    public func count(domain: String?, tier: String?, status: String?, language: String?, country: String?) throws -> Int {
        try connection.query("SELECT count(*)::int FROM pool_roster WHERE \(Self.listCondition)",
                             [domain, tier, status, language, country]).one().decode(0)
    }

    /// Members matching the filters (nil means any), by domain and tier.
    ///
    /// - Throws: ``PostgresError``.
    public func list(domain: String?, tier: String?, status: String?, language: String?, country: String?, limit: Int = 1000) throws -> [Member] {
        try connection.query("""
            SELECT expert_id, full_name, email, country, languages, domain, tier, score, status, screen_id, promoted_at, expires_at
            FROM pool_roster
            WHERE \(Self.listCondition)
            ORDER BY domain, tier_rank, expert_id LIMIT $6
            """, [domain, tier, status, language, country, limit]).map {
            Member(expertID: try $0.decode("expert_id"), fullName: try $0.decode("full_name"), email: try $0.decode("email"),
                   country: try $0.decode("country"), languages: try $0.decode("languages"), domain: try $0.decode("domain"),
                   tier: try $0.decode("tier"), score: try $0.decode("score"), status: try $0.decode("status"),
                   screenID: try $0.decode("screen_id"), promotedAt: try $0.decode("promoted_at"), expiresAt: try $0.decode("expires_at"))
        }
    }

    /// Suspends or reinstates a member.
    ///
    /// - Throws: ``AssayError`` when the expert is not a member of the domain, or already in that state.
    public func setSuspended(_ suspended: Bool, expert: String, domain: String, reason: String?, actor: String) throws {
        if suspended, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw AssayError(.badInput, "is required to suspend a member", field: "reason")
        }
        try connection.withTransaction { tx in
            let expertID = try ExpertReference(expert).resolve(on: tx)
            let status: PoolMemberStatus = suspended ? .suspended : .active
            let changed = try tx.execute("""
                UPDATE pool_members SET status = $3, suspended_reason = $4, updated_at = now()
                WHERE expert_id = $1 AND domain = $2 AND status = ANY ($5)
                """, [expertID, domain, status.rawValue, suspended ? reason : nil, status.allowedPredecessors.map(\.rawValue)])
            guard changed == 1 else {
                throw AssayError(.badInput, "expert \(expert) is not \(suspended ? "an active" : "a suspended") member of the \(domain) pool")
            }
            try AuditTrail(tx).record(suspended ? .poolSuspend : .poolReinstate, actor: actor, subject: .expert(expertID), reason: reason,
                                      details: ["domain": domain])
        }
    }
}
