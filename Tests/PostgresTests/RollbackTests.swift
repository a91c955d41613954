import AssayTesting
import Foundation
import Logging
import Postgres
import Synchronization
import Testing

/// The tables the two suites below write to, created once per suite set-up.
private func prepareLedger(_ url: String) throws {
    let connection = try Connection(url)
    try connection.executeScript("SELECT pg_advisory_xact_lock(7003); CREATE TABLE IF NOT EXISTS ledger (tag text, amount int)")
}

private func count(_ tag: String, url: String) throws -> Int {
    try Connection(url).query("SELECT count(*)::int AS n FROM ledger WHERE tag = $1", [tag]).one().decode("n")
}

private func freshTag(_ prefix: String) -> String { "\(prefix)-\(UInt64.random(in: 0...UInt64.max))" }

@Suite("Rollback-only transactions")
struct RollbackOnlyTransactionTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_rollback_only")
        try prepareLedger(url)
    }

    @Test("the body's value is returned and nothing it wrote persists")
    func returnsValueAndKeepsNothing() throws {
        let connection = try Connection(url)
        let tag = freshTag("dry")
        let (inserted, seenInside) = try connection.withRollbackOnlyTransaction { tx in
            let inserted = try tx.execute("INSERT INTO ledger VALUES ($1, 1), ($1, 2), ($1, 3)", [tag])
            let seen: Int = try tx.query("SELECT count(*)::int AS n FROM ledger WHERE tag = $1", [tag]).one().decode("n")
            return (inserted, seen)
        }
        #expect(inserted == 3)
        #expect(seenInside == 3)
        #expect(!connection.isInTransaction)
        #expect(try count(tag, url: url) == 0)
        // The connection goes on working, outside any transaction.
        try connection.execute("INSERT INTO ledger VALUES ($1, 9)", [tag])
        #expect(try count(tag, url: url) == 1)
    }

    @Test("an error thrown by the body propagates, and nothing persists")
    func errorsPropagate() throws {
        let connection = try Connection(url)
        let tag = freshTag("dry-error")
        #expect(throws: Boom.self) {
            try connection.withRollbackOnlyTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                throw Boom()
            }
        }
        let serverError = try #require(throws: PostgresError.self) {
            try connection.withRollbackOnlyTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                try tx.execute("SELECT 1/0")
            }
        }
        #expect(serverError.code?.rawValue == "22012")
        #expect(!connection.isInTransaction)
        #expect(connection.isOpen)
        #expect(try count(tag, url: url) == 0)
    }

    @Test("a server error swallowed inside a dry run is reported, not turned into a result")
    func swallowedError() throws {
        let connection = try Connection(url)
        let error = try #require(throws: PostgresError.self) {
            try connection.withRollbackOnlyTransaction { tx in
                _ = try? tx.execute("SELECT 1/0")
                return 1
            }
        }
        #expect(error.kind == .usage)
        #expect(!connection.isInTransaction)
    }

    @Test("withTransaction(rollingBack:) commits or rolls back as the flag says", arguments: [false, true])
    func flag(rollingBack: Bool) throws {
        let connection = try Connection(url)
        let tag = freshTag("flag")
        let value = try connection.withTransaction(rollingBack: rollingBack) { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, 5)", [tag])
        }
        #expect(value == 1)
        #expect(try count(tag, url: url) == (rollingBack ? 0 : 1))
    }

    @Test("inside a transaction it rolls back only its own savepoint")
    func nested() throws {
        let connection = try Connection(url)
        let tag = freshTag("nested-dry")
        let preview = try connection.withTransaction { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
            let preview = try tx.withRollbackOnlyTransaction { inner in
                try inner.execute("INSERT INTO ledger VALUES ($1, 2)", [tag])
                return try inner.query("SELECT sum(amount)::int AS s FROM ledger WHERE tag = $1", [tag]).one().decode("s", as: Int.self)
            }
            #expect(tx.isInTransaction)
            try tx.execute("INSERT INTO ledger VALUES ($1, 4)", [tag])
            return preview
        }
        #expect(preview == 3)
        let amounts: [Int] = try connection.query("SELECT amount FROM ledger WHERE tag = $1 ORDER BY amount", [tag]).map { try $0.decode("amount") }
        #expect(amounts == [1, 4])
    }

    @Test("the isolation level applies to the dry run")
    func isolation() throws {
        let connection = try Connection(url)
        let level: String = try connection.withRollbackOnlyTransaction(isolation: .serializable) { tx in
            try tx.query("SHOW transaction_isolation").one().decode(0)
        }
        #expect(level == "serializable")
    }
}

