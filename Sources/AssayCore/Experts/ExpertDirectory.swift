public import Foundation
public import Postgres

/// Reads experts, their applications and their audit trail. Uses one connection; not `Sendable`.
public struct ExpertDirectory {
    /// The connection used.
    public let connection: Connection

    /// A directory over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// One expert as listed.
    public struct Expert: Sendable, Codable {
        /// The expert's id.
        public var id: Int
        /// The normalized (trimmed, lower-case) email.
        public var email: String
        /// The full name, as given.
        public var fullName: String
        /// ISO 3166-1 alpha-2 country code.
        public var country: String
        /// ISO 639-1 language codes.
        public var languages: [String]
        /// The highest degree (none, bachelor, master, phd, md, jd, other); nil when unknown.
        public var highestDegree: String?
        /// Years of professional experience; nil when unknown.
        public var yearsExperience: Int?
        /// The phone number (digits, after a '+' when international), if known.
        public var phone: String?
        /// The expert this one was merged into (`assay experts merge`), if any.
        public var mergedInto: Int?
        /// Every domain the expert's applications claim.
        public var domains: [String]
        /// The statuses of the expert's applications.
        public var statuses: [String]
        /// When the expert was first recorded.
        public var createdAt: Date
    }

    /// Filters for ``list(_:)``; nil means any.
    public struct Filter: Sendable {
        /// Only experts with an application claiming this domain.
        public var domain: String?
        /// Only experts with an application in this status.
        public var status: String?
        /// Only experts in this country.
        public var country: String?
        /// Only experts speaking this language.
        public var language: String?
        /// At most this many.
        public var limit: Int

        /// Creates a filter.
        public init(domain: String? = nil, status: String? = nil, country: String? = nil, language: String? = nil, limit: Int = 50) {
            self.domain = domain
            self.status = status
            self.country = country
            self.language = language
            self.limit = limit
        }
    }

    private static let expertColumns = """
        e.id, e.email, e.full_name, e.country, e.languages, e.highest_degree, e.years_experience, e.phone, e.merged_into, e.created_at,
        coalesce((SELECT array_agg(DISTINCT d ORDER BY d) FROM applications a CROSS JOIN LATERAL unnest(a.domains) d WHERE a.expert_id = e.id), '{}') AS domains,
        coalesce((SELECT array_agg(DISTINCT a.status ORDER BY a.status) FROM applications a WHERE a.expert_id = e.id), '{}') AS statuses
        """

    private func expert(_ row: Row) throws -> Expert {
        Expert(id: try row.decode("id"), email: try row.decode("email"), fullName: try row.decode("full_name"),
               country: try row.decode("country"), languages: try row.decode("languages"),
               highestDegree: try row.decode("highest_degree"), yearsExperience: try row.decode("years_experience"),
               phone: try row.decode("phone"), mergedInto: try row.decode("merged_into"),
               domains: try row.decode("domains"), statuses: try row.decode("statuses"), createdAt: try row.decode("created_at"))
    }

    /// The condition on `experts e` that applies a ``Filter``'s `$1` (domain) … `$4` (language);
    /// people merged into others are left out.
    private static let filterCondition = """
        e.merged_into IS NULL
          AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.expert_id = e.id AND $1 = ANY (a.domains)))
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.expert_id = e.id AND a.status = $2))
          AND ($3::text IS NULL OR e.country = upper($3))
          AND ($4::text IS NULL OR lower($4) = ANY (e.languages))
        """

    /// Experts matching the filter, oldest first (people merged into others left out), at most `filter.limit`.
    ///
    /// - Throws: ``PostgresError``.
    public func list(_ filter: Filter) throws -> [Expert] {
        try connection.query("""
            SELECT \(Self.expertColumns)
            FROM experts e
            WHERE \(Self.filterCondition)
            ORDER BY e.id
            LIMIT $5
            """, [filter.domain, filter.status, filter.country, filter.language, filter.limit]).map(expert)
    }

