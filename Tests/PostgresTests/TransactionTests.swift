import Foundation
import AssayTesting
import Postgres
import Testing

struct Boom: Error {}

@Suite("Transactions")
struct TransactionTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_transactions")
        let connection = try Connection(url)
        try connection.executeScript("SELECT pg_advisory_xact_lock(7002); CREATE TABLE IF NOT EXISTS ledger (tag text, amount int)")
    }

    func count(_ tag: String, on connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM ledger WHERE tag = $1", [tag])[0].decode("n")
    }

    @Test("a transaction commits what its body did")
    func commits() throws {
        let connection = try Connection(url)
        let tag = "commit-\(Int.random(in: 0...Int.max))"
        let value = try connection.withTransaction { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, 1), ($1, 2)", [tag])
        }
        #expect(value == 2)
        #expect(try count(tag, on: Connection(url)) == 2)
    }

    @Test("a thrown error rolls everything back and is rethrown")
    func rollsBack() throws {
        let connection = try Connection(url)
        let tag = "rollback-\(Int.random(in: 0...Int.max))"
        #expect(throws: Boom.self) {
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                throw Boom()
            }
        }
        #expect(try count(tag, on: connection) == 0)
        #expect(!connection.isInTransaction)
    }

    @Test("a server error inside the body rolls back")
    func serverErrorRollsBack() throws {
        let connection = try Connection(url)
        let tag = "server-\(Int.random(in: 0...Int.max))"
        #expect(throws: PostgresError.self) {
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                try tx.execute("INSERT INTO ledger VALUES ($1, 'not a number')", [tag])
            }
        }
        #expect(try count(tag, on: connection) == 0)
    }

    @Test("a server error swallowed inside the body does not commit silently")
    func swallowedError() throws {
        let connection = try Connection(url)
        let tag = "swallowed-\(Int.random(in: 0...Int.max))"
        let error = try #require(throws: PostgresError.self) {
            try connection.withTransaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
                _ = try? tx.execute("SELECT 1/0")
            }
        }
        #expect(error.kind == .usage)
        #expect(try count(tag, on: connection) == 0)
    }

    @Test("a nested transaction is a savepoint: its failure undoes only itself")
    func nested() throws {
        let connection = try Connection(url)
        let tag = "nested-\(Int.random(in: 0...Int.max))"
        try connection.withTransaction { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
            _ = try? tx.withTransaction { inner in
                try inner.execute("INSERT INTO ledger VALUES ($1, 2)", [tag])
                throw Boom()
            }
            try tx.execute("INSERT INTO ledger VALUES ($1, 3)", [tag])
        }
        let amounts: [Int] = try connection.query("SELECT amount FROM ledger WHERE tag = $1 ORDER BY amount", [tag]).map { try $0.decode("amount") }
        #expect(amounts == [1, 3])
    }

    @Test("a server error swallowed inside a savepoint undoes only the savepoint, with a usage error")
    func swallowedInsideSavepoint() throws {
        let connection = try Connection(url)
        let tag = "nested-swallowed-\(Int.random(in: 0...Int.max))"
        var innerError: PostgresError?
        try connection.withTransaction { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, 1)", [tag])
            do {
                try tx.withTransaction { inner in
                    try inner.execute("INSERT INTO ledger VALUES ($1, 2)", [tag])
                    _ = try? inner.execute("SELECT 1/0")
                }
            } catch let error as PostgresError {
                innerError = error
            }
            try tx.execute("INSERT INTO ledger VALUES ($1, 3)", [tag])
        }
        #expect(innerError?.kind == .usage)
        let amounts: [Int] = try connection.query("SELECT amount FROM ledger WHERE tag = $1 ORDER BY amount", [tag]).map { try $0.decode("amount") }
        #expect(amounts == [1, 3])
    }

    @Test("a serialization failure is retried and the second attempt commits")
    func retriesSerializationFailure() throws {
        let connection = try Connection(url)
        let rival = try Connection(url)
        let tag = "skew-\(Int.random(in: 0...Int.max))"
        var attempts = 0
        try connection.withRetryingTransaction(isolation: .serializable) { tx in
            attempts += 1
            _ = try tx.query("SELECT sum(amount) AS s FROM ledger WHERE tag = $1", [tag])
            if attempts == 1 {
                // A concurrent serializable transaction reads and writes the same rows and commits
                // first: this one then cannot be serialized (write skew) and fails with 40001.
                try rival.withTransaction(isolation: .serializable) { other in
                    _ = try other.query("SELECT sum(amount) AS s FROM ledger WHERE tag = $1", [tag])
                    try other.execute("INSERT INTO ledger VALUES ($1, 20)", [tag])
                }
            }
            try tx.execute("INSERT INTO ledger VALUES ($1, 10)", [tag])
        }
        #expect(attempts == 2)
        let sum: Int = try connection.query("SELECT sum(amount)::int AS s FROM ledger WHERE tag = $1", [tag])[0].decode("s")
        #expect(sum == 30)
    }

    @Test("retries stop after the policy's attempts and the last 40001 is thrown")
    func retriesAreBounded() throws {
        let connection = try Connection(url)
        var attempts = 0
        let error = try #require(throws: PostgresError.self) {
            try connection.withRetryingTransaction(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.001)) { tx in
                attempts += 1
                try tx.executeScript("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$")
            }
        }
        #expect(error.code == .serializationFailure)
        #expect(attempts == 3)
    }

    @Test("a deadlock is retried too, and other errors are not")
    func deadlockAndOtherErrors() throws {
        let connection = try Connection(url)
        var attempts = 0
        try connection.withRetryingTransaction { tx in
            attempts += 1
            if attempts < 3 {
                try tx.executeScript("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40P01'; END $$")
            }
        }
        #expect(attempts == 3)
        attempts = 0
        #expect(throws: PostgresError.self) {
            try connection.withRetryingTransaction { tx in
                attempts += 1
                try tx.execute("SELECT 1/0")
            }
        }
        #expect(attempts == 1)
    }

    @Test("backoff waits stay within their bound")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.01, maxDelay: 0.1)
        for retry in 1...20 {
            let delay = policy.delay(beforeRetry: retry)
            #expect(delay >= 0 && delay <= min(0.1, 0.01 * Double(1 << min(retry - 1, 30))))
        }
    }
}
