@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

@Suite("Adaptive screens through the service", .serialized)
struct AdaptiveScreenServiceTests {
    let fixture: ScreenFixture

    /// The shipped banks plus two adaptive physics banks: `physics-cat` (SE target 0.45, at most
    /// 25 items) and `physics-long` (an SE target it cannot reach, at most 6 items).
    init() throws {
        fixture = try ScreenFixture("adaptive_screens")
        let root = try TemporaryFolder.make(prefix: "assay-cat-")
        let domain = root.appendingPathComponent("physics")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        try Data("slug: physics\nname: Physics\ndescription: Physics.\n".utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        try Data(AdaptiveBankFixture.yaml(slug: "physics-cat", domain: "physics").utf8).write(to: domain.appendingPathComponent("cat.yaml"))
        try Data(AdaptiveBankFixture.yaml(slug: "physics-long", domain: "physics", targetSE: 0.05, maxItems: 6, minItems: 0,
                                          passRule: "min_percent: 50").utf8).write(to: domain.appendingPathComponent("long.yaml"))
        let collection = BankLinter.lint(path: root.path)
        #expect(!collection.hasErrors, "\(collection.diagnostics)")
        try Catalog(connection: fixture.connection).sync(collection, actor: "tester")
    }

    /// Takes a whole adaptive screen answering `true` to every question; returns the screen id.
    func take(bank: String) throws -> Int {
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: bank, expiresInDays: 1, actor: "tester")
        _ = try fixture.session.begin(code: invitation.code)
        var position = 1
        while true {
            let question = try fixture.session.question(code: invitation.code, position: position)
            #expect(question.kind == .trueFalse)
            let receipt = try fixture.session.answer(code: invitation.code, position: position, answer: .boolean(true), typed: "true")
            #expect(receipt.saved)
            if receipt.complete { break }
            position += 1
            if position > 30 { Issue.record("the screen never stopped"); break }
        }
        _ = try fixture.session.submit(code: invitation.code)
        return invitation.screenID
    }

    @Test("exposure control: no item repeats within a screen, and the randomesque draw varies the items across identical candidates")
    func exposureControl() throws {
        var firstItems: Set<Int> = []
        for _ in 0..<8 {
            let screen = try take(bank: "physics-cat")
            let items = try fixture.connection.query("SELECT item_id FROM screen_items WHERE screen_id = $1 ORDER BY position", [screen])
                .map { try $0.decode("item_id", as: Int.self) }
            #expect(Set(items).count == items.count, "screen \(screen) repeated an item: \(items)")
            firstItems.insert(items[0])
        }
        #expect(firstItems.count >= 2, "eight identical candidates all got the same first item")
    }

    @Test("a screen that cannot reach its SE target stops at max_items, and the next question is refused after the stop")
    func maximumLength() throws {
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: "physics-long", expiresInDays: 1, actor: "tester")
        #expect(invitation.questions == 6)
        _ = try fixture.session.begin(code: invitation.code)
        for position in 1...6 {
            _ = try fixture.session.question(code: invitation.code, position: position)
            // An adaptive question cannot be asked for ahead of its turn.
            #expect(throws: AssayError.self) { _ = try fixture.session.question(code: invitation.code, position: position + 1) }
            let receipt = try fixture.session.answer(code: invitation.code, position: position, answer: .boolean(true), typed: "true")
            #expect(receipt.complete == (position == 6))
            // An answer cannot be changed.
            #expect(throws: AssayError.self) { _ = try fixture.session.answer(code: invitation.code, position: position, answer: .boolean(false), typed: "false") }
        }
        let overview = try fixture.session.overview(code: invitation.code)
        #expect(overview.adaptive && overview.questionCount == 6 && overview.answered.count == 6)
        #expect(throws: AssayError.self) { _ = try fixture.session.question(code: invitation.code, position: 7) }
        _ = try fixture.session.submit(code: invitation.code)
        let reason: String? = try fixture.connection.query("SELECT stop_reason FROM screens WHERE id = $1", [invitation.screenID])[0].decode(0)
        #expect(reason == "maximum-length")
        let missing = try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND (theta IS NULL OR theta_se IS NULL)", [invitation.screenID])
        #expect(missing == 0)
    }

    @Test("an adaptive screen uses the bank's latest calibration where it estimated an item, and the file's irt elsewhere")
    func usesLatestCalibration() throws {
        let connection = fixture.connection
        let calibration: Int = try connection.query("""
            INSERT INTO calibrations (bank_slug, created_by, model, persons, responses, items_estimated, min_responses, iterations, converged,
                                      last_change, log_likelihood, aic, bic)
            VALUES ('physics-long', 'tester', '2pl', 100, 1000, 40, 20, 10, true, 0, -500, 1160, 1300) RETURNING id
            """)[0].decode("id")
        // Every item but t1 gets a = 0.7 and b = 10 − its file b; t1 is not estimated.
        try connection.execute("""
            INSERT INTO calibration_items (calibration_id, item_id, a, b, n, p_correct, status)
            SELECT $1, i.id, CASE WHEN i.item_key = 't1' THEN NULL ELSE 0.7 END,
                   CASE WHEN i.item_key = 't1' THEN NULL ELSE 1 - (i.content->'irt'->>'b')::float8 END, 50, 0.5,
                   CASE WHEN i.item_key = 't1' THEN 'too-few-responses' ELSE 'estimated' END
            FROM banks b JOIN bank_items bi ON bi.bank_id = b.id JOIN items i ON i.id = bi.item_id WHERE b.slug = 'physics-long' AND b.is_current
            """, [calibration])
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: "physics-long", expiresInDays: 1, actor: "tester")
        #expect(try fixture.int("SELECT calibration_id::int FROM screens WHERE id = $1", [invitation.screenID]) == calibration)
        _ = try fixture.session.begin(code: invitation.code)
        for position in 1...6 {
            _ = try fixture.session.question(code: invitation.code, position: position)
            _ = try fixture.session.answer(code: invitation.code, position: position, answer: .boolean(position % 2 == 0), typed: "x")
        }
        let rows = try connection.query("""
            SELECT i.item_key, si.a, si.b, (i.content->'irt'->>'a')::float8 AS file_a, (i.content->'irt'->>'b')::float8 AS file_b
            FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1
            """, [invitation.screenID])
        for row in rows {
            let key: String = try row.decode("item_key")
            let a: Double = try row.decode("a"), b: Double = try row.decode("b")
            let fileA: Double = try row.decode("file_a"), fileB: Double = try row.decode("file_b")
            if key == "t1" {
                #expect(a == fileA && b == fileB)
            } else {
                #expect(a == 0.7 && abs(b - (1 - fileB)) < 1e-12, "\(key)")
            }
        }
    }

    @Test("a fixed bank's screen is unchanged: drawn at invitation, no theta without IRT parameters")
    func fixedBankUnchanged() throws {
        let invitation = try fixture.invitations.invite(expert: try fixture.newExpert(), bank: "physics-core", expiresInDays: 1, actor: "tester")
        #expect(try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1", [invitation.screenID]) == 20)
        let overview = try fixture.session.overview(code: invitation.code)
        #expect(!overview.adaptive)
    }
}
