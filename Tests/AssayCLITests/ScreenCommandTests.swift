import AssayTesting
import Banks
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("assay screen, end to end through the binary", .serialized)
struct ScreenCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    init() throws {
        url = try TestDatabase.url(for: "cli_screens")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    /// A new expert in `domain`, invited to `bank`; returns the screen id and the code.
    func invite(bank: String, domain: String) throws -> (screen: Int, code: String) {
        let email = "t-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", "Test Person", "--country", "DE", "--languages", "de,en",
                                        "--domains", domain, "--degree", "phd", "--years", "8"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", email, "--bank", bank, "--format", "json"], environment: env)
        #expect(invite.status == 0, "\(invite.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        return (json["screen_id"] as! Int, json["code"] as! String)
    }

    /// Typed answers, valid for each question of the screen in order (read from the database).
    func script(screen: Int, from first: Int = 1) throws -> [String] {
        let rows = try Connection(url).query("""
            SELECT si.position, i.type, coalesce(array_length(si.choice_order, 1), 0) AS n FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 AND si.position >= $2 ORDER BY si.position
            """, [screen, first])
        return try rows.map { row in
            let n: Int = try row.decode("n")
            switch try row.decode("type", as: String.self) {
            case "single_choice", "multiple_response": return "B"
            case "true_false": return "true"
            case "numeric": return "42"
            case "short_text": return "some answer"
            case "ordering": return String((0..<n).map { Character(UnicodeScalar(UInt8(65 + n - 1 - $0))) })
            default: return "My essay answer,\nover two lines.\n."
            }
        }
    }

    func answered(_ screen: Int) throws -> Int {
        try Connection(url).query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL", [screen])[0].decode(0)
    }

