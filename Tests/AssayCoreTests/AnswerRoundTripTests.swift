@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// AnswerRoundTrip against CandidateSession: twin screens (same bank, same draw seed, so the
/// same items in the same order with the same shuffles) taken with the same answers, one through
/// each, must end with the same stored rows.
@Suite("Answers in one round trip (migration 013) give CandidateSession's results", .serialized)
struct AnswerRoundTripTests {
    let fixture: ScreenFixture

    init() throws { fixture = try ScreenFixture("round_trip") }

    /// Two screens of `bank` with the same draw.
    func twins(bank: String, domain: String) throws -> (reference: Invitations.Invitation, candidate: Invitations.Invitation) {
        let seed = UInt64.random(in: 1...UInt64(Int64.max))
        let reference = try fixture.invitations.invite(expert: try fixture.newExpert(domain: domain), bank: bank, expiresInDays: 7, actor: "tester", drawSeed: seed)
        let candidate = try fixture.invitations.invite(expert: try fixture.newExpert(domain: domain), bank: bank, expiresInDays: 7, actor: "tester", drawSeed: seed)
        return (reference, candidate)
    }

    /// An answer that fits the question (not necessarily right), varied by position.
    func someAnswer(_ question: CandidateQuestion) -> CandidateAnswer {
        let n = question.choices.count
        switch question.kind {
        case .singleChoice: return .choice(question.position % max(1, n))
        case .multipleResponse: return .choices(Set([0, question.position % max(1, n)]))
        case .trueFalse: return .boolean(question.position % 2 == 0)
        case .numeric: return .number(Double(question.position) * 1.5)
        case .shortText: return .text("answer \(question.position)")
        case .ordering: return .order(Array((0..<n).reversed()))
        case .essay: return .text("An essay\nover two lines, for question \(question.position).")
        case .matching: return .matches((question.matchPrompts ?? []).indices.map { $0 % max(1, n) })
        }
    }

    /// What a screen stored, without times.
    func stored(_ screen: Int) throws -> [String] {
        let items = try fixture.connection.query("""
            SELECT position, item_id, choice_order::text AS o, answer::text AS a, answer_text, points, correct, needs_review,
                   answered_at IS NOT NULL AS answered, first_shown_at IS NOT NULL AS shown, seconds_taken >= 0 AS timed
            FROM screen_items WHERE screen_id = $1 ORDER BY position
            """, [screen]).map { row in
            try [row.decode("position", as: Int.self).description, row.decode("item_id", as: Int.self).description,
                 row.decode("o", as: String?.self) ?? "-", row.decode("a", as: String?.self) ?? "-", row.decode("answer_text", as: String?.self) ?? "-",
                 row.decode("points", as: Double?.self).map { "\($0)" } ?? "-", row.decode("correct", as: Bool?.self).map { "\($0)" } ?? "-",
                 "\(try row.decode("needs_review", as: Bool.self))", "\(try row.decode("answered", as: Bool.self))",
                 "\(try row.decode("shown", as: Bool.self))", "\(try row.decode("timed", as: Bool?.self) ?? true)"].joined(separator: "|")
        }
        let row = try fixture.connection.query("""
            SELECT status, submitted_by, points_awarded, points_possible, score_percent, passed,
                   -- the twins answer alike, so the one submitted second is flagged against the other
                   (SELECT coalesce(jsonb_agg(f), '[]') FROM jsonb_array_elements(flags) f WHERE f->>'flag' <> 'shared_wrong_answers')::text AS f
            FROM screens WHERE id = $1
            """, [screen]).one()
        let summary = try [row.decode("status", as: String.self), row.decode("submitted_by", as: String?.self) ?? "-",
                           "\(try row.decode("points_awarded", as: Double?.self) ?? -1)", "\(try row.decode("points_possible", as: Double?.self) ?? -1)",
                           "\(try row.decode("score_percent", as: Double?.self) ?? -1)", "\(try row.decode("passed", as: Bool?.self).map { "\($0)" } ?? "-")",
                           row.decode("f", as: String.self)].joined(separator: "|")
        let events = try fixture.connection.query("SELECT action FROM events WHERE subject_type = 'screen' AND subject_id = $1 ORDER BY id", [screen])
            .map { try $0.decode("action", as: String.self) }.joined(separator: ",")
        return items + [summary, events]
    }

