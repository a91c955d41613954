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
        public var id: Int
        public var email: String
        public var fullName: String
        public var country: String
        public var languages: [String]
        public var highestDegree: String
        public var yearsExperience: Int
        /// Every domain the expert's applications claim.
        public var domains: [String]
        /// The statuses of the expert's applications.
        public var statuses: [String]
        public var createdAt: Date
    }

    /// Filters for ``list(_:)``; nil means any.
    public struct Filter: Sendable {
        public var domain: String?
        public var status: String?
        public var country: String?
        public var language: String?
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
        e.id, e.email, e.full_name, e.country, e.languages, e.highest_degree, e.years_experience, e.created_at,
        coalesce((SELECT array_agg(DISTINCT d ORDER BY d) FROM applications a CROSS JOIN LATERAL unnest(a.domains) d WHERE a.expert_id = e.id), '{}') AS domains,
        coalesce((SELECT array_agg(DISTINCT a.status ORDER BY a.status) FROM applications a WHERE a.expert_id = e.id), '{}') AS statuses
        """

    private func expert(_ row: Row) throws -> Expert {
        Expert(id: try row.decode("id"), email: try row.decode("email"), fullName: try row.decode("full_name"),
               country: try row.decode("country"), languages: try row.decode("languages"),
               highestDegree: try row.decode("highest_degree"), yearsExperience: try row.decode("years_experience"),
               domains: try row.decode("domains"), statuses: try row.decode("statuses"), createdAt: try row.decode("created_at"))
    }

    /// Experts matching the filter, oldest first.
    ///
    /// - Throws: ``PostgresError``.
    public func list(_ filter: Filter) throws -> [Expert] {
        try connection.query("""
            SELECT \(Self.expertColumns)
            FROM experts e
            WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.expert_id = e.id AND $1 = ANY (a.domains)))
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.expert_id = e.id AND a.status = $2))
              AND ($3::text IS NULL OR e.country = upper($3))
              AND ($4::text IS NULL OR lower($4) = ANY (e.languages))
            ORDER BY e.id
            LIMIT $5
            """, [filter.domain, filter.status, filter.country, filter.language, filter.limit]).map(expert)
    }

    /// One application.
    public struct Application: Sendable, Codable {
        public var id: Int
        public var source: String
        public var externalID: String
        public var domains: [String]
        public var status: String
        public var appliedAt: Date
        public var receivedAt: Date
        public var hasResume: Bool
    }

    /// One audit event.
    public struct Event: Sendable, Codable {
        public var id: Int
        public var occurredAt: Date
        public var actor: String
        public var action: String
        public var reason: String?
        public var details: String
    }

    /// An expert with their applications and events.
    public struct Profile: Sendable, Codable {
        public var expert: Expert
        public var applications: [Application]
        public var events: [Event]
    }

    /// The expert with this email or id.
    ///
    /// - Throws: ``AssayError`` with code ``AssayError/Code/notFound``; ``PostgresError``.
    public func profile(_ emailOrID: String) throws -> Profile {
        let key = emailOrID.trimmingCharacters(in: .whitespaces)
        let rows: QueryResult
        if let id = Int(key) {
            rows = try connection.query("SELECT \(Self.expertColumns) FROM experts e WHERE e.id = $1", [id])
        } else {
            rows = try connection.query("SELECT \(Self.expertColumns) FROM experts e WHERE e.email = lower($1)", [key])
        }
        guard let row = rows.first else {
            throw AssayError(.notFound, "no expert with \(Int(key) == nil ? "email" : "id") '\(key)'; assay experts list shows who is there")
        }
        let expert = try expert(row)
        let applications = try connection.query("""
            SELECT id, source, external_id, domains, status, applied_at, received_at, resume_text IS NOT NULL AS has_resume
            FROM applications WHERE expert_id = $1 ORDER BY applied_at, id
            """, [expert.id]).map {
            Application(id: try $0.decode("id"), source: try $0.decode("source"), externalID: try $0.decode("external_id"),
                        domains: try $0.decode("domains"), status: try $0.decode("status"), appliedAt: try $0.decode("applied_at"),
                        receivedAt: try $0.decode("received_at"), hasResume: try $0.decode("has_resume"))
        }
        let events = try connection.query("""
            SELECT id, occurred_at, actor, action, reason, details::text AS details FROM events
            WHERE (subject_type = 'expert' AND subject_id = $1)
               OR (subject_type = 'application' AND subject_id IN (SELECT id FROM applications WHERE expert_id = $1))
               OR id IN (SELECT event_id FROM applications WHERE expert_id = $1)
            ORDER BY occurred_at, id
            """, [expert.id]).map {
            Event(id: try $0.decode("id"), occurredAt: try $0.decode("occurred_at"), actor: try $0.decode("actor"),
                  action: try $0.decode("action"), reason: try $0.decode("reason"), details: try $0.decode("details"))
        }
        return Profile(expert: expert, applications: applications, events: events)
    }
}