    /// How many experts match the filter, its limit aside.
    ///
    /// - Throws: ``PostgresError``.
    public func count(_ filter: Filter) throws -> Int {
        try connection.query("SELECT count(*)::int FROM experts e WHERE \(Self.filterCondition)",
                             [filter.domain, filter.status, filter.country, filter.language]).one().decode(0)
    }

    /// One application.
    public struct Application: Sendable, Codable {
        /// The application's id.
        public var id: Int
        /// Where it came from (an import's source or `manual`).
        public var source: String
        /// Its id in the source.
        public var externalID: String
        /// The domains claimed.
        public var domains: [String]
        /// Its status (``ApplicationStatus`` raw value).
        public var status: String
        /// When the person applied.
        public var appliedAt: Date
        /// When Assay received it.
        public var receivedAt: Date
        /// Whether it carries résumé text.
        public var hasResume: Bool
    }

    /// One audit event.
    public struct Event: Sendable, Codable {
        /// The event's id.
        public var id: Int
        /// When it happened (server time).
        public var occurredAt: Date
        /// Who did it.
        public var actor: String
        /// What was done (``AuditAction`` raw value).
        public var action: String
        /// Why, if given.
        public var reason: String?
        /// Details, as stored (a JSON object), its keys in snake_case.
        public var details: JSONValue
    }

    /// One screen of the expert.
    public struct Screen: Sendable, Codable {
        /// The screen's id.
        public var id: Int
        /// The application it screens, if any.
        public var applicationID: Int?
        /// The bank.
        public var bankSlug: String
        /// The bank version used.
        public var bankVersion: Int
        /// Its status (``ScreenStatus`` raw value).
        public var status: String
        /// When the invitation was issued.
        public var invitedAt: Date
        /// Who invited.
        public var invitedBy: String
        /// When it was submitted.
        public var submittedAt: Date?
        /// When its result became final.
        public var scoredAt: Date?
        /// The score, once scored.
        public var scorePercent: Double?
        /// Whether it passed, once scored.
        public var passed: Bool?
        /// Its integrity flags, each with its sentence ("fast answers on 17/20 items").
        public var flags: [IntegrityFlag]
        /// Who cleared the flags, when and why, when staff did.
        public var flagsCleared: FlagClearance?
    }

    /// Staff's clearing of a screen's integrity flags.
    public struct FlagClearance: Sendable, Codable {
        /// Who cleared them.
        public var by: String
        /// When.
        public var at: Date
        /// Why.
        public var reason: String
    }

    /// One pool membership, with its evidence.
    public struct Membership: Sendable, Codable {
        /// The pool's domain.
        public var domain: String
        /// The tier, by name in the domain's policy.
        public var tier: String
        /// active, suspended or expired (``PoolMemberStatus``).
        public var status: String
        /// The score the tier rests on.
        public var score: Double
        /// The policy rule that placed the member.
        public var rule: String
        /// The screens that are its evidence.
        public var evidenceScreens: [Int]
        /// When the current term began.
        public var promotedAt: Date
        /// When the current term ends.
        public var expiresAt: Date
        /// Who promoted (from the audit trail).
        public var promotedBy: String?
    }

    /// An expert with their applications, screens, pool memberships and events.
    public struct Profile: Sendable, Codable {
        /// The expert.
        public var expert: Expert
        /// Their applications, oldest first.
        public var applications: [Application]
        /// Their screens, oldest first.
        public var screens: [Screen]
        /// Their pool memberships, by domain.
        public var memberships: [Membership]
        /// Their audit trail, oldest first.
        public var events: [Event]
    }

