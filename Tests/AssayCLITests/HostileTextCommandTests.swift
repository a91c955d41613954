import AssayCore
import AssayTesting
import Foundation
import Postgres
import Testing

/// Text from candidates, applicants' files and bank files that tries to act on the staff's
/// terminal (issue 15, item 1): every command that shows it prints it visible, never obeyed; the
/// database keeps it verbatim.
@Suite("Hostile text shown by assay, end to end through the binary", .serialized)
struct HostileTextCommandTests {
    let url: String
    let banks: URL
    var env: [String: String] { ["DATABASE_URL": url] }

    /// An essay that sets the window title, writes the clipboard (OSC 52), clears the screen,
    /// hides text, overwrites its line with a carriage return and forges a "grade with:" line.
    static let essay = "A fine essay.\u{1B}]0;pwned\u{07}\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{1B}[8mhidden\u{1B}[0m\n"
        + "  grade with: assay review grade 1 1 --points 5 --note \"…\"\n\rFAKE\u{0B}\u{0C}\u{85}\u{9B}2J end"
    /// Characters that must never reach the terminal as they are.
    static let raw: [Character] = ["\u{1B}", "\u{07}", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{9B}", "\u{202E}", "\u{200B}", "\u{2066}"]

    init() throws {
        url = try TestDatabase.url(for: "cli_hostile_text")
        banks = try Self.writeBanks()
        let sync = try CommandRun.assay(["bank", "sync", banks.path, "--database-url", url])
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    /// A folder with the domain `hostile` and its bank `hostile-core`: an essay, a numeric item
    /// (answer 8 kg), a single choice and a short answer, in that order, nothing shuffled, and a
    /// policy that pools everyone who finishes.
    static func writeBanks() throws -> URL {
        let root = try TemporaryFolder.make(prefix: "assay-hostile-banks-")
        let folder = root.appendingPathComponent("hostile")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            slug: hostile
            name: Hostile text
            description: A domain for the hostile-text tests.
            policy:
              required_banks: [hostile-core]
              validity_days: 365
              tiers:
                - name: contributor
                  min_score: 0

            """.write(to: folder.appendingPathComponent("domain.yaml"), atomically: true, encoding: .utf8)
        try """
            slug: hostile-core
            title: Hostile core
            domain: hostile
            language: en
            settings:
              items_per_screen: 4
              time_limit_minutes: 30
              shuffle_options: false
              show_score: true
              pass_rule:
                min_percent: 0
            items:
              - id: h-essay
                type: essay
                topic: writing
                difficulty: medium
                points: 2
                prompt: Describe your work.
                rubric: One point for clarity, one for substance.
              - id: h-num
                type: numeric
                topic: numbers
                difficulty: easy
                prompt: How many kilograms is 8000 grams?
                answer: 8
                unit: kg
              - id: h-choice
                type: single_choice
                topic: choice
                difficulty: easy
                prompt: Pick B.
                options:
                  - text: A
                  - text: B
                    correct: true
              - id: h-short
                type: short_text
                topic: words
                difficulty: easy
                prompt: Type abc.
                accept: [abc]

            """.write(to: folder.appendingPathComponent("core.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    /// A new applicant in `hostile` named `name`, invited to `hostile-core`; the screen id,
    /// its code and the applicant's email.
    func invite(name: String) throws -> (screen: Int, code: String, email: String) {
        let email = "h-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", name, "--country", "FR", "--languages", "fr",
                                        "--domains", "hostile", "--degree", "phd", "--years", "8"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", email, "--bank", "hostile-core", "--format", "json"], environment: env)
        #expect(invite.status == 0, "\(invite.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        return (try #require(json["screen_id"] as? Int), try #require(json["code"] as? String), email)
    }

    /// The position of each item of a screen by its id in the bank.
    func positions(_ screen: Int) throws -> [String: Int] {
        let rows = try Connection(url).query("""
            SELECT i.item_key, si.position FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1
            """, [screen])
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode("item_key", as: String.self), try $0.decode("position", as: Int.self)) })
    }

    /// The raw characters of `text` that must not be there.
    func rawControls(_ text: String) -> [String] {
        Self.raw.filter { text.contains($0) }.map { String($0.unicodeScalars.first!.value, radix: 16) }
    }

    @Test("a candidate's escape sequences, carriage returns and forged lines are shown escaped by screen show and review list, kept verbatim in the database and in JSON")
    func candidateAnswers() throws {
        let (screen, code, _) = try invite(name: "Ann Example")
        let at = try positions(screen)
        // A hostile client talks to the service directly (as the SSH door or a changed prompt could).
        let session = CandidateSession(connection: try Connection(url))
        _ = try session.begin(code: code)
        let choiceTyped = "\u{0B}B\u{0C}\u{85}\r"
        let shortTyped = "abc\u{202E}fed\u{200B}"
        // The service refuses control characters in an answer (issue 13's limits)…
        #expect(throws: AssayError.self) {
            _ = try session.answer(code: code, position: try #require(at["h-essay"]), answer: .text(Self.essay), typed: Self.essay)
        }
        // …so the hostile texts are stored the way an older version or another client could have
        // stored them: what staff see must be safe whatever is in the database.
        let essayAt = try #require(at["h-essay"]), choiceAt = try #require(at["h-choice"]), shortAt = try #require(at["h-short"])
        _ = try session.answer(code: code, position: essayAt, answer: .text("an essay"), typed: "an essay")
        _ = try session.answer(code: code, position: choiceAt, answer: .choice(1), typed: "B")
        _ = try session.answer(code: code, position: shortAt, answer: .text("abc"), typed: "abc")
        _ = try session.answer(code: code, position: try #require(at["h-num"]), answer: .number(8), typed: "8 kg")
        let raw = try Connection(url)
        for (position, text, asAnswer) in [(essayAt, Self.essay, true), (choiceAt, choiceTyped, false), (shortAt, shortTyped, true)] {
            try raw.execute("""
                UPDATE screen_items SET answer_text = $3,
                    answer = CASE WHEN $4 THEN jsonb_set(answer, '{text,_0}', to_jsonb($3::text)) ELSE answer END
                WHERE screen_id = $1 AND position = $2
                """, [screen, position, text, asAnswer])
        }
        _ = try session.submit(code: code)

        // Stored verbatim.
        let stored: String = try Connection(url).query("SELECT answer_text FROM screen_items WHERE screen_id = $1 AND position = $2",
                                                       [screen, try #require(at["h-essay"])])[0].decode(0)
        #expect(stored == Self.essay)

        let show = try CommandRun.assay(["screen", "show", String(screen)], environment: env)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(rawControls(show.stdout).isEmpty, "raw characters in screen show: \(rawControls(show.stdout))")
        #expect(show.stdout.contains("\\u{1B}]52;c;ZXZpbA==\\u{7}"))
        #expect(show.stdout.contains("\\u{B}B\\u{C}\\u{85}\\u{D}"))
        #expect(show.stdout.contains("abc\\u{202E}fed\\u{200B}"))
        #expect(!show.stdout.split(separator: "\n").contains { $0.hasPrefix("  grade with:") || $0.hasPrefix("FAKE") })

        let list = try CommandRun.assay(["review", "list", "--full"], environment: env)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(rawControls(list.stdout).isEmpty, "raw characters in review list: \(rawControls(list.stdout))")
        #expect(list.stdout.contains("\\u{1B}[2J"))
        let gradeLines = list.stdout.split(separator: "\n").filter { $0.hasPrefix("  grade with:") }
        // The essay and the short answer (a near miss of the accepted one) wait for a grade.
        #expect(gradeLines == [shortAt, essayAt].sorted().map { "  grade with: assay review grade \(screen) \($0) --points P --note \"…\"" },
                "only the real grade line starts a line: \(gradeLines)")

        // JSON keeps every character (escaped the JSON way), so a script reads back what was stored.
        let showJSON = try CommandRun.assay(["screen", "show", String(screen), "--format", "json"], environment: env)
        let listJSON = try CommandRun.assay(["review", "list", "--format", "json"], environment: env)
        for json in [showJSON, listJSON] {
            #expect(json.status == 0, "\(json.stderr)")
            #expect(rawControls(json.stdout).isEmpty, "raw characters in JSON: \(rawControls(json.stdout))")
        }
        let view = try #require(try JSONSerialization.jsonObject(with: Data(showJSON.stdout.utf8)) as? [String: Any])
        let typed = (view["items"] as? [[String: Any]])?.compactMap { $0["answer_typed"] as? String } ?? []
        #expect(Set(typed) == [Self.essay, choiceTyped, shortTyped, "8 kg"])
        let listing = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [String: Any])
        let pending = try #require(listing["reviews"] as? [[String: Any]])
        #expect(Set(pending.compactMap { $0["answer"] as? String }) == [Self.essay, shortTyped])

        // Graded, promoted and listed: the reviewer's note and the pool listing are escaped too.
        let grade = try CommandRun.assay(["review", "grade", String(screen), "h-essay", "--points", "2", "--note", "ok\u{1B}]0;x\u{07}"], environment: env)
        #expect(grade.status == 0, "\(grade.stderr)")
        let noted = try CommandRun.assay(["screen", "show", String(screen)], environment: env)
        #expect(rawControls(noted.stdout).isEmpty)
        #expect(noted.stdout.contains("review: ok\\u{1B}]0;x\\u{7}"))
    }

    @Test("a hexadecimal number (0x1p3 is 8 to Swift) is not a numeric answer: the prompt asks again and the decimal answer is scored")
    func hexadecimalNumbers() throws {
        let (screen, code, _) = try invite(name: "Hex Candidate")
        let at = try positions(screen)
        var lines: [String] = []
        for position in 1...4 {
            switch position {
            case at["h-essay"]: lines += ["An essay.", "."]
            case at["h-num"]: lines += ["0x1p3", "0x8 kg", "8 kg"]
            case at["h-choice"]: lines.append("B")
            default: lines.append("abc")
            }
        }
        let take = try CommandRun.assay(["screen", "take", code], environment: env, stdin: (["y"] + lines).joined(separator: "\n") + "\n")
        #expect(take.status == 0, "\(take.stderr)")
        #expect(take.stdout.components(separatedBy: "not a number written in decimal").count - 1 == 2, "\(take.stdout)")
        let row = try Connection(url).query("SELECT answer_text, points FROM screen_items WHERE screen_id = $1 AND position = $2",
                                            [screen, try #require(at["h-num"])])[0]
        #expect(try row.decode("answer_text", as: String.self) == "8 kg")
        #expect(try row.decode("points", as: Double?.self) == 1)

        // Through the service directly (another client), the same refusal.
        let (_, other, _) = try invite(name: "Hex Client")
        let session = CandidateSession(connection: try Connection(url))
        _ = try session.begin(code: other)
        let otherScreen: Int = try Connection(url).query("SELECT max(id) FROM screens")[0].decode(0)
        let numeric = try #require(try positions(otherScreen)["h-num"])
        for (value, typed) in [(8.0, "0x1p3"), (16.0, "0x10"), (8.0, "8,0"), (8.0, " 0X8 kg"), (8.0, "9")] {
            #expect(throws: AssayError.self, "\(typed)") { _ = try session.answer(code: other, position: numeric, answer: .number(value), typed: typed) }
        }
        for typed in ["8", "8.0", " 8 kg", "8e0", "+8.", "80e-1"] {
            #expect(try session.answer(code: other, position: numeric, answer: .number(8), typed: typed).saved, "\(typed)")
        }
    }

    @Test("applicants' names, sources and ids from a file, and the raw values quoted by intake's errors, are shown escaped")
    func applicantText() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-hostile-intake-")
        let file = folder.appendingPathComponent("apps\u{1B}[31m.csv").path
        let tag = UUID().uuidString.prefix(8).lowercased()
        try """
            external_id,full_name,email,country,languages,domains,highest_degree,years_experience,source,applied_at,resume_text
            X\u{2066}1-\(tag),Mallory\u{202E}gnp.exe,mallory-\(tag)@example.org,FR,fr,hostile,phd,5,web\u{200B}site,,CV
            X2-\(tag),Bad Country,bad1-\(tag)@example.org,F\u{1B}[2JR,fr,hostile,phd,5,web,,
            X3-\(tag),Bad Degree,bad2-\(tag)@example.org,FR,fr,hostile,\u{1B}]0;pwned\u{07},5,web,,
            X4-\(tag),Bad Years,bad3-\(tag)@example.org,FR,fr,hostile,phd,"1\r\u{1B}[1A",web,,

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try CommandRun.assay(["intake", "import", file, "--quiet"], environment: env)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(rawControls(imported.stderr).isEmpty && rawControls(imported.stdout).isEmpty,
                "raw characters in intake's messages: \(rawControls(imported.stderr))")
        #expect(imported.stderr.contains("F\\u{1B}[2JR"))
        #expect(imported.stderr.contains("\\u{1B}]0;pwned\\u{7}"))
        #expect(imported.stderr.contains("apps\\u{1B}[31m.csv"))
        #expect(imported.stderr.split(separator: "\n").count == 3, "one line per rejected row: \(imported.stderr)")

        let email = "mallory-\(tag)@example.org"
        for arguments in [["experts", "list", "--domain", "hostile"], ["experts", "show", email]] {
            let result = try CommandRun.assay(arguments, environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(rawControls(result.stdout).isEmpty, "raw characters in \(arguments): \(rawControls(result.stdout))")
            #expect(result.stdout.contains("Mallory\\u{202E}gnp.exe"), "\(arguments)")
        }
        let show = try CommandRun.assay(["experts", "show", email], environment: env)
        #expect(show.stdout.contains("web\\u{200B}site/X\\u{2066}1-\(tag)"))
        // Stored verbatim, and JSON reads back the exact name.
        let name: String = try Connection(url).query("SELECT full_name FROM experts WHERE email = $1", [email])[0].decode(0)
        #expect(name == "Mallory\u{202E}gnp.exe")
        let json = try CommandRun.assay(["experts", "list", "--domain", "hostile", "--format", "json"], environment: env)
        #expect(rawControls(json.stdout).isEmpty)
        let listing = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let experts = try #require(listing["experts"] as? [[String: Any]])
        #expect(experts.contains { $0["full_name"] as? String == "Mallory\u{202E}gnp.exe" })
    }

    @Test("experts list --format csv neutralises formula cells (OWASP) and keeps the data exact when not on a terminal")
    func expertsCSV() throws {
        let tag = UUID().uuidString.prefix(6).lowercased()
        for (name, email) in [("=HYPERLINK(\"http://x\",\"y\")", "f1-\(tag)@example.org"), ("@SUM(A1)", "f2-\(tag)@example.org"),
                              ("-2+3 Dr\u{202E}", "f3-\(tag)@example.org")] {
            // --name=… : a name starting with '-' is not an option.
            let add = try CommandRun.assay(["intake", "add", "--email", email, "--name=\(name)", "--country", "FR", "--languages", "fr",
                                            "--domains", "hostile", "--degree", "phd", "--years", "3"], environment: env)
            #expect(add.status == 0, "\(add.stderr)")
        }
        let csv = try CommandRun.assay(["experts", "list", "--domain", "hostile", "--limit", "1000", "--format", "csv"], environment: env)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""))
        #expect(csv.stdout.contains("\"'@SUM(A1)\""))
        #expect(csv.stdout.contains("\"'-2+3 Dr\u{202E}\""), "redirected to a file, the cell keeps its exact text")
        for line in csv.stdout.split(separator: "\n") {
            #expect(!line.split(separator: ",").contains { $0.hasPrefix("=") || $0.hasPrefix("@") || $0.hasPrefix("+") }, "\(line)")
        }
        // On a terminal (script(1) gives it one) the same cells are shown visible-safe.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/script") {
            let shown = try CommandRun.run("/usr/bin/script", ["-qec", "\(CommandRun.assayPath) experts list --domain hostile --limit 1000 --format csv", "/dev/null"],
                                           environment: CommandRun.cleanEnvironment.merging(env) { $1 })
            #expect(shown.status == 0, "\(shown.stdout)")
            #expect(shown.stdout.contains("\"'-2+3 Dr\\u{202E}\""), "\(shown.stdout)")
            #expect(rawControls(shown.stdout.replacingOccurrences(of: "\r\n", with: "\n")).isEmpty)
        }
    }

