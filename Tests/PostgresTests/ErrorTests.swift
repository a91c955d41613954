import Foundation
import AssayTesting
import Postgres
import Testing

@Suite("Server errors carry SQLSTATE and the details PostgreSQL gives")
struct ErrorTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pg_errors"))
        // The advisory lock serializes the suite's concurrent set-ups (CREATE … IF NOT EXISTS races).
        try connection.executeScript("""
            SELECT pg_advisory_xact_lock(7001);
            CREATE TABLE IF NOT EXISTS people (id bigint PRIMARY KEY, email text NOT NULL,
                CONSTRAINT people_email_key UNIQUE (email));
            """)
    }

    @Test("a unique violation is recognised by code and names its constraint")
    func uniqueViolation() throws {
        let email = "dup-\(UInt64.random(in: 0...UInt64.max))@example.org"
        let id = Int.random(in: 1...Int.max / 2)
        try connection.execute("INSERT INTO people VALUES ($1, $2)", [id, email])
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO people VALUES ($1, $2)", [id + 1, email])
        }
        #expect(error.kind == .server)
        #expect(error.code == .uniqueViolation)
        #expect(error.constraint == "people_email_key")
        #expect(error.table == "people")
        #expect(error.detail?.contains(email) == true)
        // The user-facing description never quotes the offending value.
        #expect(!error.description.contains(email))
        #expect(error.debugDescription.contains("INSERT INTO people"))
    }

    @Test("a syntax error reports the 1-based position of the offending token")
    func syntaxErrorPosition() throws {
        let sql = "SELECT 1 FROM FROM people"
        let error = try #require(throws: PostgresError.self) { try connection.query(sql) }
        #expect(error.code == .syntaxError)
        #expect(error.position == 15)  // the second FROM starts at character 15
        #expect(!error.description.contains(sql))
    }

    @Test("an undefined table has its own code, and the connection stays usable after errors")
    func undefinedTable() throws {
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT * FROM no_such_table") }
        #expect(error.code == .undefinedTable)
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test("a hint from the server is kept")
    func hint() throws {
        let error = try #require(throws: PostgresError.self) {
            try connection.executeScript("DO $$ BEGIN RAISE EXCEPTION 'custom' USING HINT = 'try again', ERRCODE = 'P0001'; END $$")
        }
        #expect(error.code == "P0001")
        #expect(error.hint == "try again")
        #expect(error.message == "custom")
    }

    @Test("a connection that cannot be made is a connection error with libpq's reason")
    func connectionRefused() throws {
        let error = try #require(throws: PostgresError.self) {
            _ = try Connection("postgresql:///nowhere?host=/nonexistent-assay-socket-dir")
        }
        #expect(error.kind == .connection)
        #expect(error.message.contains("nonexistent-assay-socket-dir"))
    }

    @Test("a missing database is reported with its SQLSTATE-free connection error")
    func missingDatabase() throws {
        let url = try TestDatabase.url(for: "pg_errors")
        let other = url.replacingOccurrences(of: "/t_pg_errors_", with: "/missing_")
        #expect(throws: PostgresError.self) { _ = try Connection(other) }
    }

    @Test("identifiers are quoted by libpq")
    func identifierEscaping() throws {
        #expect(try connection.escapeIdentifier("plain") == "\"plain\"")
        #expect(try connection.escapeIdentifier("we\"ird name") == "\"we\"\"ird name\"")
        let table = try connection.escapeIdentifier("Tabla \"rara\" ñ")
        try connection.execute("CREATE TABLE IF NOT EXISTS \(table) (x int)")
        try connection.execute("INSERT INTO \(table) VALUES ($1)", [Int32(5)])
        #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n", as: Int.self) >= 1)
    }

    @Test("COPY statements are refused by query, which leaves the connection usable")
    func copyThroughQuery() throws {
        let error = try #require(throws: PostgresError.self) { try connection.query("COPY people FROM STDIN") }
        #expect(error.kind == .usage)
        #expect(try connection.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }
}

@Suite("Prepared statements")
struct PreparedStatementTests {
    @Test("a statement prepared once runs many times with different parameters")
    func reuse() throws {
        let connection = try Connection(try TestDatabase.url(for: "pg_prepared"))
        let square = try connection.prepare("square", "SELECT $1::bigint * $1::bigint AS sq")
        for value in [2, 3, -7] {
            #expect(try connection.query(square, [value])[0].decode("sq", as: Int.self) == value * value)
        }
        // Preparing the same name again reuses it instead of failing.
        let again = try connection.prepare("square", "SELECT $1::bigint * $1::bigint AS sq")
        #expect(try connection.query(again, [5])[0].decode("sq", as: Int.self) == 25)
        // A statement prepared elsewhere is refused with a clear error.
        let other = try Connection(try TestDatabase.url(for: "pg_prepared"))
        #expect(throws: PostgresError.self) { try other.query(square, [1]) }
    }

    @Test("a prepared statement with a syntax error fails at prepare time")
    func badStatement() throws {
        let connection = try Connection(try TestDatabase.url(for: "pg_prepared"))
        let error = try #require(throws: PostgresError.self) { _ = try connection.prepare("bad", "SELEC 1") }
        #expect(error.code == .syntaxError)
    }
}