    /// Takes both twins as the prompt does (question, answer, next unanswered question), with
    /// the same answers, a skipped question answered at the end, a changed answer and a refused
    /// one; returns the two screens' stored rows.
    func takeBoth(bank: String, domain: String) throws -> (reference: [String], candidate: [String]) {
        let (a, b) = try twins(bank: bank, domain: domain)
        let reference = fixture.session
        let roundTrip = AnswerRoundTrip(connection: try Connection(fixture.url))
        let overviewA = try reference.begin(code: a.code), overviewB = try roundTrip.begin(code: b.code)
        #expect(overviewA.questionCount == overviewB.questionCount)
        var order = Array(1...overviewA.questionCount)
        order.append(order.remove(at: 2))  // question 3 is skipped and comes back last
        for position in order {
            if position == 4 {
                // Question 3 is shown, then skipped.
                let shownA = try reference.question(code: a.code, position: 3), shownB = try roundTrip.question(code: b.code, position: 3)
                #expect(shownA.prompt == shownB.prompt)
            }
            var questionA = try reference.question(code: a.code, position: position)
            var questionB = try roundTrip.question(code: b.code, position: position)
            #expect(abs(questionA.secondsLeft - questionB.secondsLeft) <= 2)
            questionA.secondsLeft = 0
            questionB.secondsLeft = 0
            #expect(questionA == questionB, "question \(position) is shown alike")
            let answer = someAnswer(questionA)
            if position == 5 {
                // An answer that does not fit is refused alike, and nothing is saved.
                let bad: CandidateAnswer = questionA.kind == .trueFalse ? .number(1) : .boolean(true)
                let errorA = try #require(throws: AssayError.self) { _ = try reference.answer(code: a.code, position: position, answer: bad, typed: "?") }
                let errorB = try #require(throws: AssayError.self) { _ = try roundTrip.answer(code: b.code, position: position, answer: bad, typed: "?") }
                #expect(errorA.message == errorB.message && errorA.code == errorB.code)
            }
            if position == 6 {
                // A first answer, then a changed one: the last one stays.
                var other = questionA
                other.position += 1
                let first = someAnswer(other)
                let firstTyped = if case .number(let value) = first { "\(value)" } else { "first" }
                _ = try reference.answer(code: a.code, position: position, answer: first, typed: firstTyped)
                _ = try roundTrip.answer(code: b.code, position: position, answer: first, typed: firstTyped)
            }
            // A numeric answer's typed text must be that number in decimal (the service checks it).
            let typed = if case .number(let value) = answer { "\(value)" } else { "typed \(position)" }
            let receiptA = try reference.answer(code: a.code, position: position, answer: answer, typed: typed)
            let receiptB = try roundTrip.answer(code: b.code, position: position, answer: answer, typed: typed)
            #expect(receiptA.saved == receiptB.saved && receiptA.closed == receiptB.closed && receiptA.complete == receiptB.complete)
        }
        let completionA = try reference.submit(code: a.code), completionB = try roundTrip.submit(code: b.code)
        #expect(completionA == completionB)
        return (try stored(a.screenID), try stored(b.screenID))
    }

    @Test("a whole screen, taken as the prompt takes it, stores the same answers, points, flags, status and events", arguments: [
        ("physics-core", "physics"), ("medicine-core", "medicine"), ("mathematics-core", "mathematics"),
    ])
    func sameStoredResults(bank: String, domain: String) throws {
        let (reference, candidate) = try takeBoth(bank: bank, domain: domain)
        #expect(reference.count == candidate.count)
        for (lineA, lineB) in zip(reference, candidate) {
            #expect(lineA == lineB)
        }
    }

