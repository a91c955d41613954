import AssayTesting
import Postgres
import Testing

@Suite("Results that must have one row")
struct RowCountTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pg_rowcount"))
    }

    @Test("one() returns the only row")
    func exactlyOne() throws {
        let value: Int = try connection.query("SELECT 41 + 1 AS v").one().decode("v")
        #expect(value == 42)
        let prepared = try connection.prepare("row_count_one", "SELECT $1::text AS v")
        #expect(try connection.query(prepared, ["x"]).one().decode("v", as: String.self) == "x")
    }

    @Test("one() on a result without rows, or with several, throws saying how many it got",
          arguments: [(0, "got 0"), (3, "got 3")])
    func notExactlyOne(rows: Int, says: String) throws {
        let sql = "SELECT x FROM generate_series(1, $1) AS x"
        let error = try #require(throws: PostgresError.self) { _ = try connection.query(sql, [rows]).one() }
        #expect(error.kind == .rowCount)
        #expect(error.message == "expected exactly one row, \(says)")
        // The statement is kept for developers, never in the user-facing description.
        #expect(!error.description.contains("generate_series"))
        #expect(error.debugDescription.contains("generate_series"))
    }

    @Test("one() on a statement that returns no rows throws instead of trapping")
    func statementWithoutRows() throws {
        let error = try #require(throws: PostgresError.self) { _ = try connection.query("SELECT 1 WHERE false").one() }
        #expect(error.kind == .rowCount)
        #expect(throws: PostgresError.self) { _ = try connection.query("SET application_name TO 'rows'").one() }
    }

    @Test("atMostOne() gives nil for no row, the row for one, and throws for several")
    func atMostOne() throws {
        let sql = "SELECT x FROM generate_series(1, $1) AS x"
        #expect(try connection.query(sql, [0]).atMostOne() == nil)
        #expect(try connection.query(sql, [1]).atMostOne()?.decode("x", as: Int.self) == 1)
        let error = try #require(throws: PostgresError.self) { _ = try connection.query(sql, [2]).atMostOne() }
        #expect(error.kind == .rowCount)
        #expect(error.message == "expected at most one row, got 2")
    }
}
