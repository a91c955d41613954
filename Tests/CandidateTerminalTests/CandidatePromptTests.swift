import AssayCore
@testable import CandidateTerminal
import Foundation
import Testing

@Suite("The candidate's prompt against a fake service and a scripted window")
struct CandidatePromptTests {
    static let clinical = """
        A 45-year-old woman with rheumatoid arthritis is about to start adalimumab. Her
        interferon-gamma release assay is positive; she has no symptoms, a normal chest
        radiograph and no known contact with drug-resistant tuberculosis. Liver tests are
        normal, she takes no interacting drugs, and she is not pregnant.

        Per the 2020 NTCA/CDC guidelines for the treatment of latent tuberculosis infection,
        which of these is a preferred regimen?
        """
    static let options = [
        "Rifampin plus pyrazinamide daily for 2 months",
        "No treatment; start adalimumab and repeat the interferon-gamma release assay in 12 months",
        "Isoniazid daily for 9 months",
        "Isoniazid, rifampin, pyrazinamide and ethambutol for 2 months, then isoniazid and rifampin for 4 months",
    ]

    static func words(_ text: String) -> Set<Substring> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }))
    }

    @Test("a whole screen at 40, 80 and 120 columns: nothing runs past the window, text is at most 100 wide, and no word of a question or option is split", arguments: [40, 80, 120])
    func wrapsAtEveryWidth(columns: Int) throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [
            .choice(Self.clinical, Self.options), .short("Name the enzyme that rifampin induces, in one word."),
            .essay("Describe the monitoring you would arrange during the first three months of treatment.", maxWords: 200),
            .ordering("Put the steps of starting treatment in order.", ["Screen", "Treat latent infection", "Start adalimumab", "Monitor"]),
        ].numbered)
        let harness = PromptHarness(clock: clock, columns: columns,
                                    [.type("y\r"), .type("E\r"), .type("C\r"), .type("CYP3A4\r"), .type("Liver tests monthly.\r"), .type("Ask about symptoms.\r"), .type(".\r"), .type("ABCD\r")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.model.autoWraps == 0, "the window had to wrap \(harness.model.autoWraps) times: \(harness.model.wrapped)")
        #expect(harness.model.widest <= min(columns, 100))
        let shown = Self.words(harness.model.all.joined(separator: "\n"))
        for word in Self.words(Self.clinical).union(Self.options.flatMap { Self.words($0) }) {
            #expect(shown.contains(word), "'\(word)' split at \(columns) columns")
        }
        #expect(harness.flat.contains("'E' is not one of the letters shown: E is not an option here (A to D)."), "an invalid letter is named")
        #expect(service.text(at: 3) == "Liver tests monthly.\nAsk about symptoms.")
        #expect(service.entries[3].answer == .order([0, 1, 2, 3]))
        #expect(!harness.output.contains("\u{1B}[1m"), "no colour when the terminal has none")
    }

    @Test("warnings at 10, 5 and 1 minutes come while the candidate types, and what was typed is drawn again under them")
    func warningsWhileTyping() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"]), .short("Third?")].numbered, minutes: 12)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("B"), .wait(150), .type("\r"), .wait(300), .type("A\r"), .wait(250), .type("ok\r")])
        #expect(try harness.run(service) == .submitted)
        let screen = harness.model.all
        let ten = try #require(screen.firstIndex(of: "10 minutes left."))
        #expect(screen[ten + 1] == "[10:00] > B", "the partial answer is redrawn under the warning")
        let five = try #require(screen.firstIndex(of: "5 minutes left."))
        let one = try #require(screen.firstIndex(of: "1 minute left."))
        #expect(ten < five && five < one)
        #expect(screen[one + 1] == "[1:00] > ok")
        #expect(service.entries[0].answer == .choice(1), "the answer typed across the warning is the one saved")
        #expect(service.text(at: 3) == "ok")
        // The time left is shown with each question, after each saved answer and in the prompt.
        #expect(harness.flat.contains("Question 2 of 3 · 9:30 left"))
        #expect(harness.flat.contains("Saved. 9:30 left."))
    }

    @Test("an essay line entered during the 30-second grace after the deadline is saved, as are the lines before it; then the screen closes")
    func graceForAnEssay() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.essay("Explain."), .short("Never reached?")].numbered, minutes: 2)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("Line one of the essay\r"), .wait(125), .type("line two\r"), .type(".\r")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.flat.contains("1 minute left."))
        #expect(harness.flat.contains("Time is up. End your answer now with a line holding a single '.': it is accepted for 30 more seconds"))
        #expect(service.drafts == ["Line one of the essay", "Line one of the essay\nline two"])
        #expect(service.text(at: 1) == "Line one of the essay\nline two")
        #expect(harness.flat.contains("Saved (within the grace after the deadline)."))
        #expect(service.entries[1].answer == nil)
        #expect(harness.flat.contains("your screen is submitted (1 of 2 answered)"))
    }

    @Test("an answer being typed at the deadline gets the grace; if Enter never comes it is not saved and the screen is submitted")
    func graceRunsOut() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"])].numbered, minutes: 2)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("B"), .wait(400)])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.flat.contains("Time is up. Press Enter now to save the answer you are typing"))
        #expect(harness.flat.contains("The 30 seconds after the deadline are over."))
        #expect(service.entries[0].answer == nil)
        #expect(service.calls.last == "submit")
    }

    @Test("with nothing typed when time runs out, the screen is submitted at once")
    func timeUpIdle() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"])].numbered, minutes: 2)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("A\r"), .wait(400)])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.flat.contains("Time is up."))
        #expect(!harness.flat.contains("Press Enter now"))
        #expect(harness.flat.contains("(1 of 2 answered)"))
    }

    @Test("Ctrl-C pauses: it says the answers are saved, the time left and the command to resume, and saves nothing half-typed but an essay")
    func interruptPauses() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"])].numbered)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("A\r"), .wait(65), .type("B\u{03}")])
        #expect(try harness.run(service) == .paused(.interrupt))
        #expect(harness.flat.contains("Paused. Your 1 answer is saved. The clock keeps running: 38:55 left. To resume, run: assay screen take CODE-1"))
        #expect(harness.text.contains("\n  assay screen take CODE-1\n"))
        #expect(service.entries[1].answer == nil)
        #expect(service.calls.last == "question 2")
    }

    @Test("Ctrl-D on an empty line pauses like Ctrl-C; with text on the line it is ignored")
    func controlD() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"])].numbered)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("B\u{04}\r"), .type("\u{04}")])
        #expect(try harness.run(service) == .paused(.endOfInput))
        #expect(service.entries[0].answer == .choice(1))
        #expect(harness.flat.contains("Input ended. Your 1 answer is saved."))
    }

    @Test("an essay is saved line by line; Ctrl-C keeps the half-typed line too; on resume the draft is shown and the essay continues")
    func essayDraftsSurviveAPause() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.essay("Explain the mechanism."), .short("Then?")].numbered)
        let first = PromptHarness(clock: clock, [.type("y\r"), .type("The first line.\r"), .type("A second, half"), .type("\u{03}")])
        #expect(try first.run(service) == .paused(.interrupt))
        #expect(service.drafts == ["The first line.", "The first line.\nA second, half"])
        #expect(first.flat.contains("and so is the essay you were writing"))
        let second = PromptHarness(clock: clock, [.type("finished.\r"), .type(".\r"), .type("next\r")])
        #expect(try second.run(service) == .submitted)
        #expect(second.flat.contains("Resuming: 0 of 2 answered"))
        #expect(second.text.contains("Your answer so far (saved as a draft):\n  The first line.\n  A second, half"))
        #expect(service.text(at: 1) == "The first line.\nA second, half\nfinished.")
    }

    @Test("a window change redraws the question at the new width and keeps what was being typed")
    func resizeRedraws() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.short(Self.clinical)].numbered)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("isonia"), .resize(columns: 40, rows: 20), .type("zid\r")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.model.clears == 1)
        #expect(harness.model.autoWraps == 0)
        let after = harness.model.screen
        #expect(after.allSatisfy { DisplayWidth.of($0) <= 40 }, "\(after)")
        #expect(after.contains { $0.hasPrefix("Question 1 of 1") })
        #expect(after.contains("[40:00] > isoniazid"))
        #expect(service.text(at: 1) == "isoniazid")
    }

    @Test("answers are bounded: a short answer over 1,000 characters, an essay line over the word limit and a control character are refused with the reason, and asked again", arguments: [false, true])
    func oversizedAnswers(plain: Bool) throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.short("Name it."), .essay("Explain.", maxWords: 5)].numbered)
        let end = plain ? "\n" : "\r"
        // On pipes a control character is refused; a window's line editor drops it as typed.
        let control: [ScriptedInput.Step] = plain ? [.type("bad\u{07}answer" + end)] : [.type("bad\u{07}"), .type("\u{15}")]
        let harness = PromptHarness(clock: clock, plain: plain, [.type("y" + end), .type(String(repeating: "x", count: 1_001) + end)] + control + [
            .type("fine" + end), .type("one two three" + end), .type("four five six" + end), .type("four five" + end), .type("." + end),
        ])
        #expect(try harness.run(service) == .submitted)
        let text = harness.flat
        #expect(text.contains("That answer is 1001 characters long; the limit is 1000. Please shorten it."))
        #expect(text.contains("That line holds a control character (U+0007), which cannot be saved.") == plain)
        #expect(!harness.output.contains("\u{07}bad") && !harness.output.contains("bad\u{07}"))
        #expect(text.contains("That line was not added: with it your answer would be 6 words long, and the limit is 5."))
        #expect(service.text(at: 1) == "fine")
        #expect(service.text(at: 2) == "one two three\nfour five")
    }

    @Test("an essay over 20,000 characters is refused line by line")
    func essayCharacterLimit() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.essay("Explain.")].numbered)
        let line = String(repeating: "a", count: 10_001)
        let harness = PromptHarness(clock: clock, plain: true, [.type("y\n"), .type(line + "\n"), .type(line + "\n"), .type("short\n"), .type(".\n")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.flat.contains("with it your answer would be 20003 characters long, and the limit is 20000"))
        #expect(service.text(at: 1) == line + "\nshort")
    }

    @Test("the rules come first; Begin now? asks again on anything but y, yes, n or no")
    func beginReasks() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"])].numbered)
        let harness = PromptHarness(clock: clock, [.type("?\r"), .type("maybe\r"), .type("Y\r"), .type("A\r")])
        #expect(try harness.run(service) == .submitted)
        let text = harness.flat
        for rule in ["keeps running while you are away", "there is no going back", "submitted by itself after your last answer",
                     "Ctrl-C pauses", "within 30 seconds"] {
            #expect(text.contains(rule), "rule: \(rule)")
        }
        #expect(text.components(separatedBy: "Please answer y (yes) or n (no).").count == 3)
        let declined = PromptHarness(clock: clock, [.type("no\r")])
        #expect(try declined.run(FakeScreenService(clock: clock, questions: [.short("Q")].numbered)) == .notStarted)
        #expect(declined.text.contains("Not started. When you are ready, run:\n  assay screen take CODE-1"))
    }

    @Test("after declining to submit, the same question comes back; ? shows the rules and commands")
    func declinedSubmit() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"])].numbered)
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("?\r"), .type("submit\r"), .type("n\r"), .type("A\r"), .type("B\r")])
        #expect(try harness.run(service) == .submitted)
        let text = harness.flat
        #expect(text.contains("Commands: ? shows this help, skip leaves the question for later, submit finishes the screen. Ctrl-C pauses."))
        #expect(text.contains("2 questions are unanswered and will score nothing. Submit anyway? [y/n]"))
        #expect(text.components(separatedBy: "Question 1 of 2").count == 3, "question 1 is shown again")
        #expect(service.entries.allSatisfy { $0.answer != nil })
    }

    @Test("on resume the candidate continues where they stopped; skipped questions come last, with a banner")
    func resumeOrder() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: (1...5).map { .choice("Question text \($0)?", ["yes", "no", "maybe"]) }.numbered)
        let first = PromptHarness(clock: clock, [.type("y\r"), .type("skip\r"), .type("B\r"), .type("\u{03}")])
        #expect(try first.run(service) == .paused(.interrupt))
        let second = PromptHarness(clock: clock, [.type("A\r"), .type("A\r"), .type("A\r"), .type("C\r")])
        #expect(try second.run(service) == .submitted)
        let order = second.text.components(separatedBy: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("Question "), let number = line.split(separator: " ").dropFirst().first else { return nil }
            return Int(number)
        }
        #expect(order == [3, 4, 5, 1])
        #expect(second.flat.contains("1 skipped question left."))
        #expect(service.entries[0].answer == .choice(2))
    }

    @Test("a lost database is retried with one reconnecting line; the answer being entered is kept and saved once it is back")
    func reconnects() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"]), .choice("Second?", ["yes", "no"])].numbered)
        service.unavailable = ["answer": 3]
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("B\r"), .type("A\r")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.flat.components(separatedBy: "reconnecting…").count == 2)
        #expect(harness.flat.components(separatedBy: "Reconnected.").count == 2)
        #expect(service.entries[0].answer == .choice(1))
        #expect(clock.sleeps == 3)
    }

    @Test("a database that stays away for 30 seconds pauses the screen and gives back the unsaved answer")
    func reconnectGivesUp() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.short("Name it.")].numbered)
        service.unavailable = ["answer": 1_000]
        let harness = PromptHarness(clock: clock, [.type("y\r"), .type("my careful answer\r")])
        #expect(try harness.run(service) == .paused(.connectionLost))
        #expect(harness.text.contains("This answer was not saved; here it is, to enter again when you resume:\n  my careful answer"))
        #expect(harness.flat.contains("Try again in a few minutes with: assay screen take CODE-1"))
        #expect(clock.sleeps >= 30 && clock.sleeps <= 31)
    }

    @Test("on pipes the prompt is plain lines: no escape codes, no wrapping, answers taken line by line")
    func plainLines() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice(Self.clinical, Self.options), .short("Name it.")].numbered)
        let harness = PromptHarness(clock: clock, plain: true, [.type("y\nC\nCYP3A4\n")])
        #expect(try harness.run(service) == .submitted)
        #expect(!harness.output.contains("\u{1B}"))
        #expect(harness.output.contains("  D) " + Self.options[3] + "\n"))
        #expect(service.text(at: 2) == "CYP3A4")
    }

    @Test("text from outside cannot act on the terminal: control and bidi characters in a question or an echoed answer are shown escaped")
    func outsideTextIsEscaped() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("Pick \u{1B}]52;c;aGk=\u{07}one\u{202E}.", ["A\u{1B}[2Jb", "c"])].numbered)
        let harness = PromptHarness(clock: clock, plain: true, [.type("y\n"), .type("x\u{202E}y\n"), .type("A\n")])
        #expect(try harness.run(service) == .submitted)
        #expect(!harness.output.contains("\u{1B}]52"))
        #expect(!harness.output.contains("\u{1B}[2J"))
        #expect(!harness.output.contains("\u{202E}"))
        #expect(harness.output.contains("'x\\u{202E}y' is not one of the letters shown"))
    }

    @Test("with colour, headers are bold and hints dim; the plain text is the same")
    func colour() throws {
        let clock = FakeClock()
        let service = FakeScreenService(clock: clock, questions: [.choice("First?", ["yes", "no"])].numbered)
        let harness = PromptHarness(clock: clock, colour: true, [.type("y\r"), .type("A\r")])
        #expect(try harness.run(service) == .submitted)
        #expect(harness.output.contains("\u{1B}[1mQuestion 1 of 1"))
        #expect(harness.output.contains("\u{1B}[2m[40:00]\u{1B}[0m > "))
        #expect(harness.model.autoWraps == 0)
    }
}
