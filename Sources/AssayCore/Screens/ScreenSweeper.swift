public import Postgres

/// Closes what time has ended: invitations past their expiry become `expired`, and screens
/// past their deadline and its grace are submitted (by `deadline`) and scored, so that no screen
/// stays open for ever because its candidate did not come back.
///
/// Run before invitations, listings, reviews and promotions. Uses one connection; not `Sendable`.
public struct ScreenSweeper {
    /// The connection used.
    public let connection: Connection

    /// A sweeper over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// Expires stale invitations and closes overdue screens, in one transaction.
    ///
    /// - Returns: how many screens it closed or expired.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public func closeOverdue() throws -> Int {
        try connection.withTransaction { tx in try Self.closeOverdue(expertID: nil, bank: nil, tx) }
    }

    /// Expires and closes inside the caller's transaction, for one expert and bank when given.
    @discardableResult
    static func closeOverdue(expertID: Int?, bank: String?, _ tx: Connection) throws -> Int {
        let expired = try tx.execute("""
            UPDATE screens SET status = $3
            WHERE status = ANY ($4) AND invite_expires_at <= now()
              AND ($1::bigint IS NULL OR expert_id = $1) AND ($2::text IS NULL OR bank_slug = $2)
            """, [expertID, bank, ScreenStatus.expired.rawValue, ScreenStatus.expired.allowedPredecessorValues])
        let overdue = try tx.query("""
            SELECT id FROM screens WHERE status = $3 AND deadline + make_interval(secs => grace_seconds) < now()
              AND ($1::bigint IS NULL OR expert_id = $1) AND ($2::text IS NULL OR bank_slug = $2)
            ORDER BY id FOR UPDATE
            """, [expertID, bank, ScreenStatus.inProgress.rawValue]).map { try $0.decode("id", as: Int.self) }
        for id in overdue { try ScreenScorer(tx: tx).finalize(screenID: id, by: "deadline") }
        return expired + overdue.count
    }
}
