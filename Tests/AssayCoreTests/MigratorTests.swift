import AssayCore
import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Migrations")
struct MigratorTests {
    /// A fresh database per test (migrations are about a database's whole history).
    func freshDatabase(_ name: String) throws -> String {
        try TestDatabase.url(for: "migr_\(name)")
    }

    func folder(_ files: [String: String]) throws -> URL {
        let folder = try TemporaryFolder.make(prefix: "assay-sql-")
        for (name, sql) in files {
            try Data(sql.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }

    @Test("the shipped migrations apply in order, once, and record checksums")
    func shipped() throws {
        let connection = try Connection(try freshDatabase("shipped"))
        let migrator = try Migrator.shipped()
        let first = try migrator.migrate(connection)
        #expect(first.first?.label == "001_core")
        #expect(try migrator.migrate(connection).isEmpty, "a second run applies nothing")
        let applied = try migrator.applied(on: connection)
        #expect(applied.map(\.version) == first.map(\.version))
        #expect(applied.allSatisfy { $0.checksum.count == 64 })
    }

    @Test("the events table is append-only")
    func eventsAppendOnly() throws {
        let connection = try Connection(try freshDatabase("events"))
        try Migrator.shipped().migrate(connection)
        try connection.execute("INSERT INTO events (actor, action, details) VALUES ($1, $2, $3)",
                               ["tester", "test.recorded", PostgresJSON(text: #"{"n": 1}"#)])
        for statement in ["UPDATE events SET actor = 'someone else'", "DELETE FROM events", "TRUNCATE events"] {
            let error = try #require(throws: PostgresError.self) { try connection.execute(statement) }
            #expect(error.code == "42501", "\(statement)")
        }
        #expect(try connection.query("SELECT count(*) AS n FROM events")[0].decode("n", as: Int.self) == 1)
        #expect(throws: PostgresError.self) {
            try connection.execute("INSERT INTO events (actor, action) VALUES ('x', 'NotAnAction')")
        }
    }

    @Test("a changed migration that was already applied is refused, naming its file")
    func checksumMismatch() throws {
        let connection = try Connection(try freshDatabase("checksum"))
        let dir = try folder(["001_first.sql": "CREATE TABLE first (x int);", "002_second.sql": "CREATE TABLE second (y int);"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = Migrator(directory: dir)
        #expect(try migrator.migrate(connection).count == 2)
        try Data("CREATE TABLE first (x int, changed int);".utf8).write(to: dir.appendingPathComponent("001_first.sql"))
        let error = try #require(throws: AssayError.self) { try migrator.migrate(connection) }
        #expect(error.code == .migration)
        #expect(error.file?.hasSuffix("001_first.sql") == true)
        #expect(error.description.contains("001_first.sql"))
        #expect(error.message.contains("changed after it was applied"))
    }

    @Test("a failing migration is rolled back alone; earlier ones stay and a fixed file then applies")
    func failingMigration() throws {
        let connection = try Connection(try freshDatabase("failing"))
        let dir = try folder(["001_ok.sql": "CREATE TABLE ok (x int);", "002_bad.sql": "CREATE TABLE half (y int); SELEC 1;"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = Migrator(directory: dir)
        #expect(throws: PostgresError.self) { try migrator.migrate(connection) }
        #expect(try migrator.applied(on: connection).map(\.version) == [1])
        let half: Bool = try connection.query("SELECT to_regclass('half') IS NULL AS gone")[0].decode("gone")
        #expect(half, "the failed migration's first statement was rolled back")
        try Data("CREATE TABLE half (y int);".utf8).write(to: dir.appendingPathComponent("002_bad.sql"))
        #expect(try migrator.migrate(connection).map(\.version) == [2])
    }

    @Test("badly named or duplicate-numbered files are refused before anything runs")
    func badFiles() throws {
        for files in [["1_short.sql": "SELECT 1;"], ["001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 1;"], ["abc_name.sql": "SELECT 1;"]] {
            let dir = try folder(files)
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(throws: AssayError.self) { try Migrator(directory: dir).migrations() }
        }
    }

    @Test("a database with a migration this program does not know is refused")
    func unknownMigration() throws {
        let connection = try Connection(try freshDatabase("unknown"))
        let dir = try folder(["001_a.sql": "SELECT 1;", "002_b.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try Migrator(directory: dir).migrate(connection)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("002_b.sql"))
        let error = try #require(throws: AssayError.self) { try Migrator(directory: dir).migrate(connection) }
        #expect(error.message.contains("002_b"))
    }

    @Test("two migrators running at once apply each migration exactly once")
    func concurrentMigrators() async throws {
        let url = try freshDatabase("concurrent")
        // A slow first migration widens the window in which the second migrator arrives.
        let dir = try folder([
            "001_slow.sql": "SELECT pg_sleep(0.5); CREATE TABLE counter (n int); INSERT INTO counter VALUES (1);",
            "002_more.sql": "UPDATE counter SET n = n + 1;",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = Migrator(directory: dir)
        let outcomes = await withTaskGroup(of: Result<Int, any Error>.self) { group in
            for _ in 0..<2 {
                group.addTask { Result { try migrator.migrate(Connection(url)).count } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let counts = try outcomes.map { try $0.get() }.sorted()
        #expect(counts == [0, 2])
        let n: Int = try Connection(url).query("SELECT n FROM counter")[0].decode("n")
        #expect(n == 2)
    }
}

@Suite("Choosing the database")
struct DatabaseConfigurationTests {
    @Test("--database-url wins over DATABASE_URL, which wins over PG variables, which win over the embedded default")
    func precedence() {
        let all = ["DATABASE_URL": "postgresql://env/db", "PGHOST": "/run/pg", "ASSAY_HOME": "/srv/assay"]
        guard case .url(let url, let source) = DatabaseConfiguration.resolve(option: "postgresql://opt/db", environment: all) else {
            Issue.record("expected the option"); return
        }
        #expect(url == "postgresql://opt/db" && source == "--database-url")
        guard case .url(_, let source2) = DatabaseConfiguration.resolve(option: nil, environment: all) else {
            Issue.record("expected DATABASE_URL"); return
        }
        #expect(source2 == "DATABASE_URL")
        guard case .environment(let names) = DatabaseConfiguration.resolve(option: nil, environment: ["PGHOST": "/run/pg", "PGUSER": "me"]) else {
            Issue.record("expected libpq variables"); return
        }
        #expect(names == ["PGHOST", "PGUSER"])
        guard case .embedded(let cluster) = DatabaseConfiguration.resolve(option: nil, environment: ["ASSAY_HOME": "/srv/assay"]) else {
            Issue.record("expected the embedded default"); return
        }
        #expect(cluster.home.path == "/srv/assay")
        guard case .embedded(let local) = DatabaseConfiguration.resolve(option: nil, environment: ["PGPASSWORD": "x"]) else {
            Issue.record("a password alone selects no server"); return
        }
        #expect(local.home.lastPathComponent == ".assay")
    }
}
