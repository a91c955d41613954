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
    /// one event per row they change without one round trip per event.
    ///
    /// One binary `COPY`, fed in chunks from a thread of its own: the server inserts one chunk
    /// while the next one's details are written (20,000 promotion events: 0.60 s as one
    /// `INSERT … SELECT unnest(…)` with the details as one JSON array, of which 0.21 s in assay
    /// before the statement was sent; see docs/benchmarks.md). Each event's details are encoded
    /// as ``record(_:actor:subject:reason:details:id:)`` encodes one event's.
    ///
    /// - Parameters:
    ///   - entries: the events, in order.
    ///   - actor: who did it.
    /// - Returns: how many events were written.
    /// - Throws: ``PostgresError``; `EncodingError` when details cannot be encoded.
    @discardableResult
    public func record<Details: Encodable>(_ entries: [Entry<Details>], actor: String) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let chunkBytes = 256 * 1024
        return try connection.copyIn("""
            COPY events (actor, action, subject_type, subject_id, reason, details) FROM STDIN (FORMAT binary)
            """, feederLabel: "assay.events", pending: 2) { feeder in
            var encoder = BinaryCopyEncoder(output: [UInt8]())
            encoder.output.reserveCapacity(chunkBytes + 4096)
            encoder.appendHeader()
            for entry in entries {
                encoder.startRow(fields: 6)
                encoder.appendText(actor)
                encoder.appendText(entry.action.rawValue)
                if let subject = entry.subject {
                    encoder.appendText(subject.type)
                    encoder.appendInt8(Int64(subject.id))
                } else {
                    encoder.appendNull()
                    encoder.appendNull()
                }
                if let reason = entry.reason { encoder.appendText(reason) } else { encoder.appendNull() }
                encoder.appendJSONB(try Self.detailsText(entry.details))
                if encoder.output.count >= chunkBytes {
                    try feeder.send(encoder.output)
                    encoder.output = []
                    encoder.output.reserveCapacity(chunkBytes + 4096)
                }
            }
            encoder.appendTrailer()
            try feeder.send(encoder.output)
        }
    }

    /// One event's details as JSON text: written by the value itself when it can
    /// (``JSONWritable``: the same text, without `JSONEncoder`'s cost per value).
    private static func detailsText<Details: Encodable>(_ details: Details) throws -> String {
        if let writable = details as? any JSONWritable { return writable.jsonText }
        return try PostgresJSON(encoding: details).text
    }
}
