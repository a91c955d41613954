@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// The least-privilege role of scripts/door-role.sql: a candidate's whole screen works under it,
/// and what it must not do is refused.
@Suite("The door's least-privilege role (scripts/door-role.sql)", .serialized)
struct DoorRoleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let fixture: ScreenFixture
    let roleURL: String

    init() throws {
        fixture = try ScreenFixture("door_role")
        roleURL = try Self.applyRecipe(ownerURL: fixture.url)
    }

    /// Runs the recipe as the owner; returns a URL for the role.
    static func applyRecipe(ownerURL: String) throws -> String {
        let recipe = try String(contentsOf: repository.appendingPathComponent("scripts/door-role.sql"), encoding: .utf8)
        let owner = try Connection(ownerURL)
        // Another suite may be creating the (cluster-wide) role at this instant: once more then.
        if (try? owner.executeScript(recipe)) == nil { try owner.executeScript(recipe) }
        try owner.executeScript(recipe)  // running it again changes nothing
        try owner.execute("ALTER ROLE assay_door PASSWORD 'door-test-password'")
        return DoorRoleURL.url(ownerURL, user: "assay_door", password: "door-test-password")
    }

    @Test("a whole screen runs under the role: overview, begin, questions, answers in one round trip, submit and scoring")
    func wholeScreen() throws {
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: "physics-core", expiresInDays: 7, actor: "tester")
        let door = try Connection(roleURL)
        #expect(try door.query("SELECT current_user").one().decode(0, as: String.self) == "assay_door")
        #expect(try Migrator.shipped().pending(on: door).isEmpty, "the migration check at start works under the role")
        let service = AnswerRoundTrip(connection: door)
        let overview = try service.begin(code: invitation.code)
        for position in 1...overview.questionCount {
            let question = try service.question(code: invitation.code, position: position)
            let answer: CandidateAnswer = switch question.kind {
            case .singleChoice: .choice(0)
            case .multipleResponse: .choices([0])
            case .trueFalse: .boolean(true)
            case .numeric: .number(1)
            case .ordering: .order(Array(question.choices.indices))
            case .matching: .matches((question.matchPrompts ?? []).map { _ in 0 })
            case .shortText, .essay: .text("an answer")
            }
            #expect(try service.answer(code: invitation.code, position: position, answer: answer, typed: question.kind == .numeric ? "1" : "x").saved)
        }
        let completion = try service.submit(code: invitation.code)
        #expect(completion.answered == overview.questionCount)
        let status: String = try fixture.connection.query("SELECT status FROM screens WHERE id = $1", [invitation.screenID]).one().decode(0)
        #expect(["scored", "awaiting_review"].contains(status))
        #expect(try fixture.int("SELECT count(*)::int FROM events WHERE subject_type = 'screen' AND subject_id = $1 AND action = 'screen.submit'", [invitation.screenID]) == 1)
    }

    @Test("a deadline passing is closed and scored under the role")
    func deadline() throws {
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: "physics-core", expiresInDays: 7, actor: "tester")
        let service = AnswerRoundTrip(connection: try Connection(roleURL))
        _ = try service.begin(code: invitation.code)
        _ = try service.question(code: invitation.code, position: 1)
        // Past the deadline and its grace (an answer to a question shown before the deadline is
        // accepted for 30 s after it, so the screen stays open that long).
        try fixture.connection.execute("UPDATE screens SET deadline = now() - interval '1 minute' WHERE id = $1", [invitation.screenID])
        let overview = try service.overview(code: invitation.code)
        #expect(overview.state == .closed)
        let by: String = try fixture.connection.query("SELECT submitted_by FROM screens WHERE id = $1", [invitation.screenID]).one().decode(0)
        #expect(by == "deadline")
    }

    @Test("the role cannot read experts, change a screen's code or time limit, delete, or create tables", arguments: [
        "SELECT email FROM experts LIMIT 1",
        "SELECT resume_text FROM applications LIMIT 1",
        "SELECT * FROM pool_members LIMIT 1",
        "UPDATE screens SET invite_hash = repeat('0', 64) WHERE false",
        "UPDATE screens SET extra_minutes = 600 WHERE false",
        "DELETE FROM screen_items WHERE false",
        "INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, seed, time_limit_minutes, invited_by, invite_expires_at) SELECT 1, 1, 'x', repeat('0', 64), 1, 1, 'x', now() WHERE false",
        "CREATE TABLE door_scratch (id int)",
        "UPDATE items SET points = 1 WHERE false",
    ])
    func refusals(sql: String) throws {
        let door = try Connection(roleURL)
        let error = try #require(throws: PostgresError.self) { try door.execute(sql) }
        #expect(error.code == "42501", "\(sql): \(error)")  // insufficient_privilege
    }

    @Test("the role cannot migrate: a missing migration is reported, not applied")
    func cannotMigrate() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-door-sql-")
        for migration in try Migrator.shipped().migrations() {
            try Data(migration.sql.utf8).write(to: folder.appendingPathComponent("\(migration.label).sql"))
        }
        try Data("CREATE TABLE door_extra (id int);\n".utf8).write(to: folder.appendingPathComponent("999_door_extra.sql"))
        let migrator = Migrator(directory: folder)
        let door = try Connection(roleURL)
        #expect(try migrator.pending(on: door).map(\.label) == ["999_door_extra"])
        #expect(throws: PostgresError.self) { try migrator.migrate(door) }
    }
}

/// A connection URL for another role on the same server and database.
enum DoorRoleURL {
    static func url(_ base: String, user: String, password: String) -> String {
        if var components = URLComponents(string: base), components.scheme?.hasPrefix("postgres") == true {
            components.user = user
            components.password = password
            return components.string ?? base
        }
        return base + " user=\(user) password=\(password)"  // keyword/value conninfo: a later keyword wins
    }
}
