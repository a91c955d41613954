import Foundation
public import Postgres
internal import Psychometrics

/// Suspends pool members whose recent work falls below a quality floor, with the outcome rows as
/// the evidence (`assay pool review`).
///
/// A member's recent work in a metric is the task-weighted mean of their outcome rows in their
/// domain whose period ended within the last ``Request/windowDays`` days (server date), over at
/// least ``Request/minimumTasks`` tasks; members with fewer tasks are not judged. Active,
/// unexpired members below the floor (above it, for a lower-is-better metric) are suspended in
/// one transaction, each with a `pool.suspend` event naming the metric, floor, value, tasks and
/// the ids of the outcome rows behind it (shown by `assay experts show`). A dry run decides the
/// same and writes nothing.
public struct PoolReview {
    /// The connection used.
    public let connection: Connection

    /// A review over a migrated database.
    ///
    /// - Parameters:
    ///   - connection: the connection.
    public init(connection: Connection) { self.connection = connection }

    /// What to review.
    public struct Request: Sendable {
        /// The metric judged.
        public var metric: String
        /// The floor: members below it (above it when `suspendAbove`) are suspended.
        public var floor: Double
        /// Suspend members whose value is above the floor (for lower-is-better metrics such as
        /// rework_rate) instead of below it.
        public var suspendAbove: Bool
        /// The fewest tasks a judgement rests on.
        public var minimumTasks: Int
        /// How far back "recent" reaches, in days.
        public var windowDays: Int
        /// Only this domain's pool.
        public var domain: String?
        /// Decide, write nothing.
        public var dryRun: Bool
        /// Who reviews, for the audit trail.
        public var actor: String

        /// Creates a request.
        ///
        /// - Parameters:
        ///   - metric: the metric.
        ///   - floor: the floor.
        ///   - suspendAbove: suspend above the floor instead of below.
        ///   - minimumTasks: the fewest tasks judged (20 by default).
        ///   - windowDays: the window in days (90 by default).
        ///   - domain: only this domain.
        ///   - dryRun: write nothing.
        ///   - actor: who reviews.
        public init(metric: String, floor: Double, suspendAbove: Bool = false, minimumTasks: Int = 20, windowDays: Int = 90,
                    domain: String? = nil, dryRun: Bool = false, actor: String) {
            self.metric = metric
            self.floor = floor
            self.suspendAbove = suspendAbove
            self.minimumTasks = minimumTasks
            self.windowDays = windowDays
            self.domain = domain
            self.dryRun = dryRun
            self.actor = actor
        }
    }

    /// One member the review suspends (or, in a dry run, would suspend).
    public struct Decision: Sendable, Codable {
        /// The expert's id.
        public var expertId: Int
        /// The expert's email.
        public var email: String
        /// The pool's domain.
        public var domain: String
        /// The task-weighted mean of the recent outcome rows.
        public var value: Double
        /// The tasks behind it.
        public var tasks: Int
        /// The outcome rows (work_outcomes ids) behind it.
        public var outcomeIds: [Int]
        /// The event that records the suspension (absent in a dry run).
        public var eventId: Int?
    }

