import Foundation
import Logging

/// A transaction's isolation level.
public enum IsolationLevel: String, Sendable {
    /// READ COMMITTED, PostgreSQL's default.
    case readCommitted = "READ COMMITTED"
    /// REPEATABLE READ (snapshot isolation).
    case repeatableRead = "REPEATABLE READ"
    /// SERIALIZABLE: may fail with 40001, to be retried.
    case serializable = "SERIALIZABLE"
}

/// How ``Connection/withRetryingTransaction(isolation:retry:_:)`` retries: bounded attempts,
/// exponential backoff with full jitter (a random wait between 0 and the exponential bound).
public struct RetryPolicy: Sendable {
    /// Total attempts, the first included.
    public var maxAttempts: Int
    /// The bound of the first wait, in seconds; it doubles with each retry.
    public var baseDelay: Double
    /// The largest bound, in seconds.
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 10, baseDelay: Double = 0.005, maxDelay: Double = 0.5) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The default: 10 attempts, waits bounded by 5 ms doubling to 0.5 s.
    public static let `default` = RetryPolicy()

    /// The wait before retry number `retry` (1-based), in seconds.
    public func delay(beforeRetry retry: Int) -> Double {
        let bound = min(maxDelay, baseDelay * pow(2, Double(retry - 1)))
        return Double.random(in: 0...bound)
    }
}

extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Called inside another transaction, it uses a savepoint, so an error rolls back only
    /// the inner block.
    ///
    /// With `rollingBack: true` the transaction is rolled back even when `body` returns, and
    /// its value is returned: a dry run that reports what it would do and leaves nothing behind
    /// (see ``withRollbackOnlyTransaction(isolation:_:)``). Pass a flag to choose at run time:
    ///
    /// ```swift
    /// let changes = try connection.withTransaction(rollingBack: dryRun) { tx in try promote(tx) }
    /// ```
    ///
    /// When the rollback that follows a failure fails too (the connection was lost, or `body`
    /// ended the transaction itself), the failure is not dropped: it is logged at error level
    /// through ``logger``, the connection is marked unusable (``isOpen`` becomes `false` and
    /// every later statement throws), and the error thrown is a ``PostgresError`` of kind
    /// ``PostgresError/Kind/rollback`` whose ``PostgresError/bodyError`` is `body`'s error.
    ///
    /// - Parameters:
    ///   - isolation: the isolation level (outermost transaction only); the server's default
    ///     when nil.
    ///   - rollingBack: roll back instead of committing when `body` returns; `false` by default.
    ///   - body: the work, given this connection.
    /// - Returns: what `body` returns.
    /// - Throws: `body`'s error after rolling back, or the ``PostgresError`` of BEGIN or COMMIT.
    ///   If `body` swallowed a server error, the transaction is aborted; it is rolled back and an
    ///   error of kind ``PostgresError/Kind/usage`` says so instead of committing nothing
    ///   silently. A ``PostgresError/Kind/rollback`` error when rolling back failed.
    public func withTransaction<T>(
        isolation: IsolationLevel? = nil, rollingBack: Bool = false, _ body: (Connection) throws -> T
    ) throws -> T {
        let savepoint = isInTransaction ? "assay_sp_\(UInt32.random(in: 0...UInt32.max))" : nil
        let rollback: String
        if let savepoint {
            try executeScript("SAVEPOINT \(savepoint)")
            rollback = "ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)"
        } else {
            if let isolation {
                try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
            } else {
                try executeScript("BEGIN")
            }
            rollback = "ROLLBACK"
        }
        let value: T
        do {
            value = try body(self)
        } catch {
            throw rollBack(rollback, after: error)
        }
        if isInErrorState {
            throw rollBack(rollback, after: PostgresError(
                kind: .usage,
                message: "the transaction was aborted by an earlier error that was caught inside it; it has been rolled back"))
        }
        if rollingBack {
            do {
                try executeScript(rollback)
            } catch let error as PostgresError where unusableReason == nil {
                throw markUnusable(rollbackError: error, bodyError: nil, statement: rollback)
            }
        } else if let savepoint {
            try executeScript("RELEASE SAVEPOINT \(savepoint)")
        } else {
            try executeScript("COMMIT")
        }
        return value
    }

    /// Runs `body` in a transaction that is always rolled back, and returns what `body`
    /// returned: for dry runs, instead of throwing an error to roll back.
    ///
    /// Nothing `body` does persists, whether it returns or throws. Inside another transaction
    /// it uses a savepoint, rolled back in the same way. Sequences advanced by `body`
    /// (`nextval`) stay advanced, as in any rolled-back transaction.
    ///
    /// ```swift
    /// let wouldArchive = try connection.withRollbackOnlyTransaction { tx in
    ///     try tx.execute("UPDATE orders SET archived = true WHERE placed_at < $1", [cutoff])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - isolation: the isolation level (outermost transaction only); the server's default
    ///     when nil.
    ///   - body: the work, given this connection.
    /// - Returns: what `body` returns.
    /// - Throws: `body`'s error, after rolling back; the ``PostgresError`` of BEGIN; a
    ///   ``PostgresError/Kind/usage`` error when `body` swallowed a server error (its result
    ///   would describe work that could not have committed); a ``PostgresError/Kind/rollback``
    ///   error when the rollback itself failed (the connection is then unusable).
    public func withRollbackOnlyTransaction<T>(isolation: IsolationLevel? = nil, _ body: (Connection) throws -> T) throws -> T {
        try withTransaction(isolation: isolation, rollingBack: true, body)
    }

    /// Runs `rollback` after `bodyError` and returns the error to throw: `bodyError` when the
    /// rollback worked, or a ``PostgresError/Kind/rollback`` error that carries it when the
    /// rollback failed. A connection already marked unusable (by an inner block whose rollback
    /// failed) is not touched again: its failure is recorded already.
    private func rollBack(_ rollback: String, after bodyError: any Error) -> any Error {
        guard unusableReason == nil else { return bodyError }
        do {
            try executeScript(rollback)
            return bodyError
        } catch {
            let rollbackError = error as? PostgresError ?? PostgresError(kind: .connection, message: String(describing: error))
            return markUnusable(rollbackError: rollbackError, bodyError: bodyError, statement: rollback)
        }
    }

    /// Records a failed rollback: logs it, marks the connection unusable (its transaction state
    /// is unknown, so nothing more may run on it) and returns the error to throw.
    private func markUnusable(rollbackError: PostgresError, bodyError: (any Error)?, statement: String) -> PostgresError {
        var message = "rolling back the transaction failed: \(rollbackError.description). The connection is unusable: open a new one."
        if let bodyError {
            message += " The transaction had failed with: \(bodyError)"
        } else {
            message += " Nothing was committed."
        }
        var error = PostgresError(kind: .rollback, message: message, query: statement)
        error.bodyError = bodyError
        unusableReason = error
        logger.error(
            "transaction rollback failed; the connection is marked unusable",
            error: error,
            metadata: [
                "rollback_error": "\(rollbackError)",
                "body_error": "\(bodyError.map { String(describing: $0) } ?? "none")",
            ])
        return error
    }

    /// Runs `body` in a transaction and retries the whole block when it fails with a
    /// serialization failure (40001) or a deadlock (40P01), waiting a bounded, jittered delay
    /// between attempts.
    ///
    /// `body` may run several times: it must have no effect outside the database, or only
    /// effects that are safe to repeat.
    ///
    /// - Parameters:
    ///   - isolation: the isolation level, SERIALIZABLE by default.
    ///   - retry: how many attempts and how long to wait.
    ///   - body: the work.
    /// - Returns: what the successful attempt returned.
    /// - Throws: the last error once attempts run out, or at once any error that is not
    ///   transient; a usage error when called inside a transaction (a retry needs the whole
    ///   transaction).
    public func withRetryingTransaction<T>(
        isolation: IsolationLevel = .serializable, retry: RetryPolicy = .default, _ body: (Connection) throws -> T
    ) throws -> T {
        guard !isInTransaction else {
            throw PostgresError(kind: .usage, message: "withRetryingTransaction cannot run inside another transaction")
        }
        var attempt = 1
        while true {
            do {
                return try withTransaction(isolation: isolation, body)
            } catch let error as PostgresError where error.code?.isTransient == true && attempt < retry.maxAttempts {
                logger.debug("retrying transaction", metadata: ["sqlstate": "\(error.code?.rawValue ?? "")", "attempt": "\(attempt)"])
                Thread.sleep(forTimeInterval: retry.delay(beforeRetry: attempt))
                attempt += 1
            }
        }
    }
}
