import AssayCore
import AssayTesting
import Banks
@testable import CandidateTerminal
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The prompt over the real service and a real PostgreSQL: the connection is really lost (its
/// backend terminated, or the whole server stopped and started again) while the candidate types.
@Suite("The prompt over a real database that goes away", .serialized)
struct PromptOverDatabaseTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Migrates the database at `url`, syncs the terminal bank, and invites a new candidate.
    static func invite(_ url: String) throws -> (code: String, id: Int, script: [ScriptedInput.Step]) {
        let connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = try TerminalBankFixture.folder(repository: repository)
        defer { try? FileManager.default.removeItem(at: root) }
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.path), actor: "tester")
        let email = "db-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Candidate", "country": "FR", "highest_degree": "phd", "years_experience": "10",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["fr"], "domains": ["physics"]]), actor: "tester")
        let invitation = try Invitations(connection: connection).invite(expert: email, bank: TerminalBankFixture.slug, expiresInDays: 7, actor: "recruiter")
        let types = try connection.query("SELECT i.type FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 ORDER BY si.position",
                                         [invitation.screenID]).map { try $0.decode("type", as: String.self) }
        let answers: [ScriptedInput.Step] = types.flatMap { type -> [ScriptedInput.Step] in
            switch type {
            case "essay": [.type("Mass resists changes of motion.\r"), .type(".\r")]
            case "short_text": [.type("newton\r")]
            default: [.type("true\r")]
            }
        }
        return (invitation.code, invitation.screenID, answers)
    }

    static func answered(_ url: String, _ id: Int) throws -> Int {
        try Connection(url).query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [id]).one().decode(0)
    }

    @Test("its backend terminated while the candidate types, the prompt reconnects and saves the answer")
    func backendTerminated() throws {
        let url = try TestDatabase.url(for: "prompt_terminate")
        let (code, id, answers) = try Self.invite(url)
        let session = CandidateSession(connection: try Connection(url))
        let admin = try Connection(url)
        let terminate: ScriptedInput.Step = .run {
            guard let pid = try? session.connection.query("SELECT pg_backend_pid()").one().decode(0, as: Int.self) else { return }
            _ = try? admin.query("SELECT pg_terminate_backend($1::int)", [pid])
            for _ in 0..<200 where ((try? admin.query("SELECT count(*)::int FROM pg_stat_activity WHERE pid = $1", [pid]).one().decode(0, as: Int.self)) ?? 0) > 0 {
                usleep(10_000)
            }
        }
        let clock = FakeClock()
        let harness = PromptHarness(clock: clock, [.type("y\r"), terminate] + answers)
        #expect(try harness.run(session, code: code) == .submitted)
        #expect(harness.flat.components(separatedBy: "reconnecting…").count == 2)
        #expect(harness.flat.contains("Reconnected."))
        #expect(try Self.answered(url, id) == 3)
    }

    @Test("the server stopped while the candidate types and started again within 30 seconds: one reconnecting line, the answer kept and saved")
    func serverRestarted() throws {
        let home = try TemporaryFolder.make(prefix: "assay-restart-")
        let cluster = EmbeddedCluster(home: home.path, database: "assay", durability: .throwaway)
        defer {
            _ = try? cluster.stop()
            try? FileManager.default.removeItem(at: home)
        }
        let url = try cluster.start()
        let (code, id, answers) = try Self.invite(url)
        let session = CandidateSession(connection: try Connection(url))
        let clock = FakeClock()
        // The server is back after the prompt has waited three times.
        clock.onSleep = { sleeps in if sleeps == 3 { _ = try? cluster.start() } }
        let stop: ScriptedInput.Step = .run { _ = try? cluster.stop() }
        let harness = PromptHarness(clock: clock, [.type("y\r"), stop] + answers)
        #expect(try harness.run(session, code: code) == .submitted)
        #expect(harness.flat.components(separatedBy: "reconnecting…").count == 2)
        #expect(clock.sleeps == 3)
        #expect(!harness.flat.contains("libpq") && !harness.flat.contains("server closed"), "no raw database error reaches the candidate")
        #expect(try Self.answered(url, id) == 3)
    }
}
