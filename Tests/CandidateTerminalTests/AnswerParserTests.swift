import AssayCore
@testable import CandidateTerminal
import Testing

@Suite("Answers as typed, and the hints that say how to type them")
struct AnswerParserTests {
    let parser = AnswerParser()

    func question(_ kind: CandidateQuestion.Kind, choices: Int, items: Int? = nil) -> CandidateQuestion {
        CandidateQuestion(position: 1, total: 1, kind: kind, prompt: "Q", choices: (0..<choices).map { "option \($0)" },
                          matchPrompts: items.map { count in (0..<count).map { "item \($0)" } }, unit: nil, maxWords: nil, secondsLeft: 60, answered: false)
    }

    func problem(_ line: String, _ question: CandidateQuestion) -> String? {
        if case .failure(let problem) = parser.parse(line, for: question) { return problem.message }
        return nil
    }

    @Test("an invalid letter is named, with the letters that are options")
    func invalidLetterNamed() throws {
        let single = question(.singleChoice, choices: 4)
        #expect(try parser.parse("c", for: single).get() == .choice(2))
        #expect(problem("F", single) == "'F' is not one of the letters shown: F is not an option here (A to D).")
        #expect(problem("AB", single) == "'AB' is not one of the letters shown: give exactly one letter (A to D).")
        let multiple = question(.multipleResponse, choices: 4)
        #expect(try parser.parse("a, c", for: multiple).get() == .choices([0, 2]))
        #expect(problem("A, E, Z", multiple) == "'A, E, Z' is not a list of the letters shown: E and Z are not an option here (A to D).")
    }

    @Test("an ordering names the letters repeated or missing")
    func ordering() throws {
        let steps = question(.ordering, choices: 4)
        #expect(try parser.parse("dcba", for: steps).get() == .order([3, 2, 1, 0]))
        #expect(problem("ABCA", steps) == "'ABCA' does not list each of the 4 letters exactly once: A is repeated and D is missing.")
        #expect(problem("ABCE", steps) == "'ABCE' does not list each of the 4 letters exactly once: E is not one of them (A to D).")
    }

    @Test("a matching answer is one letter per numbered item, letters may repeat, and anything else is refused")
    func matching() throws {
        let matching = question(.matching, choices: 3, items: 2)
        #expect(try parser.parse("B A", for: matching).get() == .matches([1, 0]))
        #expect(try parser.parse("cc", for: matching).get() == .matches([2, 2]))
        #expect(problem("A", matching) == "'A' is not 2 of the letters shown, one for each numbered item: it gives 1 letter.")
        #expect(problem("AD", matching) == "'AD' is not 2 of the letters shown, one for each numbered item: D is not an answer here (A to C).")
    }

    @Test("numbers, true or false, and short text", arguments: [("3.5", true), ("1,000", false), ("abc", false), ("1e3", true)])
    func numbers(line: String, valid: Bool) {
        let parsed = (try? parser.parse(line, for: question(.numeric, choices: 0)).get()) != nil
        #expect(parsed == valid)
    }

    @Test("the ordering and matching hints never show an example that could be the key: its length is never the number asked for", arguments: 2...9)
    func hintsAreNeutral(count: Int) throws {
        let prompt = CandidatePrompt(service: FakeScreenService(clock: FakeClock(), questions: []), code: "", terminal: PlainTerminal(input: QueuedInput()) { _ in },
                                     resumeCommand: "")
        for (kind, question) in [(CandidateQuestion.Kind.ordering, question(.ordering, choices: count)),
                                 (.matching, question(.matching, choices: count + 1, items: count))] {
            let hint = prompt.instructions(question)
            let example = try #require(hint.split(separator: " ").first { word in
                word.count > 1 && word.allSatisfy { $0.isUppercase && $0.isLetter }
            }, "\(kind): \(hint)")
            #expect(example.count != count, "\(kind) with \(count): the example \(example) has the key's length")
            #expect((try? parser.parse(String(example), for: question).get()) == nil, "\(kind) with \(count): \(example) is a valid answer")
        }
    }
}
