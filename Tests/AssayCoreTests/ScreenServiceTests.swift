@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// A migrated database with the shipped banks and a fresh expert per test.
struct ScreenFixture {
    let url: String
    let connection: Connection
    let invitations: Invitations
    let session: CandidateSession
    let staff: StaffScreens
    let reviews: Reviews

    init(_ name: String) throws {
        url = try TestDatabase.url(for: name)
        connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
        invitations = Invitations(connection: connection)
        session = CandidateSession(connection: connection)
        staff = StaffScreens(connection: connection)
        reviews = Reviews(connection: connection)
    }

    func newExpert(domain: String = "physics") throws -> String {
        let email = "cand-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Candidate", "country": "FR", "highest_degree": "phd", "years_experience": "10",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["fr"], "domains": [domain]]), actor: "tester")
        return email
    }

    func int(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try connection.query(sql, parameters)[0].decode(0)
    }
}

@Suite("Screens through the service", .serialized)
struct ScreenServiceTests {
    let fixture: ScreenFixture

    init() throws { fixture = try ScreenFixture("screens") }

    @Test("an invite stores only the code's SHA-256, draws the bank's items over its topics, and moves the application to invited")
    func invite() throws {
        let email = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
        #expect(invitation.questions == 20)
        #expect(invitation.code.count == 39)  // 32 characters in 8 groups
        let normalized = try #require(InviteCode.normalize(invitation.code))
        let stored: String = try fixture.connection.query("SELECT invite_hash FROM screens WHERE id = $1", [invitation.screenID])[0].decode(0)
        #expect(stored != normalized && stored.count == 64)
        let anywhere = try fixture.int("SELECT count(*)::int FROM screens s WHERE s::text LIKE $1", ["%\(normalized)%"])
        #expect(anywhere == 0, "the code itself is stored nowhere")
        let topics = try fixture.int("SELECT count(DISTINCT i.topic)::int FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [invitation.screenID])
        #expect(topics == 7, "every topic of the physics bank is represented")
        let status: String = try fixture.connection.query("SELECT a.status FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1", [email])[0].decode(0)
        #expect(status == "invited")
        // A second invitation while this one is open is refused with the date it becomes possible.
        let error = try #require(throws: AssayError.self) { _ = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter") }
        #expect(error.message.contains("already has an open screen"))
        #expect(error.message.contains("20"))  // an ISO date of this century
    }

    @Test("codes are read leniently: case, dashes, spaces and look-alike letters")
    func codeNormalization() {
        let code = "7K3M-Q9XD-0000-1111-ABCD-EFGH-JKMN-PQRS"
        #expect(InviteCode.normalize(code) == "7K3MQ9XD00001111ABCDEFGHJKMNPQRS")
        #expect(InviteCode.normalize("7k3m q9xd oooo iiii abcd efgh jkmn pqrs") == "7K3MQ9XD00001111ABCDEFGHJKMNPQRS")
        #expect(InviteCode.normalize("too short") == nil)
        #expect(InviteCode.normalize(String(repeating: "U", count: 32)) == nil)
        #expect(Set((0..<100).map { _ in InviteCode.generate() }).count == 100)
    }

    /// Answers every question of a screen with `answers(position, question)`.
    func takeWhole(_ code: String, answer: (CandidateQuestion) -> CandidateAnswer) throws -> ScreenCompletion {
        let overview = try fixture.session.begin(code: code)
        for position in 1...overview.questionCount {
            let question = try fixture.session.question(code: code, position: position)
            let given = answer(question)
            _ = try fixture.session.answer(code: code, position: position, answer: given, typed: Self.typed(given))
        }
        return try fixture.session.submit(code: code)
    }

    /// What a candidate types for `answer`: a number as written in decimal (the service reads it
    /// back), anything else a placeholder.
    static func typed(_ answer: CandidateAnswer) -> String {
        if case .number(let value) = answer { return String(value) }
        return "x"
    }

    /// The correct answer in the candidate's terms, from the key (test only).
    func correctAnswer(screen: Int, position: Int) throws -> CandidateAnswer {
        let row = try fixture.connection.query("SELECT i.content, si.choice_order AS o FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 AND si.position = $2", [screen, position]).one()
        let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
        let order: [Int]? = try row.decode("o")
        func shown(_ original: Int) -> Int { order?.firstIndex(of: original) ?? original }
        switch item.body {
        case .singleChoice(let options): return .choice(shown(options.firstIndex(where: \.correct)!))
        case .multipleResponse(let options, _): return .choices(Set(options.indices.filter { options[$0].correct }.map(shown)))
        case .trueFalse(let value): return .boolean(value)
        case .numeric(let key):
            if case .range(let low, let high) = key.tolerance { return .number((low + high) / 2) }
            return .number(key.answer!)
        case .shortText(let accept, _, _): return .text(accept.first ?? "x")
        case .ordering(let steps, _): return .order(steps.indices.map(shown))
        case .essay: return .text("An essay.")
        case .matching(let pairs, let distractors, _): return .matches(MatchingLayout(pairs: pairs, distractors: distractors).key.map(shown))
        }
    }

    @Test("a perfect screen scores 100% and passes; the code then cannot be used again; the cooldown refuses a retake with its end date")
    func perfectScreenAndCooldown() throws {
        let email = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
        var position = 0
        let completion = try takeWhole(invitation.code) { _ in
            position += 1
            return (try? correctAnswer(screen: invitation.screenID, position: position)) ?? .text("x")
        }
        let essays = try fixture.int("SELECT count(*)::int FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 AND i.type = 'essay'", [invitation.screenID])
        if essays == 0 {
            #expect(completion.scorePercent == 100)
            let status: String = try fixture.connection.query("SELECT a.status FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1", [email])[0].decode(0)
            #expect(status == "passed")
        } else {
            #expect(completion.awaitingReview)
            for review in try fixture.reviews.pending() where review.screenID == invitation.screenID {
                try fixture.reviews.grade(screenID: review.screenID, item: String(review.position), points: review.maxPoints, note: "complete", actor: "reviewer")
            }
            let percent: Double = try fixture.connection.query("SELECT score_percent FROM screens WHERE id = $1", [invitation.screenID])[0].decode(0)
            #expect(percent == 100)
        }
        #expect(throws: AssayError.self) { _ = try fixture.session.overview(code: invitation.code) }
        let error = try #require(throws: AssayError.self) { _ = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter") }
        #expect(error.message.contains("cooldown ends"))
    }

    @Test("an answer after the deadline is refused and the screen is scored on what it has")
    func deadline() throws {
        let email = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
        _ = try fixture.session.begin(code: invitation.code)
        _ = try fixture.session.question(code: invitation.code, position: 1)
        #expect(try fixture.session.answer(code: invitation.code, position: 1, answer: correctAnswer(screen: invitation.screenID, position: 1),
                                               typed: Self.typed(correctAnswer(screen: invitation.screenID, position: 1))).saved)
        // The server's clock runs out.
        try fixture.connection.execute("UPDATE screens SET deadline = now() - interval '1 second' WHERE id = $1", [invitation.screenID])
        let second = try correctAnswer(screen: invitation.screenID, position: 2)
        let late = try fixture.session.answer(code: invitation.code, position: 2, answer: second, typed: Self.typed(second))
        #expect(!late.saved && late.closed)
        #expect(try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [invitation.screenID]) == 1)
        let row = try fixture.connection.query("SELECT status, submitted_by, points_awarded FROM screens WHERE id = $1", [invitation.screenID])[0]
        #expect(try row.decode("submitted_by", as: String.self) == "deadline")
        // The prompt then submits: that reports the closed screen instead of failing.
        let completion = try fixture.session.submit(code: invitation.code)
        #expect(completion.closedByDeadline && completion.answered == 1)
        #expect(["scored", "awaiting_review"].contains(try row.decode("status", as: String.self)))
    }

    @Test("an invitation that expired unused no longer blocks a new one, and is marked expired")
    func expiredInvitation() throws {
        let email = try fixture.newExpert()
        let old = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 1, actor: "r")
        try fixture.connection.execute("UPDATE screens SET invite_expires_at = now() - interval '1 minute' WHERE id = $1", [old.screenID])
        #expect(throws: AssayError.self) { _ = try fixture.session.overview(code: old.code) }
        let fresh = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "r")
        #expect(fresh.screenID != old.screenID)
        let status: String = try fixture.connection.query("SELECT status FROM screens WHERE id = $1", [old.screenID])[0].decode(0)
        #expect(status == "expired")
    }

    @Test("when time runs out between two questions, asking for the next closes and scores the screen; abandoned screens are closed by the staff sweep")
    func deadlineBetweenQuestions() throws {
        let email = try fixture.newExpert(), other = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "r")
        _ = try fixture.session.begin(code: invitation.code)
        try fixture.connection.execute("UPDATE screens SET deadline = now() - interval '1 second' WHERE id = $1", [invitation.screenID])
        let question = try fixture.session.question(code: invitation.code, position: 1)
        #expect(question.secondsLeft == 0)
        let status: String = try fixture.connection.query("SELECT status FROM screens WHERE id = $1", [invitation.screenID])[0].decode(0)
        #expect(["scored", "awaiting_review"].contains(status))
        // A candidate who never comes back: the sweep run by staff listings closes the screen.
        let abandoned = try fixture.invitations.invite(expert: other, bank: "physics-core", expiresInDays: 7, actor: "r")
        _ = try fixture.session.begin(code: abandoned.code)
        // Past the deadline and its 30-second grace.
        try fixture.connection.execute("UPDATE screens SET deadline = now() - interval '31 seconds' WHERE id = $1", [abandoned.screenID])
        _ = try fixture.staff.list(status: nil, bank: nil)
        let after: String = try fixture.connection.query("SELECT submitted_by FROM screens WHERE id = $1", [abandoned.screenID])[0].decode(0)
        #expect(after == "deadline")
    }

    @Test("extend moves the deadline; void cancels; both leave events")
    func extendAndVoid() throws {
        let email = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
        _ = try fixture.session.begin(code: invitation.code)
        let before: Date = try fixture.connection.query("SELECT deadline FROM screens WHERE id = $1", [invitation.screenID])[0].decode(0)
        let after = try #require(try fixture.staff.extend(screenID: invitation.screenID, minutes: 15, actor: "ops"))
        #expect(abs(after.timeIntervalSince(before) - 900) < 1)
        try fixture.staff.void(screenID: invitation.screenID, reason: "candidate reported a technical problem", actor: "ops")
        #expect(throws: AssayError.self) { _ = try fixture.session.question(code: invitation.code, position: 1) }
        #expect(try fixture.int("SELECT count(*)::int FROM events WHERE subject_type = 'screen' AND subject_id = $1 AND action IN ('screen.extend', 'screen.void')", [invitation.screenID]) == 2)
        // Once voided, a new invitation is possible at once.
        _ = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
    }

    @Test("invalid answers are refused without saving: an option that does not exist, an incomplete ordering, a wrong kind")
    func invalidAnswers() throws {
        let email = try fixture.newExpert()
        let invitation = try fixture.invitations.invite(expert: email, bank: "physics-core", expiresInDays: 7, actor: "recruiter")
        _ = try fixture.session.begin(code: invitation.code)
        for position in 1...20 {
            let question = try fixture.session.question(code: invitation.code, position: position)
            switch question.kind {
            case .singleChoice:
                #expect(throws: AssayError.self) { _ = try fixture.session.answer(code: invitation.code, position: position, answer: .choice(question.choices.count), typed: "Z") }
            case .ordering:
                #expect(throws: AssayError.self) { _ = try fixture.session.answer(code: invitation.code, position: position, answer: .order([0]), typed: "A") }
            default:
                #expect(throws: AssayError.self) { _ = try fixture.session.answer(code: invitation.code, position: position, answer: .choices([]), typed: "") }
            }
        }
        #expect(try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [invitation.screenID]) == 0)
    }

    @Test("what the candidate sees never holds the key, an explanation or a rubric")
    func candidateViewHasNoKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for (_, bank) in BankLinter.lint(path: root.appendingPathComponent("interview-banks").path).banks {
            for item in bank.items {
                let view = CandidateQuestion(showing: item, position: 1, total: 1, order: nil, secondsLeft: 60, answered: false)
                let encoded = String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
                #expect(!encoded.contains("\"correct\""), "\(item.id)")
                if let explanation = item.explanation { #expect(!encoded.contains(String(explanation.prefix(60)).jsonEscaped), "\(item.id)") }
                if case .essay(let rubric, _) = item.body { #expect(!encoded.contains(String(rubric.prefix(60)).jsonEscaped), "\(item.id)") }
            }
        }
    }

    @Test("identical wrong answers on the same items are flagged on both screens' later scoring")
    func sharedWrongAnswers() throws {
        let first = try fixture.newExpert(), second = try fixture.newExpert()
        let a = try fixture.invitations.invite(expert: first, bank: "physics-core", expiresInDays: 7, actor: "r")
        // Same draw for both: copy the first screen's items into the second's.
        let b = try fixture.invitations.invite(expert: second, bank: "physics-core", expiresInDays: 7, actor: "r")
        try fixture.connection.execute("DELETE FROM screen_items WHERE screen_id = $1", [b.screenID])
        try fixture.connection.execute("INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points) SELECT $1, position, item_id, choice_order, max_points FROM screen_items WHERE screen_id = $2", [b.screenID, a.screenID])
        func wrong(_ question: CandidateQuestion) -> CandidateAnswer {
            switch question.kind {
            case .singleChoice: return .choice(0)
            case .multipleResponse: return .choices([0])
            case .trueFalse: return .boolean(true)
            case .numeric: return .number(-12345)
            case .ordering: return .order(Array(question.choices.indices))
            default: return .text("nonsense")
            }
        }
        _ = try takeWhole(a.code, answer: wrong)
        _ = try takeWhole(b.code, answer: wrong)
        let flags: String = try fixture.connection.query("SELECT flags::text FROM screens WHERE id = $1", [b.screenID])[0].decode(0)
        #expect(flags.contains("shared_wrong_answers"), "\(flags)")
        #expect(flags.contains("fast_answers"), "answers entered by a program are faster than anyone reads")
    }
}

extension String {
    /// The text as it appears inside a JSON string (for searching encoded output).
    var jsonEscaped: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
