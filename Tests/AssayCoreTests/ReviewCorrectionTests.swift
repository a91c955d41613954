@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing

/// A small `evidence` domain: `evidence-core` (an essay, three short-text items, a true/false
/// item; pass at 60 %) with a pool policy on it, and `evidence-strict`, the same short-text item
/// with `near_miss_review: false`.
struct EvidenceFixture {
    let connection: Connection
    let session: CandidateSession
    let reviews: Reviews

    /// The prompts, each naming its item, and the answers the tests give by default.
    static let prompts = [
        "e1": "Explain the rule against hearsay.",
        "s1": "Name the hearsay exception for a startled declarant.",
        "s2": "Name the OWASP 2021 category for requests to internal metadata.",
        "s3": "What is a statement under stress of excitement, in one phrase: an excited utterance is a …",
        "t1": "Hearsay is an out-of-court statement offered for its truth.",
    ]

    init(_ name: String) throws {
        connection = try Connection(try TestDatabase.url(for: name))
        try Migrator.shipped().migrate(connection)
        let root = try TemporaryFolder.make(prefix: "assay-evidence-")
        let domain = root.appendingPathComponent("evidence")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        try Data("""
            slug: evidence
            name: Evidence
            description: Evidence law.
            policy:
              required_banks: [evidence-core]
              validity_days: 365
              tiers:
                - name: member
                  min_score: 60

            """.utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        try Data("""
            slug: evidence-core
            title: Evidence
            domain: evidence
            language: en
            settings:
              items_per_screen: 5
              time_limit_minutes: 30
              pass_rule: {min_percent: 60}
            items:
              - {id: e1, type: essay, topic: t, difficulty: medium, points: 4, prompt: "\(Self.prompts["e1"]!)", rubric: "Out-of-court statement offered for its truth."}
              - {id: s1, type: short_text, topic: t, difficulty: medium, prompt: "\(Self.prompts["s1"]!)", accept: [excited utterance]}
              - {id: s2, type: short_text, topic: t, difficulty: medium, prompt: "\(Self.prompts["s2"]!)", accept: ["A10:2021 - Server-Side Request Forgery (SSRF)"]}
              - {id: s3, type: short_text, topic: t, difficulty: medium, prompt: "\(Self.prompts["s3"]!)", accept: [spontaneous exclamation]}
              - {id: t1, type: true_false, topic: t, difficulty: easy, prompt: "\(Self.prompts["t1"]!)", answer: true}

            """.utf8).write(to: domain.appendingPathComponent("core.yaml"))
        try Data("""
            slug: evidence-strict
            title: Evidence (no near-miss review)
            domain: evidence
            language: en
            settings:
              items_per_screen: 1
              time_limit_minutes: 30
              near_miss_review: false
              pass_rule: {min_percent: 60}
            items:
              - {id: s3, type: short_text, topic: t, difficulty: medium, prompt: "\(Self.prompts["s3"]!)", accept: [spontaneous exclamation]}

            """.utf8).write(to: domain.appendingPathComponent("strict.yaml"))
        let collection = BankLinter.lint(path: root.path)
        #expect(!collection.hasErrors, "\(collection.diagnostics)")
        try Catalog(connection: connection).sync(collection, actor: "tester")
        session = CandidateSession(connection: connection)
        reviews = Reviews(connection: connection)
    }

    /// A new expert in the evidence domain who takes `bank`, answering each item by its key
    /// (`e1`, `s1` …) from `answers`; returns the screen id.
    func take(bank: String = "evidence-core", _ answers: [String: CandidateAnswer]) throws -> Int {
        let email = "ev-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try Intake(connection: connection).add(ApplicantInput(
            fields: ["email": email, "full_name": "Evidence Candidate", "country": "US", "highest_degree": "jd", "years_experience": "6",
                     "external_id": email, "source": "test"],
            lists: ["languages": ["en"], "domains": ["evidence"]]), actor: "tester")
        let invitation = try Invitations(connection: connection).invite(expert: email, bank: bank, expiresInDays: 7, actor: "recruiter", drawSeed: 5)
        let overview = try session.begin(code: invitation.code)
        for position in 1...overview.questionCount {
            let question = try session.question(code: invitation.code, position: position)
            let key = try #require(Self.prompts.first { $0.value == question.prompt }?.key)
            let answer = try #require(answers[key], "an answer for \(key)")
            let typed: String = if case .text(let text) = answer { text } else { "true" }
            _ = try session.answer(code: invitation.code, position: position, answer: answer, typed: typed)
        }
        _ = try session.submit(code: invitation.code)
        return invitation.screenID
    }

    /// The position of an item in a screen.
    func position(_ key: String, in screen: Int) throws -> Int {
        try connection.query("SELECT si.position FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 AND i.item_key = $2",
                             [screen, key]).one().decode("position")
    }

    /// The default answers: s1 and s2 right in a different form, s3 a near miss, t1 right.
    static let answers: [String: CandidateAnswer] = [
        "e1": .text("It excludes out-of-court statements offered to prove their truth."),
        "s1": .text("Excited utterance."),
        "s2": .text("A10:2021 – Server-Side Request Forgery (SSRF)"),
        "s3": .text("spontaneous exclamaton"),
        "t1": .boolean(true),
    ]
}