    @Test("after an answer the next question comes back with it: the prompt's next call does not ask the database")
    func nextQuestionComesWithTheAnswer() throws {
        let (_, b) = try twins(bank: "physics-core", domain: "physics")
        let connection = try Connection(fixture.url)
        let roundTrip = AnswerRoundTrip(connection: connection)
        _ = try roundTrip.begin(code: b.code)
        let first = try roundTrip.question(code: b.code, position: 1)
        _ = try roundTrip.answer(code: b.code, position: 1, answer: someAnswer(first), typed: "x")
        // Question 2 was marked shown by the answer's statement, before anyone asked for it.
        let shown = try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND first_shown_at IS NOT NULL", [b.screenID])
        #expect(shown == 2)
        // With the database out of reach, the prompt still gets question 2.
        let killer = try Connection(fixture.url)
        let pid: Int = try connection.query("SELECT pg_backend_pid()").one().decode(0)
        try killer.execute("SELECT pg_terminate_backend($1::int)", [pid])
        let second = try roundTrip.question(code: b.code, position: 2)
        #expect(second.position == 2 && second.total == 20 && !second.answered)
        #expect(throws: PostgresError.self) { _ = try roundTrip.question(code: b.code, position: 3) }
    }

    @Test("past the deadline an answer is refused and the screen closed and scored, as CandidateSession does")
    func deadline() throws {
        let (a, b) = try twins(bank: "physics-core", domain: "physics")
        let roundTrip = AnswerRoundTrip(connection: try Connection(fixture.url))
        for (service, invitation) in [(fixture.session as any CandidateScreenService, a), (roundTrip, b)] {
            _ = try service.begin(code: invitation.code)
            let question = try service.question(code: invitation.code, position: 1)
            #expect(try service.answer(code: invitation.code, position: 1, answer: someAnswer(question), typed: "x").saved)
            let next = try service.question(code: invitation.code, position: 2)
            try fixture.connection.execute("UPDATE screens SET deadline = now() - interval '1 second' WHERE id = $1", [invitation.screenID])
            let late = try service.answer(code: invitation.code, position: 2, answer: someAnswer(next), typed: "x")
            #expect(!late.saved && late.closed)
            let completion = try service.submit(code: invitation.code)
            #expect(completion.closedByDeadline && completion.answered == 1)
        }
        #expect(try stored(a.screenID) == stored(b.screenID))
    }

    @Test("refusals are CandidateSession's, word for word: unknown code, not begun, no such question, voided")
    func refusals() throws {
        let (a, b) = try twins(bank: "physics-core", domain: "physics")
        let roundTrip = AnswerRoundTrip(connection: try Connection(fixture.url))
        func same(_ call: (any CandidateScreenService, String) throws -> Void) {
            let errorA = #expect(throws: AssayError.self) { try call(fixture.session, a.code) }
            let errorB = #expect(throws: AssayError.self) { try call(roundTrip, b.code) }
            #expect(errorA != nil && errorA?.message == errorB?.message)
        }
        let unknown = "0000-0000-0000-0000-0000-0000-0000-0000"
        same { service, _ in _ = try service.question(code: unknown, position: 1) }
        same { service, _ in _ = try service.answer(code: unknown, position: 1, answer: .boolean(true), typed: "t") }
        same { service, _ in _ = try service.question(code: "not a code", position: 1) }
        same { service, code in _ = try service.question(code: code, position: 1) }  // not begun
        same { service, code in _ = try service.answer(code: code, position: 1, answer: .boolean(true), typed: "t") }
        _ = try fixture.session.begin(code: a.code)
        _ = try roundTrip.begin(code: b.code)
        same { service, code in _ = try service.question(code: code, position: 99) }
        same { service, code in _ = try service.answer(code: code, position: 99, answer: .boolean(true), typed: "t") }
        try fixture.staff.void(screenID: a.screenID, reason: "test", actor: "ops")
        try fixture.staff.void(screenID: b.screenID, reason: "test", actor: "ops")
        same { service, code in _ = try service.question(code: code, position: 1) }
        same { service, code in _ = try service.answer(code: code, position: 1, answer: .boolean(true), typed: "t") }
        #expect(try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = ANY ($1) AND answered_at IS NOT NULL", [[a.screenID, b.screenID]]) == 0)
    }
}