    /// Reviews the pool.
    ///
    /// - Parameters:
    ///   - request: metric, floor, minimum tasks, window, domain, dry run and actor.
    /// - Returns: the members suspended (or that would be), by domain and expert id.
    /// - Throws: ``AssayError`` (exit 2) for a metric no outcome has, an unknown domain, a floor
    ///   that is not a number, a floor on the wrong side for the metric, fewer than 1 task or a
    ///   window outside 1–3650 days; ``PostgresError``.
    public func review(_ request: Request) throws -> [Decision] {
        guard request.floor.isFinite else { throw AssayError(.badInput, "must be a number", field: "floor") }
        guard request.minimumTasks >= 1 else { throw AssayError(.badInput, "must be at least 1", field: "minimumTasks") }
        guard (1...3650).contains(request.windowDays) else { throw AssayError(.badInput, "must be from 1 to 3650 days", field: "windowDays") }
        let direction = OutcomeMetric.direction(of: request.metric)
        if direction == .lowerIsBetter, !request.suspendAbove {
            throw AssayError(.badInput, "\(request.metric) is better when lower, so a floor suspends those above it: use --above", field: "floor")
        }
        if OutcomeMetric.higherRates.contains(request.metric), request.suspendAbove {
            throw AssayError(.badInput, "\(request.metric) is better when higher, so a floor suspends those below it: use --below", field: "floor")
        }
        let metrics = try connection.query("SELECT DISTINCT metric FROM work_outcomes ORDER BY metric").map { try $0.decode("metric", as: String.self) }
        guard metrics.contains(request.metric) else {
            throw AssayError(.notFound, "no outcome has the metric '\(request.metric)'; the metrics imported are \(metrics.isEmpty ? "(none yet: assay outcomes import)" : metrics.joined(separator: ", "))", field: "metric")
        }
        if let domain = request.domain, try connection.query("SELECT 1 FROM domains WHERE slug = $1", [domain]).count == 0 {
            throw AssayError(.notFound, "no domain '\(domain)'", field: "domain")
        }
        return try connection.withTransaction(rollingBack: request.dryRun) { tx in
            let rows = try tx.query("""
                SELECT m.expert_id, e.email, m.domain, sum(o.value * o.tasks) / sum(o.tasks) AS value, sum(o.tasks)::bigint AS tasks,
                       array_agg(o.id ORDER BY o.id) AS outcome_ids
                FROM pool_members m
                JOIN experts e ON e.id = m.expert_id
                JOIN work_outcomes o ON o.expert_id = m.expert_id AND o.domain = m.domain AND o.metric = $1
                WHERE m.status = $2 AND m.expires_at > now() AND ($3::text IS NULL OR m.domain = $3)
                  AND o.period_end > current_date - $4::integer
                GROUP BY m.expert_id, e.email, m.domain
                HAVING sum(o.tasks) >= $5::integer
                   AND CASE WHEN $6::boolean THEN sum(o.value * o.tasks) / sum(o.tasks) > $7::double precision ELSE sum(o.value * o.tasks) / sum(o.tasks) < $7::double precision END
                ORDER BY m.domain, m.expert_id
                """, [request.metric, PoolMemberStatus.active.rawValue, request.domain, request.windowDays, request.minimumTasks,
                      request.suspendAbove, request.floor])
            var decisions: [Decision] = []
            for row in rows {
                var decision = Decision(expertId: try row.decode("expert_id"), email: try row.decode("email"), domain: try row.decode("domain"),
                                        value: try row.decode("value"), tasks: try row.decode("tasks"), outcomeIds: try row.decode("outcome_ids"))
                let reason = String(format: "work below the floor: %@ %.3f %@ %@ over %d tasks in the last %d days",
                                    request.metric, decision.value, request.suspendAbove ? ">" : "<", "\(request.floor)", decision.tasks, request.windowDays)
                let changed = try tx.execute("""
                    UPDATE pool_members SET status = $3, suspended_reason = $4, updated_at = now()
                    WHERE expert_id = $1 AND domain = $2 AND status = ANY ($5)
                    """, [decision.expertId, decision.domain, PoolMemberStatus.suspended.rawValue, reason,
                          PoolMemberStatus.suspended.allowedPredecessors.map(\.rawValue)])
                guard changed == 1 else { continue }
                decision.eventId = try AuditTrail(tx).record(
                    .poolSuspend, actor: request.actor, subject: .expert(decision.expertId), reason: reason,
                    details: OutcomeEvidence(domain: decision.domain, metric: request.metric, floor: request.floor,
                                             direction: request.suspendAbove ? "above" : "below", value: decision.value,
                                             tasks: decision.tasks, windowDays: request.windowDays, outcomeIds: decision.outcomeIds))
                if request.dryRun { decision.eventId = nil }
                decisions.append(decision)
            }
            return decisions
        }
    }

    /// The evidence a review's `pool.suspend` event carries.
    struct OutcomeEvidence: Encodable {
        var domain: String
        var metric: String
        var floor: Double
        var direction: String
        var value: Double
        var tasks: Int
        var windowDays: Int
        var outcomeIds: [Int]

        enum CodingKeys: String, CodingKey {
            case domain, metric, floor, direction, value, tasks
            case windowDays = "window_days"
            case outcomeIds = "outcome_ids"
        }
    }
}
