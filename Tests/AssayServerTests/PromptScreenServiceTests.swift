import AssayCore
import AssayServer
import AssayTesting
import Foundation
import Logging
import Postgres
import Testing

/// The prompt's service over the pool, called from a plain thread as the door's prompt calls it.
@Suite("The prompt's screen service on the door's pool", .serialized)
struct PromptScreenServiceTests {
    let database: DoorDatabase
    let logger = Logger(label: "test.prompt-service")

    init() throws { database = try DoorDatabase("door_prompt_service") }

    @Test("a whole screen through it from a plain thread: every answer saved, drafts cleared, questions stamped as shown; a stopped pool is reported as unavailable, which the prompt retries")
    func takesAScreen() throws {
        let invitation = try database.invite()
        let pool = DatabasePool(size: 2, conninfo: database.url, logger: logger)
        try pool.start()
        let service = PromptScreenService(pool: pool)
        let overview = try service.begin(code: invitation.code)
        var answered = 0
        for position in 1...overview.questionCount {
            let question = try service.question(code: invitation.code, position: position)
            #expect(question.position == position)
            let answer: CandidateAnswer
            var typed = "x"
            switch question.kind {
            case .singleChoice: answer = .choice(0)
            case .multipleResponse: answer = .choices([0])
            case .trueFalse: answer = .boolean(true)
            case .numeric: answer = .number(1); typed = "1"
            case .ordering: answer = .order(Array(question.choices.indices))
            case .matching: answer = .matches((question.matchPrompts ?? []).map { _ in 0 })
            case .shortText: answer = .text("an answer")
            case .essay:
                #expect(try service.saveDraft(code: invitation.code, position: position, text: "a draft").saved)
                answer = .text("an essay")
            }
            if try service.answer(code: invitation.code, position: position, answer: answer, typed: typed).saved { answered += 1 }
        }
        #expect(answered == overview.questionCount)
        let rows: Int = try database.connection.query("""
            SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL AND draft_text IS NULL AND last_shown_at IS NOT NULL
            """, [invitation.screenID]).one().decode(0)
        #expect(rows == overview.questionCount)
        pool.shutdown()
        let lost = try #require(throws: AssayError.self) { _ = try service.submit(code: invitation.code) }
        #expect(lost.code == .unavailable)
    }
}
