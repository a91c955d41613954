import Foundation
public import Postgres

/// The append-only audit trail: the one writer of `events` rows (who did what to which row,
/// when, why).
///
/// Events are written inside the caller's transaction, so an event exists exactly when the
/// change it records was committed.
public struct AuditTrail {
    /// What an event is about.
    public enum Subject: Sendable, Equatable {
        /// A screen, by id.
        case screen(Int)
        /// An expert, by id.
        case expert(Int)
        /// An application, by id.
        case application(Int)
        /// A bank calibration, by id.
        case calibration(Int)

        /// The stored `subject_type`.
        var type: String {
            switch self {
            case .screen: "screen"
            case .expert: "expert"
            case .application: "application"
            case .calibration: "calibration"
            }
        }

        /// The stored `subject_id`.
        var id: Int {
            switch self {
            case .screen(let id), .expert(let id), .application(let id), .calibration(let id): id
            }
        }
    }

    /// The connection (usually inside a transaction) the events are written on.
    public let connection: Connection

    /// An audit trail written on `connection`.
    ///
    /// - Parameter connection: the connection, usually the transaction of the change recorded.
    public init(_ connection: Connection) { self.connection = connection }

    /// Appends one event.
    ///
    /// - Parameters:
    ///   - action: what was done.
    ///   - actor: who did it (a user name, `candidate`, `assay`…).
    ///   - subject: the row it was done to, if one.
    ///   - reason: why, in the actor's words, if given.
    ///   - details: what else the event needs to be understood later, stored as JSON.
    ///   - id: a preallocated event id (bulk paths that reference the event before writing it).
    /// - Returns: the event's id.
    /// - Throws: ``PostgresError``; `EncodingError` when `details` cannot be encoded.
    @discardableResult
    public func record(_ action: AuditAction, actor: String, subject: Subject? = nil, reason: String? = nil,
                       details: some Encodable = [String: String](), id: Int? = nil) throws -> Int {
        let row = try connection.query("""
            INSERT INTO events (id, actor, action, subject_type, subject_id, reason, details)
            OVERRIDING SYSTEM VALUE
            VALUES (coalesce($1, nextval(pg_get_serial_sequence('events', 'id'))), $2, $3, $4, $5, $6, $7)
            RETURNING id
            """, [id, actor, action.rawValue, subject?.type, subject?.id, reason, try PostgresJSON(encoding: details)])
        return try row.one().decode("id")
    }

    /// One event of a batch written by ``record(_:actor:)``.
    public struct Entry<Details: Encodable> {
        /// What was done.
        public var action: AuditAction
        /// The row it was done to, if one.
        public var subject: Subject?
        /// Why, if given.
        public var reason: String?
        /// What else the event needs to be understood later, stored as JSON.
        public var details: Details

        /// An event of a batch.
        ///
        /// - Parameters:
        ///   - action: what was done.
        ///   - subject: the row it was done to, if one.
        ///   - reason: why, if given.
        ///   - details: what else the event needs to be understood later, stored as JSON.
        public init(_ action: AuditAction, subject: Subject? = nil, reason: String? = nil, details: Details) {
            self.action = action
            self.subject = subject
            self.reason = reason
            self.details = details
        }
    }

    /// Appends many events by one actor in one statement, in the order given (their ids
    /// increase in that order): the bulk paths (a campaign of invitations, a promotion) record
    /// one event per row they change without one round trip per event. The details are encoded
    /// as one JSON array (the same encoding as one event's) and split by the server.
    ///
    /// - Parameters:
    ///   - entries: the events, in order.
    ///   - actor: who did it.
    /// - Returns: how many events were written.
    /// - Throws: ``PostgresError``; `EncodingError` when details cannot be encoded.
    @discardableResult
    public func record<Details: Encodable>(_ entries: [Entry<Details>], actor: String) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try connection.execute("""
            INSERT INTO events (actor, action, subject_type, subject_id, reason, details)
            SELECT $1, t.action, t.subject_type, t.subject_id, t.reason, d.details
            FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS t(action, subject_type, subject_id, reason, n)
            JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS d(details, n) ON d.n = t.n
            ORDER BY t.n
            """, [actor, entries.map(\.action.rawValue), entries.map { $0.subject?.type }, entries.map { $0.subject?.id },
                  entries.map(\.reason), try Self.detailsArray(entries.map(\.details))])
    }

    /// The details of a batch as one JSON array: written by the values themselves when they
    /// can (``JSONWritable``: the same text, without `JSONEncoder`'s cost per value).
    private static func detailsArray<Details: Encodable>(_ details: [Details]) throws -> PostgresJSON {
        guard let writable = details as? [any JSONWritable] else { return try PostgresJSON(encoding: details) }
        return PostgresJSON(text: "[" + writable.map(\.jsonText).joined(separator: ",") + "]")
    }
}