@Suite("Reviews: near misses, grades and corrected grades", .serialized)
struct ReviewCorrectionTests {
    let fixture: EvidenceFixture

    init() throws { fixture = try EvidenceFixture("review_corrections") }

    func points(_ screen: Int, _ key: String) throws -> Double? {
        try fixture.connection.query("SELECT si.points FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 AND i.item_key = $2",
                                     [screen, key]).one().decode("points")
    }

    @Test("a trailing full stop and an en dash still match their keys; a near miss waits for a reviewer beside the essay, with the accepted answer it is near")
    func nearMissGoesToReview() throws {
        let screen = try fixture.take(EvidenceFixture.answers)
        #expect(try points(screen, "s1") == 1, "'Excited utterance.' matches 'excited utterance'")
        #expect(try points(screen, "s2") == 1, "the en dash matches the hyphen of the key")
        #expect(try points(screen, "t1") == 1)
        #expect(try points(screen, "s3") == nil, "not scored 0: it waits for a reviewer")
        let status: String = try fixture.connection.query("SELECT status FROM screens WHERE id = $1", [screen]).one().decode("status")
        #expect(status == "awaiting_review")
        let pending = try fixture.reviews.pending().filter { $0.screenID == screen }
        #expect(pending.map(\.itemKey).sorted() == ["e1", "s3"])
        let near = try #require(pending.first { $0.itemKey == "s3" })
        #expect(near.type == "short_text")
        #expect(near.nearMiss?.accepted == "spontaneous exclamation" && near.nearMiss?.kind == .edits && near.nearMiss?.distance == 1)
        #expect(near.acceptedAnswers == ["spontaneous exclamation"])
        #expect(near.answer == "spontaneous exclamaton")
        #expect(try fixture.reviews.pendingCount() >= 2)
    }

    @Test("grading every waiting answer makes the result final; the staff view then says who graded, not 'needs review', and shows the accepted answers")
    func gradesMakeTheResultFinal() throws {
        let screen = try fixture.take(EvidenceFixture.answers)
        let first = try fixture.reviews.grade(screenID: screen, item: "s3", points: 1, note: "a typo of the key", actor: "reviewer-a")
        #expect(first.stillPending == 1 && first.screenStatus == "awaiting_review" && first.scorePercent == nil && first.previousPoints == nil)
        let second = try fixture.reviews.grade(screenID: screen, item: "e1", points: 3, note: "good", actor: "reviewer-a")
        #expect(second.stillPending == 0 && second.screenStatus == "scored")
        // 1 + 1 + 1 + 1 + 3 of 8 points.
        #expect(second.scorePercent == 87.5 && second.passed == true)
        let view = try StaffScreens(connection: fixture.connection).show(screenID: screen)
        let s3 = try #require(view.items.first { $0.itemKey == "s3" })
        #expect(!s3.needsReview && s3.reviewedBy == "reviewer-a" && s3.reviewNote == "a typo of the key")
        #expect(s3.acceptedAnswers == ["spontaneous exclamation"])
        #expect(view.items.allSatisfy { !$0.needsReview })
        #expect(try #require(view.items.first { $0.itemKey == "t1" }).answerKey == "true")
        #expect(try #require(view.items.first { $0.itemKey == "e1" }).answerKey.hasPrefix("rubric: Out-of-court"))
    }

