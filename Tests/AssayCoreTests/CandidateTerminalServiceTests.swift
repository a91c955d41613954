@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension TerminalBankFixture {
    /// Writes the bank and syncs it into the database of `connection`.
    static func sync(_ connection: Connection) throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let root = try folder(repository: repository)
        defer { try? FileManager.default.removeItem(at: root) }
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.path), actor: "tester")
    }
}

@Suite("The candidate service's grace, drafts, limits, resume point and reconnection", .serialized)
struct CandidateTerminalServiceTests {
    let url: String
    let connection: Connection
    let session: CandidateSession

    init() throws {
        url = try TestDatabase.url(for: "screens_terminal")
        connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        try TerminalBankFixture.sync(connection)
        session = CandidateSession(connection: try Connection(url))
    }

    /// A begun screen on the terminal bank, and the positions of its essay, short answer and
    /// true-or-false items.
    func begunScreen() throws -> (code: String, id: Int, essay: Int, short: Int, flag: Int) {
        let email = "term-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Candidate", "country": "FR", "highest_degree": "phd", "years_experience": "10",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["fr"], "domains": ["physics"]]), actor: "tester")
        let invitation = try Invitations(connection: connection).invite(expert: email, bank: TerminalBankFixture.slug, expiresInDays: 7, actor: "recruiter")
        _ = try session.begin(code: invitation.code)
        var positions: [String: Int] = [:]
        for row in try connection.query("SELECT si.position, i.type FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [invitation.screenID]) {
            positions[try row.decode("type")] = try row.decode("position")
        }
        return (invitation.code, invitation.screenID, try #require(positions["essay"]), try #require(positions["short_text"]), try #require(positions["true_false"]))
    }

    func status(_ id: Int) throws -> String {
        try connection.query("SELECT status FROM screens WHERE id = $1", [id]).one().decode(0)
    }

    /// Moves the deadline `secondsAgo` into the past, and every question shown so far to a
    /// minute before that (shown before the deadline).
    func moveDeadline(_ id: Int, secondsAgo: Int) throws {
        try connection.execute("UPDATE screens SET deadline = now() - make_interval(secs => $2) WHERE id = $1", [id, secondsAgo])
        try connection.execute("""
            UPDATE screen_items SET first_shown_at = now() - make_interval(secs => $2 + 60), last_shown_at = now() - make_interval(secs => $2 + 60)
            WHERE screen_id = $1 AND first_shown_at IS NOT NULL
            """, [id, secondsAgo])
    }

    @Test("within 30 seconds after the deadline, an answer to a question shown before it is saved; one to a question never shown is refused and closes the screen")
    func graceIsCheckedByTheServer() throws {
        let screen = try begunScreen()
        _ = try session.question(code: screen.code, position: screen.short)
        try moveDeadline(screen.id, secondsAgo: 10)
        let inGrace = try session.answer(code: screen.code, position: screen.short, answer: .text("newton"), typed: "newton")
        #expect(inGrace.saved && !inGrace.closed && inGrace.secondsLeft == 0)
        #expect(try status(screen.id) == "in_progress", "the grace leaves the screen open")
        let unseen = try session.answer(code: screen.code, position: screen.flag, answer: .boolean(true), typed: "true")
        #expect(!unseen.saved && unseen.closed)
        #expect(["scored", "awaiting_review"].contains(try status(screen.id)))
        let answered: Int = try connection.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [screen.id]).one().decode(0)
        #expect(answered == 1)
    }

    @Test("past the grace nothing is saved, even for a question shown before the deadline; the sweep waits for the grace too")
    func afterTheGrace() throws {
        let screen = try begunScreen()
        _ = try session.question(code: screen.code, position: screen.short)
        try moveDeadline(screen.id, secondsAgo: 10)
        try ScreenSweeper(connection: connection).closeOverdue()
        #expect(try status(screen.id) == "in_progress", "the sweep leaves a screen in its grace alone")
        try moveDeadline(screen.id, secondsAgo: 31)
        let late = try session.answer(code: screen.code, position: screen.short, answer: .text("newton"), typed: "newton")
        #expect(!late.saved && late.closed)
        // The SQL rule itself, for the record: shown before, inside and outside the grace.
        let rule = try connection.query("""
            SELECT screen_accepts_answers(now() - interval '10 s', 30, now() - interval '1 min') AS inside,
                   screen_accepts_answers(now() - interval '31 s', 30, now() - interval '1 min') AS outside,
                   screen_accepts_answers(now() - interval '10 s', 30, now()) AS shown_after,
                   screen_accepts_answers(NULL, 30, now()) AS not_begun
            """).one()
        #expect(try rule.decode("inside", as: Bool.self))
        #expect(try !rule.decode("outside", as: Bool.self))
        #expect(try !rule.decode("shown_after", as: Bool.self))
        #expect(try rule.decode("not_begun", as: Bool?.self) != true)
    }

    @Test("an essay draft is saved, shown again with its question, dropped by the answer; a draft left when the screen closes becomes the answer")
    func drafts() throws {
        let screen = try begunScreen()
        _ = try session.question(code: screen.code, position: screen.essay)
        #expect(try session.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep").saved)
        #expect(try session.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep\ntheir motion").saved)
        #expect(try session.question(code: screen.code, position: screen.essay).draft == "Objects keep\ntheir motion")
        #expect(throws: AssayError.self) { _ = try session.saveDraft(code: screen.code, position: screen.short, text: "no") }
        // The screen ends with the essay unfinished: its draft is the answer, stamped with the draft's time.
        let completion = try session.submit(code: screen.code)
        #expect(completion.answered == 1)
        let row = try connection.query("""
            SELECT answer_text, answered_at = draft_saved_at AS same, draft_text, answered_at IS NOT NULL AS answered, needs_review
            FROM screen_items WHERE screen_id = $1 AND position = $2
            """, [screen.id, screen.essay]).one()
        #expect(try row.decode("answer_text", as: String?.self) == "Objects keep\ntheir motion")
        #expect(try row.decode("draft_text", as: String?.self) == nil)
        #expect(try row.decode("needs_review", as: Bool.self))
        let kept: String? = try connection.query("SELECT details->>'drafts_kept' FROM events WHERE action = 'screen.submit' AND subject_id = $1", [screen.id]).one().decode(0)
        #expect(kept == "1")
        // A saved answer drops the draft.
        let other = try begunScreen()
        _ = try session.question(code: other.code, position: other.essay)
        _ = try session.saveDraft(code: other.code, position: other.essay, text: "draft")
        #expect(try session.answer(code: other.code, position: other.essay, answer: .text("Final words."), typed: "Final words.").saved)
        let draft: String? = try connection.query("SELECT draft_text FROM screen_items WHERE screen_id = $1 AND position = $2", [other.id, other.essay]).one().decode(0)
        #expect(draft == nil)
    }

    @Test("answers and drafts are bounded: a short answer of 1,001 characters, an essay over its word limit, control characters are refused and nothing is saved")
    func limits() throws {
        let screen = try begunScreen()
        for position in [screen.short, screen.essay] { _ = try session.question(code: screen.code, position: position) }
        let long = String(repeating: "n", count: 1_001)
        let tooLong = try #require(throws: AssayError.self) { _ = try session.answer(code: screen.code, position: screen.short, answer: .text(long), typed: long) }
        #expect(tooLong.isBadInput && tooLong.message.contains("1001 characters"))
        #expect(throws: AssayError.self) { _ = try session.answer(code: screen.code, position: screen.short, answer: .text("new\u{0}ton"), typed: "new\u{0}ton") }
        #expect(throws: AssayError.self) { _ = try session.answer(code: screen.code, position: screen.short, answer: .text("new\u{1B}[2Jton"), typed: "x") }
        let nine = "one two three four five six seven eight nine"
        let words = try #require(throws: AssayError.self) { _ = try session.saveDraft(code: screen.code, position: screen.essay, text: nine) }
        #expect(words.message.contains("9 words") && words.message.contains("limit is 8"))
        #expect(throws: AssayError.self) { _ = try session.answer(code: screen.code, position: screen.essay, answer: .text(nine), typed: nine) }
        #expect(try session.answer(code: screen.code, position: screen.essay, answer: .text("Tabs\tand\nlines are fine."), typed: "Tabs\tand\nlines are fine.").saved)
        let saved: Int = try connection.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [screen.id]).one().decode(0)
        #expect(saved == 1)
    }

    @Test("the overview says where the candidate stopped: the question shown last")
    func resumePoint() throws {
        let screen = try begunScreen()
        #expect(try session.overview(code: screen.code).resumeAt == nil)
        _ = try session.question(code: screen.code, position: 1)
        _ = try session.question(code: screen.code, position: 3)
        _ = try session.question(code: screen.code, position: 2)
        let overview = try session.overview(code: screen.code)
        #expect(overview.resumeAt == 2)
        #expect(overview.graceSeconds == 30)
    }

    @Test("when its backend is terminated, the next call says the database is unavailable and the one after reconnects and works")
    func reconnectsAfterTermination() throws {
        let screen = try begunScreen()
        let pid: Int = try session.connection.query("SELECT pg_backend_pid()").one().decode(0)
        let terminated: Bool = try connection.query("SELECT pg_terminate_backend($1::int)", [pid]).one().decode(0)
        #expect(terminated)
        // Wait until the backend is gone (synchronisation, not a timing assertion).
        for _ in 0..<200 where try connection.query("SELECT count(*)::int FROM pg_stat_activity WHERE pid = $1", [pid]).one().decode(0, as: Int.self) > 0 {
            usleep(10_000)
        }
        let lost = try #require(throws: AssayError.self) { _ = try session.question(code: screen.code, position: screen.short) }
        #expect(lost.code == .unavailable)
        let question = try session.question(code: screen.code, position: screen.short)
        #expect(question.kind == .shortText)
        #expect(try session.answer(code: screen.code, position: screen.short, answer: .text("newton"), typed: "newton").saved)
        let newPID: Int = try session.connection.query("SELECT pg_backend_pid()").one().decode(0)
        #expect(newPID != pid)
    }
}
