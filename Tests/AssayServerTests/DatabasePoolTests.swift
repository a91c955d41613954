import AssayCore
import AssayServer
import AssayTesting
import Banks
import Foundation
import Logging
import Postgres
import Testing

/// A migrated database with the shipped banks.
struct DoorDatabase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url: String
    let connection: Connection

    init(_ name: String) throws {
        url = try TestDatabase.url(for: name)
        connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        try Catalog(connection: connection).sync(BankLinter.lint(path: Self.repository.appendingPathComponent("interview-banks").path), actor: "tester")
    }

    /// A new expert invited to `bank`.
    func invite(bank: String = "physics-core", domain: String = "physics") throws -> Invitations.Invitation {
        let email = "door-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Candidate", "country": "FR", "highest_degree": "phd", "years_experience": "10",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["fr"], "domains": [domain]]), actor: "tester")
        return try Invitations(connection: connection).invite(expert: email, bank: bank, expiresInDays: 7, actor: "tester")
    }
}

@Suite("The door's database pool", .serialized)
struct DatabasePoolTests {
    let database: DoorDatabase
    let logger = Logger(label: "test.pool")

    init() throws { database = try DoorDatabase("door_pool") }

    @Test("many concurrent jobs share the pool's connections, each job on one connection at a time")
    func sharesConnections() async throws {
        let pool = DatabasePool(size: 3, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<60 {
                group.addTask {
                    try await pool.run { connection in
                        let row = try connection.query("SELECT $1::int + 1 AS n, pg_backend_pid() AS pid, pg_sleep(0.005)::text", [index]).one()
                        return (try row.decode("n", as: Int.self) - 1, try row.decode("pid", as: Int.self))
                    }
                }
            }
            var all: [(Int, Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(Set(results.map(\.0)) == Set(0..<60))
        #expect(Set(results.map(\.1)).count <= 3)
    }

    @Test("a job's error reaches its caller and the connection goes on serving")
    func errors() async throws {
        let pool = DatabasePool(size: 1, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        await #expect(throws: PostgresError.self) {
            try await pool.run { connection in try connection.execute("SELECT * FROM no_such_table") }
        }
        let one: Int = try await pool.run { connection in try connection.query("SELECT 1").one().decode(0) }
        #expect(one == 1)
    }

    @Test("a connection that died, or that a job left in a transaction, is replaced before the next job")
    func replacesConnections() async throws {
        let pool = DatabasePool(size: 1, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let first: Int = try await pool.run { connection in try connection.query("SELECT pg_backend_pid()").one().decode(0) }
        try database.connection.execute("SELECT pg_terminate_backend($1::int)", [first])
        await #expect(throws: PostgresError.self) {
            try await pool.run { connection in try connection.execute("SELECT 1") }
        }
        let second: Int = try await pool.run { connection in try connection.query("SELECT pg_backend_pid()").one().decode(0) }
        #expect(second != first)
        try await pool.run { connection in _ = try connection.execute("BEGIN") }
        let third: (Int, Bool) = try await pool.run { connection in
            (try connection.query("SELECT pg_backend_pid()").one().decode(0), connection.isInTransaction)
        }
        #expect(third.0 != second && !third.1)
    }

    @Test("a pool that cannot connect fails to start, saying why; a stopped pool refuses jobs")
    func startAndStop() async throws {
        let broken = DatabasePool(size: 2, conninfo: "postgresql://nobody@/none?host=/nonexistent-socket-folder", logger: logger)
        #expect(throws: PostgresError.self) { try broken.start() }
        let pool = DatabasePool(size: 1, conninfo: database.url, logger: logger)
        try pool.start()
        pool.shutdown()
        await #expect(throws: PostgresError.self) {
            try await pool.run { connection in try connection.execute("SELECT 1") }
        }
    }

    @Test("a whole screen through PooledScreenService on two connections: every answer saved, the screen scored")
    func wholeScreen() async throws {
        let invitation = try database.invite()
        let pool = DatabasePool(size: 2, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let service = PooledScreenService(pool: pool)
        let overview = try await service.begin(code: invitation.code)
        for position in 1...overview.questionCount {
            let question = try await service.question(code: invitation.code, position: position)
            let answer: CandidateAnswer = switch question.kind {
            case .singleChoice: .choice(0)
            case .multipleResponse: .choices([0])
            case .trueFalse: .boolean(true)
            case .numeric: .number(1)
            case .ordering: .order(Array(question.choices.indices))
            case .matching: .matches((question.matchPrompts ?? []).map { _ in 0 })
            case .shortText, .essay: .text("an answer")
            }
            #expect(try await service.answer(code: invitation.code, position: position, answer: answer, typed: question.kind == .numeric ? "1" : "x").saved)
        }
        let completion = try await service.submit(code: invitation.code)
        #expect(completion.answered == overview.questionCount)
        let answered: Int = try database.connection.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [invitation.screenID]).one().decode(0)
        #expect(answered == overview.questionCount)
    }
}