    @Test("a whole screen taken with scripted stdin: re-prompts on bad input, saves every answer, submits, and never prints a key or an explanation")
    func wholeScreen() throws {
        let (screen, code) = try invite(bank: "medicine-core", domain: "medicine")
        let answers = try script(screen: screen)
        let firstType: String = try Connection(url).query("SELECT i.type FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 AND si.position = 1", [screen])[0].decode(0)
        let invalid: [String: (String, String)] = [
            "single_choice": ("Q", "is not one of the letters shown"), "multiple_response": ("Q", "is not a list of the letters shown"),
            "ordering": ("Q", "does not list each"), "true_false": ("maybe", "is neither true nor false"), "numeric": ("abc", "is not a number"),
        ]
        let input = (["y", "?", ""] + (invalid[firstType].map { [$0.0] } ?? []) + answers).joined(separator: "\n") + "\n"
        let result = try CommandRun.assay(["screen", "take", code], environment: env, stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Question 1 of 20"))
        #expect(result.stdout.contains("Question 20 of 20"))
        #expect(result.stdout.contains("Please answer, or type skip"))
        #expect(result.stdout.contains("Commands: ? shows this help"))
        if let (_, message) = invalid[firstType] { #expect(result.stdout.contains(message)) }
        #expect(result.stdout.contains("your screen is submitted (20 of 20 answered)"))
        #expect(!result.stdout.contains("\u{1B}["), "no escape codes when not on a terminal")
        #expect(try answered(screen) == 20)
        // Nothing of the key: no explanation, no rubric, no accepted short answer that the prompt itself does not contain.
        let bank = try #require(BankLinter.lint(path: Self.repository.appendingPathComponent("interview-banks/medicine").path).banks.first?.bank)
        for item in bank.items {
            if let explanation = item.explanation {
                #expect(!result.stdout.contains(explanation.trimmingCharacters(in: .whitespacesAndNewlines).prefix(50)), "explanation of \(item.id)")
            }
            switch item.body {
            case .essay(let rubric, _): #expect(!result.stdout.contains(rubric.trimmingCharacters(in: .whitespacesAndNewlines).prefix(50)), "rubric of \(item.id)")
            case .shortText(let accept, _, _):
                for answer in accept where answer.count > 6 && !item.prompt.lowercased().contains(answer.lowercased()) {
                    #expect(!result.stdout.lowercased().contains(answer.lowercased()), "accepted answer of \(item.id)")
                }
            default: break
            }
        }
        // The code is single-use.
        let again = try CommandRun.assay(["screen", "take", code], environment: env, stdin: "y\n")
        #expect(again.status == 2)
        #expect(again.stderr.contains("finished"))
        let show = try CommandRun.assay(["screen", "show", String(screen)], environment: env)
        #expect(show.stdout.contains("#20"))
    }

    @Test("screen take reads the code from ASSAY_INVITE_CODE or the first line of standard input; the resume command it prints never holds the code; the invitation does not suggest typing it on a command line")
    func codeOffTheCommandLine() throws {
        let (screen, code) = try invite(bank: "medicine-core", domain: "medicine")
        // The invitation names the command without the code.
        let email = "t-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try CommandRun.assay(["intake", "add", "--email", email, "--name", "T", "--country", "DE", "--domains", "law"], environment: env)
        let text = try CommandRun.assay(["screen", "invite", email, "--bank", "law-core"], environment: env)
        #expect(text.status == 0, "\(text.stderr)")
        let printed = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("invite code") }.flatMap { $0.split(separator: " ").last })
        #expect(text.stdout.components(separatedBy: String(printed)).count == 2, "the code is printed once, on its own line: \(text.stdout)")
        #expect(text.stdout.contains("runs assay screen take and types the code when asked"))

        // The environment variable; input that ends pauses the screen with the resume command.
        let answers = try script(screen: screen)
        let first = try CommandRun.assay(["screen", "take"], environment: env.merging(["ASSAY_INVITE_CODE": code]) { $1 },
                                         stdin: (["y"] + answers.prefix(2)).joined(separator: "\n") + "\n")
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.isEmpty, "no warning: \(first.stderr)")
        #expect(try answered(screen) == 2)
        #expect(first.stdout.contains("screen take") && !first.stdout.contains(code), "\(first.stdout)")
        // The code given as an argument still works, with a warning; the resume command leaves it out.
        let second = try CommandRun.assay(["screen", "take", code], environment: env, stdin: answers[2] + "\n")
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("warning: an invite code on the command line is visible to every user of this machine (ps)"), "\(second.stderr)")
        #expect(second.stdout.contains("Resuming: 2 of 20 answered") && second.stdout.contains("screen take") && !second.stdout.contains(code),
                "\(second.stdout)")
        #expect(try answered(screen) == 3)
        // The first line of standard input, the answers after it.
        let third = try CommandRun.assay(["screen", "take"], environment: env, stdin: ([code] + answers.dropFirst(3)).joined(separator: "\n") + "\n")
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.isEmpty, "\(third.stderr)")
        #expect(third.stdout.contains("Resuming: 3 of 20 answered") && third.stdout.contains("your screen is submitted"), "\(third.stdout)")
        #expect(!third.stdout.contains(code), "the code is not echoed on pipes")
        #expect(try answered(screen) == 20)
    }

    @Test("screen take with no code anywhere (standard input empty or a blank first line) says where to give it, with exit 2")
    func noCode() throws {
        for input in ["", "\n", "  \ny\n"] {
            let result = try CommandRun.assay(["screen", "take"], environment: env, stdin: input)
            #expect(result.status == 2, "\(input.debugDescription): \(result.stderr)")
            #expect(result.stderr.contains("no invite code") && result.stderr.contains("ASSAY_INVITE_CODE"), "\(result.stderr)")
        }
        let help = try CommandRun.assay(["screen", "take", "--help"], environment: env)
        let words = help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(words.contains("visible to other users in ps"), "\(help.stdout)")
    }

    @Test("killed mid-screen, the candidate resumes at the next unanswered question with every answer and the same clock")
    func killAndResume() throws {
        let (screen, code) = try invite(bank: "physics-core", domain: "physics")
        let answers = try script(screen: screen)
        let fifo = "\(TemporaryFolder.root)/assay-fifo-\(UUID().uuidString)"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let environment = CommandRun.cleanEnvironment.merging(env) { $1 }
        // Open our end first (read-write does not block), so that the child's open for reading
        // does not wait for a writer.
        let writer = open(fifo, O_RDWR)
        #expect(writer >= 0)
        let process = try CommandRun.start(CommandRun.assayPath, ["screen", "take", code], environment: environment, stdinPath: fifo)
        let typed = (["y"] + answers.prefix(3)).joined(separator: "\n") + "\n"
        _ = typed.withCString { write(writer, $0, strlen($0)) }
        for _ in 0..<200 where try answered(screen) < 3 { usleep(50_000) }
        #expect(try answered(screen) == 3)
        let deadline: Date = try Connection(url).query("SELECT deadline FROM screens WHERE id = $1", [screen])[0].decode(0)
        process.kill(SIGKILL)  // the terminal dies; the writer stays open so the prompt was waiting for input
        _ = process.wait()
        close(writer)
        let resumed = try CommandRun.assay(["screen", "take", code], environment: env, stdin: answers.dropFirst(3).joined(separator: "\n") + "\n")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Resuming: 3 of 20 answered"))
        #expect(resumed.stdout.contains("Question 4 of 20"))
        #expect(!resumed.stdout.contains("Question 1 of 20"))
        #expect(try answered(screen) == 20)
        let after: Date = try Connection(url).query("SELECT deadline FROM screens WHERE id = $1", [screen])[0].decode(0)
        #expect(after == deadline, "resuming does not restart the clock")
    }

    @Test("after the deadline, taking the screen shows it closed and scored on what it has")
    func afterDeadline() throws {
        let (screen, code) = try invite(bank: "finance-core", domain: "finance")
        let answers = try script(screen: screen)
        let first = try CommandRun.assay(["screen", "take", code], environment: env, stdin: (["y"] + answers.prefix(2)).joined(separator: "\n") + "\n")
        #expect(first.status == 1, "input ended before the end")
        try Connection(url).execute("UPDATE screens SET deadline = now() - interval '1 minute' WHERE id = $1", [screen])
        let late = try CommandRun.assay(["screen", "take", code], environment: env, stdin: answers.joined(separator: "\n") + "\n")
        #expect(late.stdout.contains("closed"), "\(late.stdout)\(late.stderr)")
        #expect(try answered(screen) == 2)
        let status: String = try Connection(url).query("SELECT submitted_by FROM screens WHERE id = $1", [screen])[0].decode(0)
        #expect(status == "deadline")
    }

    @Test("invites with the same hidden --seed draw the same questions in the same order, with the options in the same order")
    func seededDraw() throws {
        func invite(seed: String) throws -> (screen: Int, recorded: Int, draw: [String]) {
            let email = "seed-\(UUID().uuidString.prefix(8).lowercased())@example.org"
            let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", "Seeded Person", "--country", "DE", "--languages", "de",
                                            "--domains", "chemistry", "--degree", "phd", "--years", "8"], environment: env)
            #expect(add.status == 0, "\(add.stderr)")
            let invite = try CommandRun.assay(["screen", "invite", email, "--bank", "chemistry-core", "--seed", seed, "--format", "json"], environment: env)
            #expect(invite.status == 0, "\(invite.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
            let screen = try #require(json["screen_id"] as? Int)
            let connection = try Connection(url)
            let recorded: Int = try connection.query("SELECT seed FROM screens WHERE id = $1", [screen])[0].decode(0)
            let draw = try connection.query("""
                SELECT item_id::text || ':' || coalesce(array_to_string(choice_order, ','), '') AS shown FROM screen_items WHERE screen_id = $1 ORDER BY position
                """, [screen]).map { try $0.decode("shown", as: String.self) }
            return (screen, recorded, draw)
        }
        let first = try invite(seed: "1234567")
        let second = try invite(seed: "1234567")
        #expect(first.screen != second.screen)
        #expect(first.recorded == 1234567 >> 1, "the service keeps the seed's upper 63 bits")
        #expect(first.draw.count == 20)
        #expect(first.draw == second.draw)
    }

    @Test("an unknown code is a clear error with exit code 2")
    func unknownCode() throws {
        let result = try CommandRun.assay(["screen", "take", "0000-0000-0000-0000-0000-0000-0000-0000"], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("not known"))
    }

    @Test("driven inside tmux at 80 columns as a person would: no line is wider than the window, no word of a question is split, Ctrl-C pauses and the same command resumes",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "tmux is not installed"))
    func tmux() throws {
        let (screen, code) = try invite(bank: "law-core", domain: "law")
        let answers = try script(screen: screen)
        let session = "assay-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let environment = CommandRun.cleanEnvironment
        func tmux(_ arguments: [String]) throws -> String {
            try CommandRun.run("/usr/bin/tmux", arguments, environment: environment).stdout
        }
        // The window and what scrolled off it.
        func screenText() throws -> String { try tmux(["capture-pane", "-p", "-S", "-", "-t", session]) }
        func waitFor(_ text: String) throws -> Bool {
            for _ in 0..<100 {
                if try screenText().contains(text) { return true }
                usleep(100_000)
            }
            return false
        }
        func type(_ answer: String) throws {
            for line in answer.split(separator: "\n", omittingEmptySubsequences: false) {
                _ = try tmux(["send-keys", "-t", session, "-l", String(line)])
                _ = try tmux(["send-keys", "-t", session, "Enter"])
            }
        }
        // The same command twice: the second run is the candidate resuming after Ctrl-C. The code
        // is typed at the prompt, never on the command line.
        let take = "env DATABASE_URL='\(url)' '\(CommandRun.assayPath)' screen take"
        _ = try tmux(["new-session", "-d", "-s", session, "-x", "80", "-y", "30", "\(take); \(take); sleep 30"])
        defer { _ = try? tmux(["kill-session", "-t", session]) }
        #expect(try waitFor("Invite code:"))
        try type(code)
        #expect(try waitFor("Begin now?"))
        _ = try tmux(["send-keys", "-t", session, "y", "Enter"])
        #expect(try waitFor("Question 1 of 20"))
        let pauseAfter = 5
        for (index, answer) in answers.enumerated() {
            try type(answer)
            if index == pauseAfter - 1 {
                #expect(try waitFor("Question \(index + 2) of 20"))
                _ = try tmux(["send-keys", "-t", session, "C-c"])
                #expect(try waitFor("Paused."))
                for _ in 0..<100 where try screenText().components(separatedBy: "Invite code:").count < 3 { usleep(100_000) }
                try type(code)
                #expect(try waitFor("Resuming: \(pauseAfter) of 20 answered"), "the second run resumes")
            }
            if index < answers.count - 1 { #expect(try waitFor("Question \(index + 2) of 20"), "question \(index + 2)") }
        }
        #expect(try waitFor("your screen is submitted"))
        #expect(try answered(screen) == 20)

        // Everything shown, with lines the window wrapped joined again (-J): none is wider than
        // 80 columns, so the window never had to wrap a line and split a word.
        let history = try tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", session])
        let lines = history.components(separatedBy: "\n").map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
        let wide = lines.filter { $0.count > 80 }
        #expect(wide.isEmpty, "lines wider than the window: \(wide)")
        #expect(history.contains("Paused. Your \(pauseAfter) answers are saved."))
        // The prompt wraps the resume command at the window's width like any text: read it with
        // line breaks as spaces (where the break falls depends on the binary's path).
        let flat = history.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            .replacingOccurrences(of: " \\ ", with: " ")  // a long command is continued with a shell's backslash
        #expect(flat.contains("resume, run:") && flat.contains("screen take"), "the exact command to resume: \(flat)")
        #expect(!history.contains("take \(code)"), "the resume command never holds the code")
        // Every word of every question and option shown is on the screen whole.
        let shown = Set(history.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        let items = try Connection(url).query("SELECT i.content FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [screen])
        for row in items {
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            var texts = [item.prompt]
            switch item.body {
            case .singleChoice(let options), .multipleResponse(let options, _): texts += options.map(\.text)
            case .ordering(let steps, _): texts += steps
            default: break
            }
            for word in texts.flatMap({ $0.split(whereSeparator: { $0 == " " || $0 == "\n" }) }) {
                #expect(shown.contains(word), "'\(word)' of item \(item.id) is split or missing")
            }
        }
    }
}