    @Test("a corrected grade keeps the old one in the events, re-scores the screen, moves the application and suspends the membership resting on it")
    func regradeRescores() throws {
        let screen = try fixture.take(EvidenceFixture.answers)
        try fixture.reviews.grade(screenID: screen, item: "s3", points: 1, note: nil, actor: "reviewer-a")
        try fixture.reviews.grade(screenID: screen, item: "e1", points: 4, note: "excellent", actor: "reviewer-a")
        let changes = try Pool(connection: fixture.connection).promote(domain: "evidence", dryRun: false, includeFlagged: true, actor: "ops")
        let expert: Int = try fixture.connection.query("SELECT expert_id FROM screens WHERE id = $1", [screen]).one().decode("expert_id")
        #expect(changes.changes.contains { $0.expertID == expert && $0.evidenceScreens == [screen] })

        // 1 + 1 + 0 + 1 + 0 of 8 points: 37.5 %, below the pass mark.
        let down = try fixture.reviews.grade(screenID: screen, item: "e1", points: 0, note: "second reading: misstates the rule", regrade: true,
                                             reason: "second reader disagrees", actor: "reviewer-b")
        _ = try fixture.reviews.grade(screenID: screen, item: String(try fixture.position("s3", in: screen)), points: 0, note: nil, regrade: true,
                                      reason: "not the accepted term", actor: "reviewer-b")
        #expect(down.previousPoints == 4 && down.previousReviewer == "reviewer-a" && down.points == 0)
        #expect(down.previousScorePercent == 100 && down.previousPassed == true)
        #expect(down.scorePercent == 50 && down.passed == false, "the first correction alone: 4 of 8")
        #expect(down.suspendedPools == ["evidence"])
        let row = try fixture.connection.query("SELECT score_percent, passed, status FROM screens WHERE id = $1", [screen]).one()
        #expect(try row.decode("score_percent", as: Double.self) == 37.5)
        #expect(try row.decode("passed", as: Bool.self) == false && row.decode("status", as: String.self) == "scored")
        let member: String = try fixture.connection.query("SELECT status FROM pool_members WHERE expert_id = $1 AND domain = 'evidence'", [expert]).one().decode("status")
        #expect(member == "suspended")
        let application: String = try fixture.connection.query("SELECT status FROM applications WHERE expert_id = $1", [expert]).one().decode("status")
        #expect(application == "pooled", "a pooled application is not moved back; the membership is suspended instead")
        // The events keep the grade that was replaced and the result before.
        let regrade = try fixture.connection.query("""
            SELECT actor, reason, details->>'previous_points' AS before, details->>'previous_reviewer' AS who, details->>'previous_note' AS note,
                   jsonb_typeof(details->'points') AS kind
            FROM events WHERE action = 'review.regrade' AND subject_id = $1 ORDER BY id LIMIT 1
            """, [screen]).one()
        #expect(try regrade.decode("before", as: String.self) == "4" && regrade.decode("who", as: String.self) == "reviewer-a")
        #expect(try regrade.decode("note", as: String.self) == "excellent" && regrade.decode("reason", as: String.self) == "second reader disagrees")
        #expect(try regrade.decode("kind", as: String.self) == "number")
        let rescores: Int = try fixture.connection.query("SELECT count(*)::int FROM events WHERE action = 'screen.rescore' AND subject_id = $1", [screen]).one().decode(0)
        #expect(rescores == 2)
        let original: Int = try fixture.connection.query("SELECT count(*)::int FROM events WHERE action = 'review.grade' AND subject_id = $1", [screen]).one().decode(0)
        #expect(original == 2, "the first grades stay in the trail")

        // Back up: the screen passes again; the suspended membership waits for staff.
        let up = try fixture.reviews.grade(screenID: screen, item: "e1", points: 4, note: nil, regrade: true, reason: "panel decision", actor: "lead")
        #expect(up.passed == true && up.previousPassed == false && up.suspendedPools.isEmpty)
    }

