extension Connection {
    /// The server's `max_prepared_transactions`: how many transactions may be prepared at once
    /// (0, the default of a stock server, disables two-phase commit).
    ///
    /// - Throws: ``PostgresError``.
    public func maxPreparedTransactions() throws -> Int {
        let setting: String = try query("SELECT current_setting('max_prepared_transactions') AS n")[0].decode("n")
        return Int(setting) ?? 0
    }

    /// Ends the open transaction block by preparing it for two-phase commit under `name`
    /// (`PREPARE TRANSACTION`): its work survives this session, and even a restart of the server,
    /// until ``commitPrepared(_:)`` or ``rollbackPrepared(_:)``, from any session of the server.
    ///
    /// - Parameter name: the transaction's name, unique on the server: letters, digits, `-`,
    ///   `_`, `.` and `:`, at most 199 bytes (it goes into the statement text, which takes no
    ///   parameters).
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/usage`` for a name of other
    ///   characters; the server's error otherwise (no transaction block, a name in use, or
    ///   `max_prepared_transactions` reached).
    public func prepareTransaction(_ name: String) throws {
        try execute("PREPARE TRANSACTION \(try Self.preparedTransactionLiteral(name))")
    }

    /// Commits a prepared transaction (`COMMIT PREPARED`). Runs outside a transaction block.
    ///
    /// - Parameter name: the name given to ``prepareTransaction(_:)``.
    /// - Throws: ``PostgresError``: of kind ``PostgresError/Kind/usage`` for a name
    ///   ``prepareTransaction(_:)`` would refuse; with code ``PostgresError/Code/undefinedObject``
    ///   when no transaction of that name is prepared (another session may have resolved it).
    public func commitPrepared(_ name: String) throws {
        try execute("COMMIT PREPARED \(try Self.preparedTransactionLiteral(name))")
    }

    /// Rolls back a prepared transaction (`ROLLBACK PREPARED`). Runs outside a transaction block.
    ///
    /// - Parameter name: the name given to ``prepareTransaction(_:)``.
    /// - Throws: as ``commitPrepared(_:)``.
    public func rollbackPrepared(_ name: String) throws {
        try execute("ROLLBACK PREPARED \(try Self.preparedTransactionLiteral(name))")
    }

    /// The names of the transactions prepared in this connection's database whose name starts
    /// with `prefix`, in name order: what a process that died between preparing and committing
    /// left behind.
    ///
    /// - Parameter prefix: the start of the names (matched literally; `%` and `_` are not
    ///   wildcards).
    /// - Returns: the names.
    /// - Throws: ``PostgresError``.
    public func preparedTransactionNames(prefix: String) throws -> [String] {
        try query("""
            SELECT gid FROM pg_prepared_xacts
            WHERE database = current_database() AND starts_with(gid, $1)
            ORDER BY gid
            """, [prefix]).map { try $0.decode("gid", as: String.self) }
    }

    /// The name as an SQL string literal, after checking it holds only characters that need no
    /// quoting (so that no value can change the statement).
    private static func preparedTransactionLiteral(_ name: String) throws -> String {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        guard !name.isEmpty, name.utf8.count < 200, allowed else {
            throw PostgresError(kind: .usage, message: "a prepared transaction's name must be 1 to 199 letters, digits, '-', '_', '.' or ':'")
        }
        return "'\(name)'"
    }
}
