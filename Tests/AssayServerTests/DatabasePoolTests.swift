import AssayCore
@testable import AssayServer
import AssayTesting
import Banks
import Dispatch
import Foundation
import Logging
import Postgres
import Synchronization
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

    @Test("the default reserve is a quarter of the pool, at least one, none for a single connection; long jobs always keep one")
    func reserveSizes() {
        #expect([1, 2, 3, 4, 8, 16].map { DatabasePool.defaultReserved(size: $0) } == [0, 1, 1, 1, 2, 4])
        #expect(DatabasePool(size: 8, conninfo: database.url, logger: logger).reserved == 2)
        #expect(DatabasePool(size: 2, reserved: 5, conninfo: database.url, logger: logger).reserved == 1)
        #expect(DatabasePool(size: 1, reserved: 1, conninfo: database.url, logger: logger).reserved == 0)
        #expect(DatabasePool(size: 4, reserved: -1, conninfo: database.url, logger: logger).reserved == 0)
    }

    @Test("with every general connection held by long jobs, a short job still runs; a queued long job never takes the reserved connection")
    func shortLaneIsNeverBlocked() async throws {
        let pool = DatabasePool(size: 3, reserved: 1, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let gate = Gate()
        let holders = (0..<2).map { _ in
            Task { try await pool.run(.long) { connection in gate.hold(); return try Self.backend(connection) } }
        }
        try await until { gate.holding == 2 }
        let queuedLong = Task { try await pool.run(.long) { connection in try Self.backend(connection) } }
        try await until { pool.waiting.long == 1 }
        let reservedBackend = try await pool.run(.short) { connection in try Self.backend(connection) }
        for _ in 0..<5 {
            let again = try await pool.run(.short) { connection in try Self.backend(connection) }
            #expect(again == reservedBackend)
        }
        #expect(pool.waiting.long == 1)
        gate.release(2)
        var generalBackends: Set<Int> = []
        for holder in holders { generalBackends.insert(try await holder.value) }
        generalBackends.insert(try await queuedLong.value)
        let more = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<30 { group.addTask { try await pool.run(.long) { connection in try Self.backend(connection) } } }
            var all: Set<Int> = []
            for try await backend in group { all.insert(backend) }
            return all
        }
        #expect(generalBackends.count == 2)
        #expect(!generalBackends.contains(reservedBackend))
        #expect(!more.contains(reservedBackend))
    }

    @Test("a general connection that comes free takes the waiting short jobs before a long job queued earlier; each lane keeps its order")
    func shortJobsFirst() async throws {
        let pool = DatabasePool(size: 2, reserved: 1, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let reservedGate = Gate(), generalGate = Gate()
        let order = Recorder()
        // The long job first, so that the short one lands on the reserved thread (see
        // shutdownDrainsBothLanes).
        let heldLong = Task { try await pool.run(.long) { _ in generalGate.hold() } }
        try await until { generalGate.holding == 1 }
        let heldShort = Task { try await pool.run(.short) { _ in reservedGate.hold() } }
        try await until { reservedGate.holding == 1 }
        var queued: [Task<Void, any Error>] = []
        for (index, lane) in [DatabasePool.Lane.long, .short, .long, .short].enumerated() {
            let name = "\(lane == .short ? "short" : "long")\(index)"
            queued.append(Task { try await pool.run(lane) { _ in order.append(name) } })
            let expected = (short: (index + 1) / 2, long: index / 2 + 1)
            try await until { pool.waiting == expected }
        }
        generalGate.release(1)
        for task in queued { try await task.value }
        try await heldLong.value
        #expect(order.entries == ["short1", "short3", "long0", "long2"])
        reservedGate.release(1)
        try await heldShort.value
    }

    @Test("on the short lane too, a job's error reaches its caller and a dead connection is replaced")
    func shortLaneFailures() async throws {
        let pool = DatabasePool(size: 2, reserved: 1, conninfo: database.url, logger: logger)
        try pool.start()
        defer { pool.shutdown() }
        let gate = Gate()
        let holder = Task { try await pool.run(.long) { _ in gate.hold() } }
        try await until { gate.holding == 1 }
        // The general connection is held: these run on the reserved one.
        await #expect(throws: PostgresError.self) {
            try await pool.run(.short) { connection in try connection.execute("SELECT * FROM no_such_table") }
        }
        let first = try await pool.run(.short) { connection in try Self.backend(connection) }
        try database.connection.execute("SELECT pg_terminate_backend($1::int)", [first])
        await #expect(throws: PostgresError.self) {
            try await pool.run(.short) { connection in try connection.execute("SELECT 1") }
        }
        let second = try await pool.run(.short) { connection in try Self.backend(connection) }
        #expect(second != first)
        gate.release(1)
        try await holder.value
    }

    @Test("shutting down runs the jobs still queued in both lanes, then refuses new ones")
    func shutdownDrainsBothLanes() async throws {
        let pool = DatabasePool(size: 2, reserved: 1, conninfo: database.url, logger: logger)
        try pool.start()
        let gate = Gate()
        // The long job first: it can only take the general thread, and the short one then gets
        // the reserved thread (a short job given first may take the general thread if the
        // reserved one is not yet waiting for work, and the long one would then never run).
        let long1 = Task { try await pool.run(.long) { _ in gate.hold() } }
        try await until { gate.holding == 1 }
        let holders = [long1, Task { try await pool.run(.short) { _ in gate.hold() } }]
        try await until { gate.holding == 2 }
        let short = Task { try await pool.run(.short) { connection in try connection.query("SELECT 1").one().decode(0, as: Int.self) } }
        let long = Task { try await pool.run(.long) { connection in try connection.query("SELECT 2").one().decode(0, as: Int.self) } }
        try await until { pool.waiting == (short: 1, long: 1) }
        let stopped = Task.detached { pool.shutdown() }
        try await until { pool.isStopping }
        gate.release(2)
        await stopped.value
        for holder in holders { try await holder.value }
        #expect(try await short.value == 1)
        #expect(try await long.value == 2)
        await #expect(throws: PostgresError.self) {
            try await pool.run(.short) { connection in try connection.execute("SELECT 1") }
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

    /// The connection's backend process id.
    private static func backend(_ connection: Connection) throws -> Int {
        try connection.query("SELECT pg_backend_pid()").one().decode(0)
    }

    /// Waits until `condition` holds; gives up after a minute (a pool that never gets there,
    /// not a slow one) with a failure rather than hanging.
    private func until(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<30_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("the pool never reached the expected state", sourceLocation: sourceLocation)
        throw CancellationError()
    }
}

/// Holds pool threads inside their jobs until released; counts the threads held.
private final class Gate: Sendable {
    private let held = Mutex(0)
    private let opened = DispatchSemaphore(value: 0)

    /// How many jobs are held now.
    var holding: Int { held.withLock { $0 } }

    /// Called inside a job: blocks its pool thread until ``release(_:)``.
    func hold() {
        held.withLock { $0 += 1 }
        opened.wait()
    }

    /// Lets `count` held jobs go on.
    func release(_ count: Int) {
        for _ in 0..<count { opened.signal() }
    }
}

/// The names of jobs in the order they ran.
private final class Recorder: Sendable {
    private let names = Mutex<[String]>([])

    /// The names so far.
    var entries: [String] { names.withLock { $0 } }

    /// Called inside a job: records that it ran.
    func append(_ name: String) { names.withLock { $0.append(name) } }
}
