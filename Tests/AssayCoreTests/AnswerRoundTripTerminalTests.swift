@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// AnswerRoundTrip against CandidateSession on what migration 009 added (the grace, drafts, the
/// limits, the resume point): two screens of the terminal bank go through the same calls, one
/// through each service, and must store the same rows and get the same replies.
@Suite("Answers in one round trip (migration 016) keep the grace, drafts, limits and resume point of CandidateSession", .serialized)
struct AnswerRoundTripTerminalTests {
    let url: String
    let connection: Connection

    init() throws {
        url = try TestDatabase.url(for: "round_trip_terminal")
        connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        try TerminalBankFixture.sync(connection)
    }

    /// A screen of the terminal bank (not begun), with the positions of its essay, short answer
    /// and true-or-false items.
    struct Screen {
        var code: String
        var id: Int
        var essay: Int
        var short: Int
        var flag: Int
    }

    func newScreen() throws -> Screen {
        let email = "rt-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Candidate", "country": "FR", "highest_degree": "phd", "years_experience": "10",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["fr"], "domains": ["physics"]]), actor: "tester")
        let invitation = try Invitations(connection: connection).invite(expert: email, bank: TerminalBankFixture.slug, expiresInDays: 7, actor: "recruiter")
        var positions: [String: Int] = [:]
        for row in try connection.query("SELECT si.position, i.type FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [invitation.screenID]) {
            positions[try row.decode("type")] = try row.decode("position")
        }
        return Screen(code: invitation.code, id: invitation.screenID, essay: try #require(positions["essay"]),
                      short: try #require(positions["short_text"]), flag: try #require(positions["true_false"]))
    }

    /// Both services, each with a fresh screen.
    func both() throws -> [(service: any CandidateScreenService, screen: Screen)] {
        [(CandidateSession(connection: try Connection(url)), try newScreen()),
         (AnswerRoundTrip(connection: try Connection(url)), try newScreen())]
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

    /// What a screen stored, by item type (positions are drawn per screen), without times.
    func stored(_ screen: Screen) throws -> [String] {
        let items = try connection.query("""
            SELECT i.type, si.answer::text AS a, si.answer_text, si.draft_text, si.draft_saved_at IS NOT NULL AS drafted,
                   si.points, si.correct, si.needs_review, si.answered_at IS NOT NULL AS answered,
                   si.first_shown_at IS NOT NULL AS shown, si.last_shown_at IS NOT NULL AS last_shown
            FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 ORDER BY i.type
            """, [screen.id]).map { row in
            try [row.decode("type", as: String.self), row.decode("a", as: String?.self) ?? "-", row.decode("answer_text", as: String?.self) ?? "-",
                 row.decode("draft_text", as: String?.self) ?? "-", "\(try row.decode("drafted", as: Bool.self))",
                 row.decode("points", as: Double?.self).map { "\($0)" } ?? "-", row.decode("correct", as: Bool?.self).map { "\($0)" } ?? "-",
                 "\(try row.decode("needs_review", as: Bool.self))", "\(try row.decode("answered", as: Bool.self))",
                 "\(try row.decode("shown", as: Bool.self))", "\(try row.decode("last_shown", as: Bool.self))"].joined(separator: "|")
        }
        let row = try connection.query("""
            SELECT status, submitted_by, points_awarded, score_percent, passed FROM screens WHERE id = $1
            """, [screen.id]).one()
        let summary = try [row.decode("status", as: String.self), row.decode("submitted_by", as: String?.self) ?? "-",
                           "\(try row.decode("points_awarded", as: Double?.self) ?? -1)", "\(try row.decode("score_percent", as: Double?.self) ?? -1)",
                           row.decode("passed", as: Bool?.self).map { "\($0)" } ?? "-"].joined(separator: "|")
        let events = try connection.query("SELECT action FROM events WHERE subject_type = 'screen' AND subject_id = $1 ORDER BY id", [screen.id])
            .map { try $0.decode("action", as: String.self) }.joined(separator: ",")
        return items + [summary, events]
    }

    /// A receipt without its seconds left (the two screens began a moment apart).
    func shape(_ receipt: AnswerReceipt) -> String {
        "saved=\(receipt.saved) closed=\(receipt.closed) zero=\(receipt.secondsLeft == 0) complete=\(receipt.complete)"
    }

    @Test("drafts are saved line by line, come back with the question, are refused past the limits, and an answer clears them; the resume point is the question last shown")
    func draftsAndResume() throws {
        var replies: [[String]] = []
        var screens: [Screen] = []
        for (service, screen) in try both() {
            var log: [String] = []
            _ = try service.begin(code: screen.code)
            let short = try service.question(code: screen.code, position: screen.short)
            log.append(shape(try service.answer(code: screen.code, position: screen.short, answer: .text("newton"), typed: "newton")))
            log.append("short draft=\(short.draft ?? "-")")
            let essay = try service.question(code: screen.code, position: screen.essay)
            log.append("essay draft=\(essay.draft ?? "-")")
            log.append(shape(try service.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep")))
            log.append(shape(try service.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep\ntheir motion")))
            // Nine words for an eight-word essay, and a draft for a short answer: refused alike.
            let words = try #require(throws: AssayError.self) {
                _ = try service.saveDraft(code: screen.code, position: screen.essay, text: "one two three four five six seven eight nine")
            }
            log.append("\(words.code) \(words.message)")
            let notEssay = try #require(throws: AssayError.self) { _ = try service.saveDraft(code: screen.code, position: screen.short, text: "x") }
            log.append("\(notEssay.code) \(notEssay.message.filter { !$0.isNumber })")
            let control = try #require(throws: AssayError.self) {
                _ = try service.answer(code: screen.code, position: screen.essay, answer: .text("bad\u{0}"), typed: "bad\u{0}")
            }
            log.append("\(control.code) \(control.message)")
            // The candidate comes back: the essay is where they stopped, with its draft.
            let overview = try service.overview(code: screen.code)
            log.append("resume=\(overview.resumeAt == screen.essay) answered=\(overview.answered.count)")
            let again = try service.question(code: screen.code, position: screen.essay)
            log.append("again draft=\(again.draft ?? "-")")
            log.append(shape(try service.answer(code: screen.code, position: screen.essay, answer: .text("Objects keep their motion"),
                                                typed: "Objects keep their motion")))
            let answered = try #require(throws: AssayError.self) { _ = try service.saveDraft(code: screen.code, position: screen.essay, text: "late") }
            log.append("\(answered.code) \(answered.message.filter { !$0.isNumber })")
            let flag = try service.question(code: screen.code, position: screen.flag)
            log.append("flag answered=\(flag.answered)")
            log.append(shape(try service.answer(code: screen.code, position: screen.flag, answer: .boolean(true), typed: "true")))
            let completion = try service.submit(code: screen.code)
            log.append("\(completion.answered)/\(completion.total) review=\(completion.awaitingReview) deadline=\(completion.closedByDeadline)")
            replies.append(log)
            screens.append(screen)
        }
        #expect(replies[0] == replies[1])
        #expect(replies[0].contains("again draft=Objects keep\ntheir motion"))
        #expect(try stored(screens[0]) == stored(screens[1]))
        #expect(try connection.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND draft_text IS NOT NULL",
                                     [screens[1].id]).one().decode(0, as: Int.self) == 0)
    }

    @Test("within the grace an answer to a question shown before the deadline is saved, and the next question closes the screen, alike")
    func grace() throws {
        var replies: [[String]] = []
        var screens: [Screen] = []
        for (service, screen) in try both() {
            var log: [String] = []
            _ = try service.begin(code: screen.code)
            _ = try service.question(code: screen.code, position: screen.short)
            try moveDeadline(screen.id, secondsAgo: 10)
            log.append(shape(try service.answer(code: screen.code, position: screen.short, answer: .text("newton"), typed: "newton")))
            log.append(try connection.query("SELECT status FROM screens WHERE id = $1", [screen.id]).one().decode(0, as: String.self))
            // The prompt asks for the next question: time is up, the screen is closed and scored.
            let next = try service.question(code: screen.code, position: screen.flag)
            log.append("next seconds=\(next.secondsLeft)")
            let completion = try service.submit(code: screen.code)
            log.append("\(completion.answered)/\(completion.total) deadline=\(completion.closedByDeadline)")
            replies.append(log)
            screens.append(screen)
        }
        #expect(replies[0] == replies[1])
        #expect(replies[0].first == "saved=true closed=false zero=true complete=false")
        #expect(replies[0][1] == "in_progress")
        #expect(try stored(screens[0]) == stored(screens[1]))
    }

    @Test("after the deadline an answer to a question first shown after it is refused and the screen closed, alike")
    func shownAfterTheDeadline() throws {
        var replies: [[String]] = []
        var screens: [Screen] = []
        for (service, screen) in try both() {
            _ = try service.begin(code: screen.code)
            _ = try service.question(code: screen.code, position: screen.flag)
            try moveDeadline(screen.id, secondsAgo: 10)
            try connection.execute("UPDATE screen_items SET first_shown_at = now() WHERE screen_id = $1 AND position = $2", [screen.id, screen.flag])
            let receipt = try service.answer(code: screen.code, position: screen.flag, answer: .boolean(true), typed: "true")
            let status: String = try connection.query("SELECT status FROM screens WHERE id = $1", [screen.id]).one().decode(0)
            replies.append([shape(receipt), status])
            screens.append(screen)
        }
        #expect(replies[0] == replies[1])
        #expect(replies[0][0] == "saved=false closed=true zero=true complete=false")
        #expect(try stored(screens[0]) == stored(screens[1]))
    }

    @Test("past the grace nothing is saved, the screen is closed and scored, and the essay's draft becomes its answer, alike")
    func deadlineKeepsTheDraft() throws {
        var replies: [[String]] = []
        var screens: [Screen] = []
        for (service, screen) in try both() {
            _ = try service.begin(code: screen.code)
            _ = try service.question(code: screen.code, position: screen.essay)
            _ = try service.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep\ntheir motion")
            try moveDeadline(screen.id, secondsAgo: 40)
            let late = try service.saveDraft(code: screen.code, position: screen.essay, text: "Objects keep\ntheir motion forever")
            // The screen is over: a later answer is refused, and submitting reports the closing.
            let answer = try #require(throws: AssayError.self) {
                _ = try service.answer(code: screen.code, position: screen.essay, answer: .text("too late"), typed: "too late")
            }
            let completion = try service.submit(code: screen.code)
            replies.append([shape(late), "\(answer.code) \(answer.message)", "\(completion.answered)/\(completion.total) deadline=\(completion.closedByDeadline)"])
            screens.append(screen)
        }
        #expect(replies[0] == replies[1])
        #expect(replies[0][0] == "saved=false closed=true zero=true complete=false")
        #expect(try stored(screens[0]) == stored(screens[1]))
        let kept: String? = try connection.query("SELECT answer_text FROM screen_items WHERE screen_id = $1 AND position = $2",
                                                 [screens[1].id, screens[1].essay]).one().decode(0)
        #expect(kept == "Objects keep\ntheir motion")
    }
}