/// Log entries a test can read back.
final class LogRecorder: Sendable {
    let entries = Mutex<[(level: Logger.Level, message: String, error: String?)]>([])

    var logger: Logger {
        Logger(label: "test.rollback") { _ in RecordingHandler(recorder: self) }
    }

    var errors: [(level: Logger.Level, message: String, error: String?)] {
        entries.withLock { $0.filter { $0.level == .error } }
    }
}

struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let error = event.error.map { String(describing: $0) }
        recorder.entries.withLock { $0.append((event.level, event.message.description, error)) }
    }
}

@Suite("A rollback that fails is recorded, not dropped")
struct FailedRollbackTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_failed_rollback")
        try prepareLedger(url)
    }

    /// Ends `connection`'s server session from another connection, waiting until it is gone.
    func terminateBackend(of connection: Connection) throws {
        let pid: Int32 = try connection.query("SELECT pg_backend_pid() AS pid").one().decode("pid")
        let terminated: Bool = try Connection(url).query("SELECT pg_terminate_backend($1, 10000) AS done", [pid]).one().decode("done")
        #expect(terminated)
    }

    @Test("the body's error and the rollback's failure are both in the error thrown, logged, and the connection is unusable")
    func backendTerminatedInsideBody() throws {
        let recorder = LogRecorder()
        let connection = try Connection(url, logger: recorder.logger)
        let tag = freshTag("terminated")
        let error = try #require(throws: PostgresError.self) {
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                try terminateBackend(of: tx)
                throw Boom()
            }
        }
        #expect(error.kind == .rollback)
        #expect(error.bodyError is Boom)
        #expect(error.message.contains("rolling back the transaction failed"))
        #expect(error.message.contains("Boom"))
        #expect(error.message.contains("open a new one"))
        #expect(recorder.errors.count == 1)
        #expect(recorder.errors.first?.error?.contains("rolling back the transaction failed") == true)
        #expect(!connection.isOpen)
        let later = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(later.kind == .connection)
        #expect(later.message.contains("unusable"))
        #expect(try count(tag, url: url) == 0)
    }

    @Test("a body that ended the transaction itself leaves the savepoint unrollable: recorded once, and the outer block adds nothing")
    func savepointGone() throws {
        let recorder = LogRecorder()
        let connection = try Connection(url, logger: recorder.logger)
        let tag = freshTag("savepoint-gone")
        let error = try #require(throws: PostgresError.self) {
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                try tx.withTransaction { inner in
                    try inner.executeScript("ROLLBACK")
                    throw Boom()
                }
            }
        }
        #expect(error.kind == .rollback)
        #expect(error.bodyError is Boom)
        #expect(recorder.errors.count == 1)
        // libpq still holds a live socket, but the layer refuses to run anything on it.
        #expect(!connection.isOpen)
        #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO ledger VALUES ($1, 2)", [tag]) }
        #expect(throws: PostgresError.self) { try connection.withTransaction { _ in } }
        #expect(throws: PostgresError.self) { try connection.copyIn("COPY ledger FROM STDIN") { _ in } }
        #expect(try count(tag, url: url) == 0)
    }

    @Test("a dry run whose closing rollback fails throws instead of returning its value")
    func rollbackOnlyEndFails() throws {
        let recorder = LogRecorder()
        let connection = try Connection(url, logger: recorder.logger)
        let tag = freshTag("dry-terminated")
        let error = try #require(throws: PostgresError.self) {
            try connection.withRollbackOnlyTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                try terminateBackend(of: tx)
                return 7
            }
        }
        #expect(error.kind == .rollback)
        #expect(error.bodyError == nil)
        #expect(error.message.contains("Nothing was committed"))
        #expect(recorder.errors.count == 1)
        #expect(!connection.isOpen)
        #expect(try count(tag, url: url) == 0)
    }

    @Test("a transient error whose rollback failed is not retried on the dead connection")
    func noRetryAfterFailedRollback() throws {
        let connection = try Connection(url, logger: LogRecorder().logger)
        var attempts = 0
        let error = try #require(throws: PostgresError.self) {
            try connection.withRetryingTransaction { tx in
                attempts += 1
                try terminateBackend(of: tx)
                throw PostgresError(kind: .server, code: .serializationFailure, message: "forced")
            }
        }
        #expect(attempts == 1)
        #expect(error.kind == .rollback)
        #expect((error.bodyError as? PostgresError)?.code == .serializationFailure)
    }
}