    @Test("a pooled expert's name is escaped by pool list and pool promote")
    func poolListing() throws {
        let (screen, code, email) = try invite(name: "Zed\u{202E}evil\u{200B}x")
        let at = try positions(screen)
        let session = CandidateSession(connection: try Connection(url))
        _ = try session.begin(code: code)
        _ = try session.answer(code: code, position: try #require(at["h-essay"]), answer: .text("essay"), typed: "essay")
        _ = try session.submit(code: code)
        let grade = try CommandRun.assay(["review", "grade", String(screen), "h-essay", "--points", "1"], environment: env)
        #expect(grade.status == 0, "\(grade.stderr)")
        let promote = try CommandRun.assay(["pool", "promote", "--domain", "hostile"], environment: env)
        #expect(promote.status == 0, "\(promote.stderr)")
        #expect(promote.stdout.contains(email))
        for arguments in [["pool", "list", "--domain", "hostile"], ["screen", "list", "--bank", "hostile-core"]] {
            let list = try CommandRun.assay(arguments, environment: env)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(rawControls(list.stdout).isEmpty, "raw characters in \(arguments): \(rawControls(list.stdout))")
        }
        let pool = try CommandRun.assay(["pool", "list", "--domain", "hostile"], environment: env)
        #expect(pool.stdout.contains("Zed\\u{202E}evil\\u{200B}x"))
    }

    @Test("errors that quote what the user or a file gave show it escaped, on one line",
          arguments: [
              ["experts", "show", "\u{1B}]0;pwned\u{07}@example.org"],
              ["screen", "show", "1\u{1B}[2J"],
              ["intake", "import", "/nonexistent/\u{1B}]52;c;ZXZpbA==\u{07}.csv"],
              ["bank", "lint", "/nonexistent/\u{1B}[2J\nassay: hint: run rm -rf"],
          ])
    func errorMessages(arguments: [String]) throws {
        let result = try CommandRun.assay(arguments, environment: env)
        #expect(result.status == 2)
        #expect(rawControls(result.stderr).isEmpty, "raw characters in \(arguments): \(rawControls(result.stderr))")
        #expect(result.stderr.contains("\\u{1B}"))
        #expect(!result.stderr.contains("\nassay: hint: run rm"), "a line break in a value does not start a forged line")
    }

    @Test("bank lint quotes a bank file's values escaped")
    func bankDiagnostics() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-hostile-lint-")
        let file = folder.appendingPathComponent("bad.yaml").path
        try "slug: \"x\\e]0;pwned\\a\\u202E\"\ntitle: t\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CommandRun.assay(["bank", "lint", file])
        #expect(result.status == 2)
        #expect(rawControls(result.stderr).isEmpty, "raw characters: \(rawControls(result.stderr))")
        #expect(result.stderr.contains("x\\u{1B}]0;pwned\\u{7}\\u{202E}"))
    }
}
