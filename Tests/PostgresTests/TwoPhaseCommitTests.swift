import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Two-phase commit", .serialized, .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
struct TwoPhaseCommitTests {
    let url: String
    let prefix = "assay-test-\(UInt32.random(in: 0 ... UInt32.max))-"

    init() throws {
        url = try TestDatabase.url(for: "pg_two_phase")
        try Connection(url).executeScript("CREATE TABLE IF NOT EXISTS prepared_rows (name text)")
    }

    func prepare(_ name: String) throws {
        let connection = try Connection(url)
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO prepared_rows VALUES ($1)", [name])
        try connection.prepareTransaction(name)
        #expect(!connection.isInTransaction, "preparing ends the transaction block")
    }

    func rows(_ name: String) throws -> Int {
        try Connection(url).query("SELECT count(*)::int AS n FROM prepared_rows WHERE name = $1", [name])[0].decode("n")
    }

    @Test("a prepared transaction outlives its session, is listed by its prefix, and is committed or rolled back from another session")
    func lifecycle() throws {
        #expect(try Connection(url).maxPreparedTransactions() >= 2)
        let kept = prefix + "kept", dropped = prefix + "dropped"
        try prepare(kept)
        try prepare(dropped)
        let other = try Connection(url)
        #expect(try other.preparedTransactionNames(prefix: prefix) == [dropped, kept])
        #expect(try rows(kept) == 0, "invisible until committed")
        try other.commitPrepared(kept)
        try other.rollbackPrepared(dropped)
        #expect(try rows(kept) == 1 && rows(dropped) == 0)
        #expect(try other.preparedTransactionNames(prefix: prefix).isEmpty)
        let gone = try #require(throws: PostgresError.self) { try other.commitPrepared(kept) }
        #expect(gone.code == .undefinedObject)
    }

    @Test("a prefix is matched literally: LIKE's wildcards in it match only themselves")
    func literalPrefix() throws {
        let name = prefix + "a_b"
        try prepare(name)
        defer { try? Connection(url).rollbackPrepared(name) }
        let connection = try Connection(url)
        #expect(try connection.preparedTransactionNames(prefix: prefix + "a_") == [name])
        #expect(try connection.preparedTransactionNames(prefix: prefix + "a%").isEmpty)
        #expect(try connection.preparedTransactionNames(prefix: prefix + "ax").isEmpty)
    }

    @Test("a name that would need quoting is refused before anything reaches the server", arguments: ["it's", "", "a b", "x;y", String(repeating: "n", count: 200)])
    func badNames(name: String) throws {
        let connection = try Connection(url)
        try connection.execute("BEGIN")
        let error = try #require(throws: PostgresError.self) { try connection.prepareTransaction(name) }
        #expect(error.kind == .usage)
        #expect(connection.isInTransaction, "the transaction is still open")
        try connection.execute("ROLLBACK")
        #expect(throws: PostgresError.self) { try connection.commitPrepared(name) }
        #expect(throws: PostgresError.self) { try connection.rollbackPrepared(name) }
    }
}