    /// The expert with this email or id.
    ///
    /// - Throws: ``AssayError`` with code ``AssayError/Code/notFound``; ``PostgresError``.
    public func profile(_ emailOrID: String) throws -> Profile {
        let reference = ExpertReference(emailOrID)
        let rows = try connection.query("SELECT \(Self.expertColumns) FROM experts e WHERE \(ExpertReference.condition)", reference.parameters)
        guard let row = rows.first else { throw reference.notFound }
        let expert = try expert(row)
        let applications = try connection.query("""
            SELECT id, source, external_id, domains, status, applied_at, received_at, resume_text IS NOT NULL AS has_resume
            FROM applications WHERE expert_id = $1 ORDER BY applied_at, id
            """, [expert.id]).map {
            Application(id: try $0.decode("id"), source: try $0.decode("source"), externalID: try $0.decode("external_id"),
                        domains: try $0.decode("domains"), status: try $0.decode("status"), appliedAt: try $0.decode("applied_at"),
                        receivedAt: try $0.decode("received_at"), hasResume: try $0.decode("has_resume"))
        }
        let screens = try connection.query("""
            SELECT s.id, s.application_id, s.bank_slug, b.version, s.status, s.invited_at, s.invited_by, s.submitted_at, s.scored_at,
                   s.score_percent, s.passed, s.flags::text AS flags, s.flags_cleared_at, s.flags_cleared_by, s.flags_cleared_reason,
                   (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS items
            FROM screens s JOIN banks b ON b.id = s.bank_id WHERE s.expert_id = $1 ORDER BY s.invited_at, s.id
            """, [expert.id]).map { row -> Screen in
            let clearedAt: Date? = try row.decode("flags_cleared_at")
            let clearance = try clearedAt.map { at in
                FlagClearance(by: try row.decode("flags_cleared_by"), at: at, reason: try row.decode("flags_cleared_reason"))
            }
            let flags = IntegrityFlag.read(try row.decode("flags"), itemCount: try row.decode("items"))
            return try Screen(id: row.decode("id"), applicationID: row.decode("application_id"), bankSlug: row.decode("bank_slug"),
                              bankVersion: row.decode("version"), status: row.decode("status"), invitedAt: row.decode("invited_at"),
                              invitedBy: row.decode("invited_by"), submittedAt: row.decode("submitted_at"), scoredAt: row.decode("scored_at"),
                              scorePercent: row.decode("score_percent"), passed: row.decode("passed"), flags: flags,
                              flagsCleared: clearance)
        }
        let memberships = try connection.query("""
            SELECT r.domain, r.tier, r.status, r.score, m.rule, m.evidence_screens AS evidence, r.promoted_at, r.expires_at,
                   (SELECT ev.actor FROM events ev WHERE ev.subject_type = 'expert' AND ev.subject_id = m.expert_id
                      AND ev.action IN ('pool.promote', 'pool.raise', 'pool.renew') AND ev.details->>'domain' = m.domain
                    ORDER BY ev.occurred_at DESC LIMIT 1) AS promoted_by
            FROM pool_roster r JOIN pool_members m ON m.expert_id = r.expert_id AND m.domain = r.domain
            WHERE r.expert_id = $1 ORDER BY r.domain
            """, [expert.id]).map {
            Membership(domain: try $0.decode("domain"), tier: try $0.decode("tier"), status: try $0.decode("status"), score: try $0.decode("score"),
                       rule: try $0.decode("rule"),
                       evidenceScreens: try $0.decode("evidence"),
                       promotedAt: try $0.decode("promoted_at"), expiresAt: try $0.decode("expires_at"), promotedBy: try $0.decode("promoted_by"))
        }
        let events = try connection.query("""
            SELECT id, occurred_at, actor, action, reason, details::text AS details FROM events
            WHERE (subject_type = 'expert' AND subject_id = $1)
               OR (subject_type = 'application' AND subject_id IN (SELECT id FROM applications WHERE expert_id = $1))
               OR (subject_type = 'screen' AND subject_id IN (SELECT id FROM screens WHERE expert_id = $1))
               OR id IN (SELECT event_id FROM applications WHERE expert_id = $1)
            ORDER BY occurred_at, id
            """, [expert.id]).map {
            Event(id: try $0.decode("id"), occurredAt: try $0.decode("occurred_at"), actor: try $0.decode("actor"),
                  action: try $0.decode("action"), reason: try $0.decode("reason"), details: JSONValue(parsing: try $0.decode("details")).snakeCased)
        }
        return Profile(expert: expert, applications: applications, screens: screens, memberships: memberships, events: events)
    }
}
