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

    /// What a promotion did (or, in a dry run, would do), and what it held back.
    public struct Promotion: Sendable, Codable {
        /// The changes made, by domain and expert.
        public var changes: [Change]
        /// Changes not made because their evidence has integrity flags nobody has cleared.
        public var held: [Held]
        /// Renewals (and raises) of existing members not made because the domain's work-quality
        /// floor (`policy.renewal`) refused them.
        public var refused: [Refused]

        /// A promotion's outcome.
        ///
        /// - Parameters:
        ///   - changes: the changes made.
        ///   - held: the changes held back by flags.
        ///   - refused: the renewals refused by the work-quality floor.
        public init(changes: [Change], held: [Held], refused: [Refused] = []) {
            self.changes = changes
            self.held = held
            self.refused = refused
        }
    }

    /// A new term refused by the domain's work-quality floor: what the change would have been, and
    /// the recent work that decided it. Also the details of its `pool.renewal_refused` event.
    public struct Refused: Sendable, Codable, Equatable {
        /// renew or raise, as the change would have been.
        public var action: String
        /// The expert.
        public var expertID: Int
        /// The expert's email.
        public var email: String
        /// The pool's domain.
        public var domain: String
        /// The tier the change would have reached.
        public var tier: String
        /// The metric judged.
        public var metric: String
        /// The task-weighted mean of the recent outcome rows; nil when there are none.
        public var value: Double?
        /// The tasks behind it (0 when there are no recent outcomes).
        public var tasks: Int
        /// The outcome rows (work_outcomes ids) behind it.
        public var outcomeIds: [Int]
        /// Why, in words ("gold_accuracy 0.712 over 64 tasks is below the floor …").
        public var reason: String
        /// The floor in words.
        public var rule: String
    }

    /// A change held back by integrity flags: what it would be, and the flagged screens.
    public struct Held: Sendable, Codable {
        /// promote, raise or renew, as the change would be.
        public var action: String
        /// The expert.
        public var expertID: Int
        /// The expert's email.
        public var email: String
        /// The pool's domain.
        public var domain: String
        /// The tier it would reach.
        public var tier: String
        /// The score it would rest on.
        public var score: Double
        /// The evidence screens with flags, and their flags.
        public var flaggedScreens: [FlaggedScreen]
    }

    /// A screen and its integrity flags.
    public struct FlaggedScreen: Sendable, Codable {
        /// The screen.
        public var screenID: Int
        /// Its flags, each with its sentence ("fast answers on 17/20 items").
        public var flags: [IntegrityFlag]
        /// Whether staff cleared them (`assay screen clear-flags`); never for a held promotion.
        public var cleared: Bool

        /// The flags in words, "(cleared)" after cleared ones: "fast answers on 5/20 items (cleared)".
        public var summary: String {
            flags.map { $0.summary + (cleared ? " (cleared)" : "") }.joined(separator: "; ")
        }
    }

    /// The advisory lock that serializes promotions ("assay-pl").
    static let promotionLock = 0x6173_7361_792D_706C

    /// Promotes every expert with a final passing result on all of a domain's required banks to
    /// the highest tier they qualify for; raises a member's tier after a better result; renews
    /// a member's term after newer evidence at the same tier. Suspended members are left alone.
    /// One transaction; each change an `events` row naming its rule; the expert's passed
    /// applications in the domain move to `pooled`. A second run changes nothing, with one
    /// exception kept from the former implementation: an expired member renewed on a latest
    /// result below their best is raised on the best one by the next run.
    ///
    /// A domain whose policy has a ``PromotionPolicy/RenewalFloor`` (`renewal:` in domain.yaml)
    /// starts a new term for an existing member (a renewal, or a raise) only when their recent
    /// work meets it; the others are reported in ``Promotion/refused``, each with a
    /// `pool.renewal_refused` event unless their last one says the same.
    ///
    /// Screens with integrity flags that staff have not cleared are not evidence unless
    /// `includeFlagged`: a change that would rest on one is reported in ``Promotion/held`` with the
    /// flags, and the decision is made on the other screens.
    ///
    /// Set-based: the decisions are made over two queries' rows, then every membership, every
    /// application and every event is written by one statement each, whatever the number of
    /// changes (``promoteRowByRow(domain:dryRun:actor:)`` is the former one-change-at-a-time
    /// version, which makes the same decisions).
    ///
    /// - Parameters:
    ///   - domain: only this domain (default: all with a policy).
    ///   - dryRun: report without writing.
    ///   - includeFlagged: use flagged screens as evidence too.
    ///   - actor: who promotes.
    /// - Returns: the changes and what was held back.
    /// - Throws: ``AssayError`` for an unknown domain or one without a policy; ``PostgresError``.
    public func promote(domain only: String?, dryRun: Bool, includeFlagged: Bool = false, actor: String) throws -> Promotion {
        if !dryRun { try ScreenSweeper(connection: connection).closeOverdue() }
        // A dry run does everything in a transaction that is always rolled back.
        return try connection.withTransaction(rollingBack: dryRun) { tx in
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [Self.promotionLock])
            let domainRows = try tx.query("SELECT slug, policy FROM domains WHERE ($1::text IS NULL OR slug = $1) ORDER BY slug", [only])
            if let only, domainRows.isEmpty { throw AssayError(.notFound, "no domain '\(only)'; run assay bank sync to load domains") }
            var promotion = Promotion(changes: [], held: [])
            for row in domainRows {
                let slug: String = try row.decode("slug")
                guard let policyJSON = try row.decode("policy", as: PostgresJSON?.self) else {
                    if only != nil { throw AssayError(.badInput, "domain '\(slug)' has no promotion policy in its domain.yaml") }
                    continue
                }
                let result = try promote(domain: slug, policy: try policyJSON.decode(PromotionPolicy.self), includeFlagged: includeFlagged, tx, actor: actor)
                promotion.changes += result.changes
                promotion.held += result.held
                promotion.refused += result.refused
            }
            return promotion
        }
    }

    /// One passing screen as evidence.
    private struct Evidence {
        var id: Int
        var score: Double
        var scoredAt: Date
        var flagged: Bool
    }

    /// An expert's passing screens on the required banks: the best and the latest per bank.
    private struct Candidate {
        var email: String
        var degree: String
        var years: Int
        var best: [String: Evidence] = [:]
        var latest: [String: Evidence] = [:]

        mutating func add(_ evidence: Evidence, bank: String) {
            if evidence.score > (best[bank]?.score ?? -1) { best[bank] = evidence }
            latest[bank] = evidence  // rows come in scoring order
        }
    }

    /// A current membership, as promotion sees it.
    private struct CurrentMember {
        var tier: String
        var rank: Int
        var status: String
        var promotedAt: Date
        var expired: Bool
    }

    /// What promotion decides for one expert.
    private struct Decision: Equatable {
        var action: String
        var evidence: [Int]
        var score: Double
        var rank: Int
        var tier: PromotionPolicy.Tier
    }

    /// The decision for one expert, by the policy (the rules of ``promoteRowByRow(domain:dryRun:actor:)``).
    private static func decide(_ candidate: Candidate, member: CurrentMember?, policy: PromotionPolicy) -> (Decision, [Evidence])? {
        /// The tier a set of evidence (one screen per required bank) earns, if complete.
        func assess(_ byBank: [String: Evidence]) -> ([Evidence], Double, Int, PromotionPolicy.Tier)? {
            let evidence = policy.requiredBanks.compactMap { byBank[$0] }
            guard evidence.count == policy.requiredBanks.count else { return nil }
            let score = evidence.map(\.score).min() ?? 0
            guard let (rank, tier) = policy.tier(score: score, degree: candidate.degree, years: candidate.years) else { return nil }
            return (evidence, score, rank, tier)
        }
        func decision(_ action: String, _ assessed: ([Evidence], Double, Int, PromotionPolicy.Tier)) -> (Decision, [Evidence]) {
            (Decision(action: action, evidence: assessed.0.map(\.id), score: assessed.1, rank: assessed.2, tier: assessed.3), assessed.0)
        }
        guard let member else { return assess(candidate.best).map { decision("promote", $0) } }
        if member.status == PoolMemberStatus.suspended.rawValue { return nil }
        // Newer evidence: a passing screen scored after the current term began.
        let newer = candidate.latest.values.contains { $0.scoredAt > member.promotedAt }
        if member.expired {
            // Re-vetting after expiry: the latest results decide afresh.
            if newer, let latest = assess(candidate.latest) { return decision("renew", latest) }
            return nil
        }
        if let best = assess(candidate.best), best.2 < member.rank { return decision("raise", best) }
        if newer, let latest = assess(candidate.latest), latest.2 <= member.rank { return decision("renew", latest) }
        return nil
    }

    private func promote(domain: String, policy: PromotionPolicy, includeFlagged: Bool, _ tx: Connection, actor: String) throws -> Promotion {
        // Every final passing screen (voided ones are not 'scored') on the required banks, with
        // whether it has flags nobody cleared (and, for those, the flags and the screen's size).
        let passing = try tx.query("""
            SELECT s.expert_id, s.bank_slug, s.id, s.score_percent, s.scored_at, e.email, e.highest_degree, e.years_experience,
                   (s.flags <> '[]'::jsonb AND s.flags_cleared_at IS NULL) AS flagged,
                   CASE WHEN s.flags <> '[]'::jsonb AND s.flags_cleared_at IS NULL THEN s.flags::text END AS flags,
                   CASE WHEN s.flags <> '[]'::jsonb AND s.flags_cleared_at IS NULL
                        THEN (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) END AS items
            FROM screens s JOIN experts e ON e.id = s.expert_id
            WHERE s.status = $2 AND s.passed AND s.bank_slug = ANY ($1)
            ORDER BY s.expert_id, s.scored_at, s.id
            """, [policy.requiredBanks, ScreenStatus.scored.rawValue])
        var all: [Int: Candidate] = [:]      // every passing screen
        var clean: [Int: Candidate] = [:]    // without flagged ones (the evidence used unless includeFlagged)
        var flagText: [Int: [IntegrityFlag]] = [:]
        for row in passing {
            let expert: Int = try row.decode("expert_id")
            let bank: String = try row.decode("bank_slug")
            let evidence = Evidence(id: try row.decode("id"), score: try row.decode("score_percent"), scoredAt: try row.decode("scored_at"),
                                    flagged: try row.decode("flagged"))
            let blank = try all[expert] ?? Candidate(email: row.decode("email"), degree: row.decode("highest_degree", as: String?.self) ?? "", years: row.decode("years_experience", as: Int?.self) ?? 0)
            all[expert, default: blank].add(evidence, bank: bank)
            if includeFlagged || !evidence.flagged {
                clean[expert, default: Candidate(email: blank.email, degree: blank.degree, years: blank.years)].add(evidence, bank: bank)
            }
            if evidence.flagged, let flags = try row.decode("flags", as: String?.self) {
                flagText[evidence.id] = IntegrityFlag.read(flags, itemCount: try row.decode("items", as: Int?.self) ?? 0)
            }
        }
        var current: [Int: CurrentMember] = [:]
        for row in try tx.query("""
            SELECT expert_id, tier, tier_rank, status, promoted_at, expires_at <= now() AS expired FROM pool_members WHERE domain = $1
            """, [domain]) {
            current[try row.decode("expert_id")] = CurrentMember(tier: try row.decode("tier"), rank: try row.decode("tier_rank"), status: try row.decode("status"),
                                                                 promotedAt: try row.decode("promoted_at"), expired: try row.decode("expired"))
        }
        var changes: [Change] = []
        var ranks: [Int32] = []
        var held: [Held] = []
        for (expert, candidate) in all.sorted(by: { $0.key < $1.key }) {
            let member = current[expert]
            let made = clean[expert].flatMap { Self.decide($0, member: member, policy: policy) }?.0
            if let decision = made {
                changes.append(Change(action: decision.action, expertID: expert, email: candidate.email, domain: domain, tier: decision.tier.name,
                                      previousTier: member?.tier, score: decision.score, evidenceScreens: decision.evidence, rule: decision.tier.rule))
                ranks.append(Int32(decision.rank))
            }
            // What the flagged screens would change, had they been cleared.
            guard !includeFlagged, let would = Self.decide(candidate, member: member, policy: policy) else { continue }
            let (wanted, evidence) = would
            guard evidence.contains(where: \.flagged), wanted != made else { continue }
            held.append(Held(action: wanted.action, expertID: expert, email: candidate.email, domain: domain, tier: wanted.tier.name, score: wanted.score,
                             flaggedScreens: evidence.filter(\.flagged).map { FlaggedScreen(screenID: $0.id, flags: flagText[$0.id] ?? [], cleared: false) }))
        }
        var refused: [Refused] = []
        if let floor = policy.renewal {
            (changes, ranks, refused) = try applyRenewalFloor(floor, domain: domain, changes: changes, ranks: ranks, members: current, tx, actor: actor)
        }
        guard !changes.isEmpty else { return Promotion(changes: [], held: held, refused: refused) }
        // Every change in one statement per table, in the order of the changes: new members
        // by a plain INSERT (an upsert's speculative insertion cost 65 ms more per 20,000 rows),
        // members raised or renewed by an UPDATE; the promotion lock keeps other promotions out.
        let (fresh, existing) = (changes.indices.filter { current[changes[$0].expertID] == nil },
                                 changes.indices.filter { current[changes[$0].expertID] != nil })
        for (indices, statement) in [(fresh, """
            INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, promoted_at, expires_at)
            SELECT t.expert_id, $1, t.tier, t.rank, t.score, ($7::bigint[])[t.first:t.last], t.rule, now(), now() + make_interval(days => $9::int)
            FROM unnest($2::bigint[], $3::text[], $4::int[], $5::float8[], $6::int[], $10::int[], $8::text[]) WITH ORDINALITY
                 AS t(expert_id, tier, rank, score, first, last, rule, n)
            ORDER BY t.n
            """), (existing, """
            UPDATE pool_members p SET tier = t.tier, tier_rank = t.rank, score = t.score, evidence_screens = ($7::bigint[])[t.first:t.last],
                rule = t.rule, promoted_at = now(), expires_at = now() + make_interval(days => $9::int), updated_at = now()
            FROM unnest($2::bigint[], $3::text[], $4::int[], $5::float8[], $6::int[], $10::int[], $8::text[])
                 AS t(expert_id, tier, rank, score, first, last, rule)
            WHERE p.expert_id = t.expert_id AND p.domain = $1
            """)] where !indices.isEmpty {
            var first: [Int32] = [], last: [Int32] = []
            for index in indices {
                first.append((last.last ?? 0) + 1)
                last.append((last.last ?? 0) + Int32(changes[index].evidenceScreens.count))
            }
            let written = try tx.execute(statement, [domain, indices.map { changes[$0].expertID }, indices.map { changes[$0].tier }, indices.map { ranks[$0] },
                                                     indices.map { changes[$0].score }, first, indices.flatMap { changes[$0].evidenceScreens },
                                                     indices.map { changes[$0].rule }, policy.validityDays, last])
            guard written == indices.count else {
                throw AssayError(.database, "the pool of \(domain) changed during the promotion (\(written) of \(indices.count) memberships written); run assay pool promote again")
            }
        }
        try tx.execute("""
            UPDATE applications SET status = $3, updated_at = now()
            WHERE expert_id = ANY ($1) AND $2 = ANY (domains) AND status = ANY ($4)
            """, [changes.map(\.expertID), domain, ApplicationStatus.pooled.rawValue, ApplicationStatus.pooled.allowedPredecessorValues])
        try AuditTrail(tx).record(changes.map { change in
            AuditTrail.Entry(AuditAction.pool(change.action), subject: .expert(change.expertID), reason: change.rule, details: change)
        }, actor: actor)
        return Promotion(changes: changes, held: held, refused: refused)
    }

    /// Keeps the changes that start a new term for an existing member (renew, raise) only when
    /// the member's recent work meets the domain's floor; records a `pool.renewal_refused` event
    /// for each refusal whose details differ from the member's last one (so that a second run
    /// with the same outcomes writes nothing).
    ///
    /// Set-based: one query for every judged member's recent work, one for their last refusals,
    /// one insert for the events.
    private func applyRenewalFloor(_ floor: PromotionPolicy.RenewalFloor, domain: String, changes: [Change], ranks: [Int32],
                                   members: [Int: CurrentMember], _ tx: Connection, actor: String) throws -> ([Change], [Int32], [Refused]) {
        let judged = changes.filter { members[$0.expertID] != nil }.map(\.expertID)
        guard !judged.isEmpty else { return (changes, ranks, []) }
        var work: [Int: (value: Double, tasks: Int, ids: [Int])] = [:]
        for row in try tx.query("""
            SELECT o.expert_id, sum(o.value * o.tasks) / sum(o.tasks) AS value, sum(o.tasks)::bigint AS tasks, array_agg(o.id ORDER BY o.id) AS ids
            FROM work_outcomes o
            WHERE o.expert_id = ANY ($1) AND o.domain = $2 AND o.metric = $3 AND o.period_end > current_date - $4::integer
            GROUP BY o.expert_id
            """, [judged, domain, floor.metric, floor.windowDays]) {
            work[try row.decode("expert_id")] = (try row.decode("value"), try row.decode("tasks"), try row.decode("ids"))
        }
        var kept: [Change] = [], keptRanks: [Int32] = [], refused: [Refused] = []
        for (change, rank) in zip(changes, ranks) {
            guard members[change.expertID] != nil else { kept.append(change); keptRanks.append(rank); continue }
            let recent = work[change.expertID]
            let tasks = recent?.tasks ?? 0
            let reason: String
            if tasks >= floor.minimumTasks, let recent {
                if floor.admits(recent.value) { kept.append(change); keptRanks.append(rank); continue }
                reason = String(format: "recent work %@ %.3f over %d tasks is %@ the renewal floor", floor.metric, recent.value, tasks,
                                floor.minimum != nil ? "below" : "above") + " (\(floor.rule))"
            } else {
                if floor.withoutOutcomes == .renew { kept.append(change); keptRanks.append(rank); continue }
                reason = "too few recent outcomes to judge the work (\(tasks) tasks of \(floor.metric) in the last \(floor.windowDays) days, \(floor.minimumTasks) needed); the domain's renewal policy holds such members (without_outcomes: hold)"
            }
            refused.append(Refused(action: change.action, expertID: change.expertID, email: change.email, domain: domain, tier: change.tier,
                                   metric: floor.metric, value: recent?.value, tasks: tasks, outcomeIds: recent?.ids ?? [], reason: reason, rule: floor.rule))
        }
        guard !refused.isEmpty else { return (kept, keptRanks, []) }
        // The member's last refusal in this domain: the same details again are not a new event.
        var last: [Int: Refused] = [:]
        for row in try tx.query("""
            SELECT DISTINCT ON (subject_id) subject_id, details::text AS details FROM events
            WHERE action = $1 AND subject_type = 'expert' AND subject_id = ANY ($2) AND details ->> 'domain' = $3
            ORDER BY subject_id, id DESC
            """, [AuditAction.poolRenewalRefused.rawValue, refused.map(\.expertID), domain]) {
            if let details = try? JSONDecoder().decode(Refused.self, from: Data(try row.decode("details", as: String.self).utf8)) {
                last[try row.decode("subject_id")] = details
            }
        }
        try AuditTrail(tx).record(refused.filter { last[$0.expertID] != $0 }.map {
            AuditTrail.Entry(AuditAction.poolRenewalRefused, subject: .expert($0.expertID), reason: $0.reason, details: $0)
        }, actor: actor)
        return (kept, keptRanks, refused)
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
        /// The evidence screens that carry integrity flags, cleared or not; empty when none do.
        public var flaggedScreens: [FlaggedScreen]
    }

    /// The flags of one evidence screen, as the listing query returns them.
    private struct EvidenceFlags: Decodable {
        var screen: Int
        var flags: String
        var items: Int
        var cleared: Bool
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
            SELECT r.expert_id, r.full_name, r.email, r.country, r.languages, r.domain, r.tier, r.score, r.status, r.screen_id, r.promoted_at, r.expires_at,
                   (SELECT json_agg(json_build_object('screen', s.id, 'flags', s.flags::text, 'items', (SELECT count(*) FROM screen_items si WHERE si.screen_id = s.id),
                                                      'cleared', s.flags_cleared_at IS NOT NULL) ORDER BY s.id)::text
                    FROM pool_members m JOIN screens s ON s.id = ANY (m.evidence_screens)
                    WHERE m.expert_id = r.expert_id AND m.domain = r.domain AND s.flags <> '[]'::jsonb) AS evidence_flags
            FROM pool_roster r
            WHERE \(Self.listCondition)
            ORDER BY r.domain, r.tier_rank, r.expert_id LIMIT $6
            """, [domain, tier, status, language, country, limit]).map {
            let evidence = try ($0.decode("evidence_flags", as: String?.self)).map { try JSONDecoder().decode([EvidenceFlags].self, from: Data($0.utf8)) } ?? []
            return Member(expertID: try $0.decode("expert_id"), fullName: try $0.decode("full_name"), email: try $0.decode("email"),
                          country: try $0.decode("country"), languages: try $0.decode("languages"), domain: try $0.decode("domain"),
                          tier: try $0.decode("tier"), score: try $0.decode("score"), status: try $0.decode("status"),
                          screenID: try $0.decode("screen_id"), promotedAt: try $0.decode("promoted_at"), expiresAt: try $0.decode("expires_at"),
                          flaggedScreens: evidence.map { screen in
                              FlaggedScreen(screenID: screen.screen, flags: IntegrityFlag.read(screen.flags, itemCount: screen.items), cleared: screen.cleared)
                          })
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

extension Pool.Change: JSONWritable {
    /// The change as its event's details: the synthesized `Codable` keys, sorted.
    public var jsonText: String {
        var object = JSONObjectText()
        object.field("action", action)
        object.field("domain", domain)
        object.field("email", email)
        object.field("evidenceScreens", evidenceScreens)
        object.field("expertID", expertID)
        object.field("previousTier", previousTier)
        object.field("rule", rule)
        object.field("score", score)
        object.field("tier", tier)
        return object.text
    }
}
