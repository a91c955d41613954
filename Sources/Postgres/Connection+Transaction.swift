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
    /// - Parameters:
    ///   - isolation: the isolation level (outermost transaction only); the server's default
    ///     when nil.
    ///   - body: the work, given this connection.
    /// - Returns: what `body` returns.
    /// - Throws: `body`'s error after rolling back, or the ``PostgresError`` of BEGIN or COMMIT.
    ///   If `body` swallowed a server error, the transaction is aborted; it is rolled back and an
    ///   error says so instead of committing nothing silently.
    public func withTransaction<T>(isolation: IsolationLevel? = nil, _ body: (Connection) throws -> T) throws -> T {
        if isInTransaction {
            let savepoint = "assay_sp_\(UInt32.random(in: 0...UInt32.max))"
            try executeScript("SAVEPOINT \(savepoint)")
            do {
                let value = try body(self)
                try executeScript("RELEASE SAVEPOINT \(savepoint)")
                return value
            } catch {
                try? executeScript("ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)")
                throw error
            }
        }
        if let isolation {
            try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        } else {
            try executeScript("BEGIN")
        }
        let value: T
        do {
            value = try body(self)
        } catch {
            try? executeScript("ROLLBACK")
            throw error
        }
        if isInErrorState {
            try? executeScript("ROLLBACK")
            throw PostgresError(
                kind: .usage,
                message: "the transaction was aborted by an earlier error that was caught inside it; it has been rolled back")
        }
        try executeScript("COMMIT")
        return value
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