    @Test("grading twice without --regrade, correcting without a reason or before a grade, points out of range, automatic items and voided screens are refused, and nothing changes")
    func refusals() throws {
        let screen = try fixture.take(EvidenceFixture.answers)
        func refused(_ call: () throws -> Void) -> AssayError? {
            #expect(throws: AssayError.self) { try call() }
        }
        let early = refused { _ = try fixture.reviews.grade(screenID: screen, item: "e1", points: 1, note: nil, regrade: true, reason: "why", actor: "r") }
        #expect(early?.code == .badInput && early?.message.contains("no grade to correct yet") == true)
        let tooMany = refused { _ = try fixture.reviews.grade(screenID: screen, item: "e1", points: 5, note: nil, actor: "r") }
        #expect(tooMany?.field == "points" && tooMany?.message.contains("between 0 and 4") == true)
        let automatic = refused { _ = try fixture.reviews.grade(screenID: screen, item: "t1", points: 1, note: nil, actor: "r") }
        #expect(automatic?.message.contains("scored automatically") == true)
        let unknown = refused { _ = try fixture.reviews.grade(screenID: screen, item: "zz", points: 1, note: nil, actor: "r") }
        #expect(unknown?.code == .notFound)
        try fixture.reviews.grade(screenID: screen, item: "e1", points: 2, note: nil, actor: "r")
        let twice = refused { _ = try fixture.reviews.grade(screenID: screen, item: "e1", points: 3, note: nil, actor: "r") }
        #expect(twice?.message.contains("already graded (2 points by r)") == true && twice?.hint?.contains("--regrade --reason") == true)
        let noReason = refused { _ = try fixture.reviews.grade(screenID: screen, item: "e1", points: 3, note: nil, regrade: true, reason: "  ", actor: "r") }
        #expect(noReason?.field == "reason")
        #expect(try points(screen, "e1") == 2, "nothing changed")
        try StaffScreens(connection: fixture.connection).void(screenID: screen, reason: "identity not confirmed", actor: "ops")
        let voided = refused { _ = try fixture.reviews.grade(screenID: screen, item: "e1", points: 3, note: nil, regrade: true, reason: "why", actor: "r") }
        #expect(voided?.message.contains("voided") == true)
        #expect(try points(screen, "e1") == 2)
    }

    @Test("with near_miss_review: false, a near miss scores 0 and nothing waits")
    func nearMissReviewOff() throws {
        let screen = try fixture.take(bank: "evidence-strict", ["s3": .text("spontaneous exclamaton")])
        #expect(try points(screen, "s3") == 0)
        let row = try fixture.connection.query("SELECT status, score_percent FROM screens WHERE id = $1", [screen]).one()
        #expect(try row.decode("status", as: String.self) == "scored" && row.decode("score_percent", as: Double.self) == 0)
        #expect(try fixture.reviews.pending().allSatisfy { $0.screenID != screen })
    }
}

@Suite("The shipped banks accept the issue's answers")
struct ShippedShortAnswerTests {
    static let banks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("interview-banks")

    @Test("law-014 takes 'excited utterance.' and swe-031 takes 'A10:2021 – Server-Side Request Forgery (SSRF)' for full points",
          arguments: [("law", "law-014", "excited utterance."), ("law", "law-014", "Excited Utterance"),
                      ("software-engineering", "swe-031", "A10:2021 – Server-Side Request Forgery (SSRF)"),
                      ("software-engineering", "swe-031", "server‑side request forgery.")])
    func shipped(_ domain: String, _ key: String, _ answer: String) throws {
        let collection = BankLinter.lint(path: Self.banks.appendingPathComponent(domain).path)
        let item = try #require(collection.banks.flatMap(\.bank.items).first { $0.id == key })
        #expect(try ItemScoring.points(item, .text(answer)) == item.points)
    }

    @Test("a wrong answer near an accepted one is a near miss; a far one is not")
    func nearMissOfShippedItem() throws {
        let collection = BankLinter.lint(path: Self.banks.appendingPathComponent("law").path)
        let item = try #require(collection.banks.flatMap(\.bank.items).first { $0.id == "law-014" })
        #expect(try ItemScoring.points(item, .text("excited utterence")) == 0)
        #expect(ItemScoring.nearMiss(item, .text("excited utterence"))?.accepted == "excited utterance")
        #expect(ItemScoring.nearMiss(item, .text("present sense impression")) == nil)
    }
}
