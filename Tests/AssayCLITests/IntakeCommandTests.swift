import AssayTesting
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("assay intake and experts, end to end through the binary", .serialized)
struct IntakeCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let header = "external_id,full_name,email,country,languages,domains,highest_degree,years_experience,source,applied_at,resume_text\n"

    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    init() throws {
        url = try TestDatabase.url(for: "cli_intake")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    func file(rows: Range<Int>, tag: String, overlapEmail: Bool = false) throws -> String {
        var text = Self.header
        for i in rows {
            text += "\(tag)-\(i),Person \(i),p\(i)-\(tag)@example.org,FR,fr,medicine,md,5,cli,,\n"
        }
        let path = "\(TemporaryFolder.root)/assay-cli-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func count(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try Connection(url).query(sql, parameters)[0].decode(0)
    }

    func write(_ text: String, extension ext: String = "csv") throws -> String {
        let path = "\(TemporaryFolder.root)/assay-cli-\(UUID().uuidString).\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("import prints the summary, re-import says nothing changed, and experts list/show read them back")
    func importAndList() throws {
        let tag = "il\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<3, tag: tag)
        let first = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added: 3 new experts, 0 new applications of people already known"), "\(first.stdout)")
        #expect(first.stdout.hasSuffix("rejected: 0 of 3 rows\n"), "the last line counts the rejects: \(first.stdout)")
        #expect(!first.stderr.contains("\u{1B}"), "no progress bar on a pipe")
        let again = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(again.stdout.contains("not added: 3 already imported"), "\(again.stdout)")
        #expect(again.stdout.contains("nothing changed"))
        let list = try CommandRun.assay(["experts", "list", "--format", "csv", "--limit", "1000"], environment: env)
        #expect(list.stdout.contains("p1-\(tag)@example.org"))
        let show = try CommandRun.assay(["experts", "show", "P1-\(tag)@example.org"], environment: env)
        #expect(show.status == 0)
        #expect(show.stdout.contains("intake.import"))
        let missing = try CommandRun.assay(["experts", "show", "nobody@example.org"], environment: env)
        #expect(missing.status == 2)
    }

    @Test("exit status: 2 when every row is rejected or the file has no rows, 0 with some rejects counted on the last line; --strict writes nothing")
    func exitStatus() throws {
        let tag = "ex\(UInt32.random(in: 0...UInt32.max))"
        let allBad = try write("email,full_name,country,domains\nbad,A,FR,law\nb-\(tag)@example.org,B,XX,law\n")
        let rejected = try CommandRun.assay(["intake", "import", allBad], environment: env)
        #expect(rejected.status == 2, "\(rejected.stdout)")
        #expect(rejected.stdout.hasSuffix("rejected: 2 of 2 rows (2 invalid)\n"), "\(rejected.stdout)")
        #expect(rejected.stderr.contains("\(allBad):3: country: 'XX' is not"), "\(rejected.stderr)")
        let empty = try CommandRun.assay(["intake", "import", try write("email,full_name,country,domains\n")], environment: env)
        #expect(empty.status == 2 && empty.stdout.contains("no data rows"))
        let some = try write("email,full_name,country,domains\ns-\(tag)@example.org,S,FR,law\nbad,A,FR,law\n")
        let strict = try CommandRun.assay(["intake", "import", some, "--strict"], environment: env)
        #expect(strict.status == 2)
        #expect(strict.stdout.contains("strict, nothing written"), "\(strict.stdout)")
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["s-\(tag)@example.org"]) == 0)
        let partly = try CommandRun.assay(["intake", "import", some], environment: env)
        #expect(partly.status == 0)
        #expect(partly.stdout.hasSuffix("rejected: 1 of 2 rows (1 invalid)\n"), "\(partly.stdout)")
        #expect(partly.stdout.contains("next: re-run with --rejects FILE"))
        let help = try CommandRun.assay(["intake", "import", "--help"], environment: env)
        #expect(help.stdout.contains("Exit status: 0") && help.stdout.contains("--strict") && help.stdout.contains("--map"), "\(help.stdout)")
    }

    @Test("a spreadsheet export: extra columns warned once, rejects written in its own form, and the printed next step imports them as they are")
    func roundTrip() throws {
        let tag = "rt\(UInt32.random(in: 0...UInt32.max))"
        let export = try write("\u{FEFF}Name;E-mail;Country;Expertise;Mobile;Notes\r\nAna B;ana-\(tag)@example.org;BR;medicine;;x\r\nBo C;bo-\(tag)@example.org;UK;law;+44 7700 900123;y\r\n")
        let rejects = export + ".rejects.csv"
        let first = try CommandRun.assay(["intake", "import", export, "--rejects", rejects], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("assay: warning: ignored column 'Notes'"), "\(first.stderr)")
        #expect(first.stderr.contains(":3: Country: 'UK' is not an ISO 3166-1 alpha-2 code; did you mean GB?"), "\(first.stderr)")
        let next = try #require(first.stdout.split(separator: "\n").first { $0.hasPrefix("next: ") }, "\(first.stdout)")
        let command = try #require(next.range(of: "assay intake import ").map { String(next[$0.upperBound...]) })
        #expect(command.contains("--source"))
        let fixed = try String(contentsOfFile: rejects, encoding: .utf8).replacingOccurrences(of: ";UK;", with: ";GB;")
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: rejects))
        // The printed command, as a shell would split it (single quotes only).
        var words: [String] = []
        var current = "", quoted = false
        for character in command {
            if character == "'" { quoted.toggle(); continue }
            if character == " ", !quoted { if !current.isEmpty { words.append(current) }; current = ""; continue }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let second = try CommandRun.assay(["intake", "import"] + words, environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("added: 1 new expert"), "\(second.stdout)")
        #expect(try Connection(url).query("SELECT phone FROM experts WHERE email = $1", ["bo-\(tag)@example.org"])[0].decode(0) == "+447700900123")
    }

    @Test("- reads standard input; the format and delimiter are found in it")
    func standardInput() throws {
        let tag = "in\(UInt32.random(in: 0...UInt32.max))"
        let tsv = try CommandRun.assay(["intake", "import", "-"], environment: env, stdin: "email\tname\tcountry\tdomains\nt-\(tag)@example.org\tT\tFR\tlaw\n")
        #expect(tsv.status == 0, "\(tsv.stderr)")
        #expect(tsv.stdout.contains("added: 1 new expert"))
        let jsonl = try CommandRun.assay(["intake", "import", "-", "--source", "pipe"], environment: env,
                                         stdin: "{\"email\": \"j-\(tag)@example.org\", \"fullName\": \"J\", \"country\": \"FR\", \"domains\": [\"law\"]}\n")
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(try count("SELECT count(*)::int FROM applications WHERE source = 'pipe' AND external_id = $1", ["j-\(tag)@example.org:law"]) == 1)
        #expect(try count("SELECT count(*)::int FROM applications WHERE source = 'stdin' AND external_id = $1", ["t-\(tag)@example.org:law"]) == 1)
    }

    @Test("a file in another encoding is refused once, at file level, with the option that reads it")
    func encodings() throws {
        let path = "\(TemporaryFolder.root)/assay-cli-\(UUID().uuidString).csv"
        let text = "email,full_name,country,domains\nu16@example.org,U,FR,law\n"
        try Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: URL(fileURLWithPath: path))
        let result = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("--encoding utf-16le") && !result.stderr.contains("\u{0}"),
                "\(result.stderr)")
        let decoded = try CommandRun.assay(["intake", "import", path, "--encoding", "UTF-16LE"], environment: env)
        #expect(decoded.status == 0, "\(decoded.stderr)")
    }

    @Test("UTF-16 CSV and JSON Lines files: with a byte-order mark every row is decoded; without one, one file-level error with no NUL byte and nobody imported",
          arguments: [("csv", true), ("csv", false), ("jsonl", true), ("jsonl", false)])
    func utf16Files(kind: String, bigEndian: Bool) throws {
        let tag = "u16\(UInt32.random(in: 0...UInt32.max))"
        let text = kind == "csv"
            ? "email,full_name,country,domains\n" + (0..<3).map { "p\($0)-\(tag)@example.org,Ünal \($0),TR,law\n" }.joined()
            : (0..<3).map { #"{"email": "p\#($0)-\#(tag)@example.org", "full_name": "Ünal \#($0)", "country": "TR", "domains": ["law"]}"# + "\n" }.joined()
        let units = text.utf16.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let mark: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        func file(_ bytes: [UInt8]) throws -> String {
            let path = "\(TemporaryFolder.root)/assay-cli-\(UUID().uuidString).\(kind)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let people = "SELECT count(*)::int FROM experts WHERE email LIKE $1"
        let unmarked = try CommandRun.assay(["intake", "import", try file(units)], environment: env)
        #expect(unmarked.status == 2, "\(unmarked.stdout)\(unmarked.stderr)")
        #expect(unmarked.stderr.split(separator: "\n").count == 1 && unmarked.stderr.contains("UTF-16"), "\(unmarked.stderr)")
        #expect(!unmarked.stderr.contains("\u{0}") && !unmarked.stdout.contains("\u{0}"))
        #expect(try count(people, ["%-\(tag)@example.org"]) == 0, "nothing half-imported")
        let marked = try CommandRun.assay(["intake", "import", try file(mark + units)], environment: env)
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(!marked.stderr.contains("\u{0}") && !marked.stdout.contains("\u{0}"))
        #expect(try count(people, ["%-\(tag)@example.org"]) == 3)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1 AND full_name = 'Ünal 2'", ["p2-\(tag)@example.org"]) == 1)
    }

    @Test("JSON Lines years_experience out of range (2^64, -3) or a boolean is a rejected row naming the field and the value, never stored as 0 or 1")
    func jsonNumbers() throws {
        let tag = "jn\(UInt32.random(in: 0...UInt32.max))"
        let rows = ["18446744073709551616", "true", "-3", "1e400", "7"].enumerated().map { index, value in
            #"{"email": "p\#(index)-\#(tag)@example.org", "full_name": "P", "country": "FR", "domains": ["law"], "years_experience": \#(value)}"#
        }
        let result = try CommandRun.assay(["intake", "import", try write(rows.joined(separator: "\n") + "\n", extension: "jsonl")], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("added: 1 new expert"), "\(result.stdout)")
        let errors = result.stderr.split(separator: "\n")
        for (line, value) in [(1, "18446744073709551616"), (2, "true"), (3, "-3")] {
            #expect(errors.contains { $0.contains(":\(line): years_experience: ") && $0.contains(value) }, "line \(line) \(value): \(result.stderr)")
        }
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 1)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1 AND years_experience = 7", ["p4-\(tag)@example.org"]) == 1)
    }

    @Test("an import that cannot decide in memory prints why it merged through staging; a direct one prints no such line",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
    func mergeReason() throws {
        let tag = "mr\(UInt32.random(in: 0...UInt32.max))"
        let first = try CommandRun.assay(["intake", "import", try file(rows: 0..<2, tag: tag)], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains("merged through staging"), "\(first.stdout)")
        let overlap = try CommandRun.assay(["intake", "import", try file(rows: 1..<4, tag: tag)], environment: env)
        #expect(overlap.status == 0, "\(overlap.stderr)")
        #expect(overlap.stdout.contains("added: 2 new experts"), "\(overlap.stdout)")
        #expect(!overlap.stdout.contains("merged through staging"), "an overlap is decided in memory too: \(overlap.stdout)")
        let many = try write("email,full_name,country,domains,languages\nm-\(tag)@example.org,M,FR,law,en;fr;de;es;it;pt;nl;sv;da\n")
        let fallback = try CommandRun.assay(["intake", "import", many], environment: env)
        #expect(fallback.stdout.contains("merged through staging, not decided in memory: the rows could not be decided in memory: a row with more than 8 languages"),
                "\(fallback.stdout)")
        // A new file of the same kind (the same file again is already imported, and decided in memory).
        let manyMore = try write("email,full_name,country,domains,languages\nn-\(tag)@example.org,N,FR,law,en;fr;de;es;it;pt;nl;sv;da\n")
        let json = try CommandRun.assay(["intake", "import", manyMore, "--output", "json"], environment: env)
        #expect(json.stdout.contains("\"merge_reason\""), "\(json.stdout)")
    }

    @Test("a header without a required column exits 2 with file:line, naming all of them, and writes nothing")
    func badHeader() throws {
        let path = try write("email,name\nx@example.org,X\n")
        let result = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):1: the header lacks the required columns country, domains"), "\(result.stderr)")
    }

    @Test("intake add prints the expert id and whether the expert is new; the same domain is not applied for twice")
    func add() throws {
        let tag = "ad\(UInt32.random(in: 0...UInt32.max))"
        let args = ["intake", "add", "--email", "\(tag)@example.org", "--name", "Ada L", "--country", "GB", "--languages", "en,fr",
                    "--domains", "mathematics", "--degree", "phd", "--years", "20"]
        let first = try CommandRun.assay(args, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(": new"))
        let second = try CommandRun.assay(args + ["--source", "referral"], environment: env)
        #expect(second.stdout.contains("already known"))
        #expect(second.stdout.contains("no application recorded: already has an open application for mathematics"), "\(second.stdout)")
        let minimal = try CommandRun.assay(["intake", "add", "--email", "min-\(tag)@example.org", "--name", "Min", "--country", "GB", "--domains", "law"],
                                           environment: env)
        #expect(minimal.status == 0, "languages, degree and years are optional: \(minimal.stderr)")
        let bad = try CommandRun.assay(["intake", "add", "--email", "x@example.org", "--name", "X", "--country", "GB", "--languages", "en",
                                        "--domains", "mathematics", "--degree", "wizard", "--years", "2"], environment: env)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'wizard' is invalid for '--degree <degree>'"), "the flag the user typed, not the column: \(bad.stderr)")
        #expect(!bad.stderr.contains("highest"))
    }

    @Test("experts duplicates lists likely duplicate people; experts merge joins two with an event, and refuses without a reason")
    func duplicatesAndMerge() throws {
        let tag = "du\(UInt32.random(in: 0...UInt32.max))"
        let path = try write("email,full_name,country,domains\nkim.lee.\(tag)+cv@gmail.com,Kim Lee,KR,law\nkimlee.\(tag)@gmail.com,Lee Kim,KR,physics\n")
        #expect(try CommandRun.assay(["intake", "import", path], environment: env).status == 0)
        let list = try CommandRun.assay(["experts", "duplicates", "--limit", "1000"], environment: env)
        #expect(list.status == 0)
        #expect(list.stdout.contains("same mailbox") && list.stdout.contains("kimlee.\(tag)@gmail.com"), "\(list.stdout)")
        let json = try CommandRun.assay(["experts", "duplicates", "--format", "json", "--limit", "1000"], environment: env)
        #expect(json.stdout.contains("\"groups\""))
        let noReason = try CommandRun.assay(["experts", "merge", "kim.lee.\(tag)+cv@gmail.com", "kimlee.\(tag)@gmail.com", "--reason", ""], environment: env)
        #expect(noReason.status == 2 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let merge = try CommandRun.assay(["experts", "merge", "kim.lee.\(tag)+cv@gmail.com", "kimlee.\(tag)@gmail.com", "--reason", "same person"], environment: env)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("merged into expert") && merge.stdout.contains("1 application"), "\(merge.stdout)")
        let show = try CommandRun.assay(["experts", "show", "kimlee.\(tag)@gmail.com"], environment: env)
        #expect(show.stdout.contains("merged into expert"), "\(show.stdout)")
    }

    @Test("an import killed in the middle of its COPY leaves nothing behind, and a re-run completes it",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"),
          arguments: ["direct", "merge"])
    func killedImport(method: String) throws {
        let tag = "kill\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<300_000, tag: tag)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let copy = method == "merge" ? #"COPY "intake_staging"%"# : #"COPY "experts"%"#  // names are escaped (quoted) by libpq
        let environment = CommandRun.cleanEnvironment.merging(env) { $1 }
        let process = try CommandRun.start(CommandRun.assayPath, ["intake", "import", path, "--quiet", "--source", "cli-\(method)", "--method", method],
                                           environment: environment)
        // Wait until the server is receiving the COPY, then kill the process outright.
        let watcher = try Connection(url)
        var copying = false
        for _ in 0..<600 {
            let active: Int = try watcher.query("SELECT count(*)::int FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", [copy])[0].decode(0)
            if active > 0 { copying = true; break }
            usleep(20_000)
        }
        #expect(copying, "the import reached its COPY")
        process.kill(SIGKILL)
        let killed = process.wait()
        #expect(killed.status == 128 + SIGKILL)
        // The server notices the lost client and rolls back.
        for _ in 0..<100 {
            let busy: Int = try watcher.query("SELECT count(*)::int FROM pg_stat_activity WHERE query LIKE 'COPY %' AND pid <> pg_backend_pid()")[0].decode(0)
            if busy == 0 { break }
            usleep(50_000)
        }
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 0)
        #expect(try count("SELECT count(*)::int FROM events WHERE details->>'file' = $1", [path]) == 0)
        let rerun = try CommandRun.assay(["intake", "import", path, "--quiet", "--source", "cli-\(method)", "--method", method], environment: env)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 300_000)
        #expect(try count("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"]) == 300_000)
    }

    @Test("an import that dies between preparing and committing is rolled back by the next intake; one that dies after deciding is completed",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
    func diesDuringCommit() throws {
        let tag = "twopc\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<2_000, tag: tag)
        func prepared() throws -> Int {
            try count("SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'")
        }
        func experts() throws -> Int { try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) }
        func applications() throws -> Int { try count("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"]) }
        // Dies after both halves are prepared, before the decision: nothing shows.
        let undecided = try CommandRun.assay(["intake", "import", path, "--quiet"], environment: env.merging(["ASSAY_FAILPOINT": "intake-after-prepare"]) { $1 })
        #expect(undecided.status == 99)
        #expect(try prepared() == 2)
        #expect(try experts() == 0 && applications() == 0)
        let status = try CommandRun.assay(["db", "status"], environment: env)
        #expect(status.stdout.contains("2 half-committed import transaction(s)"), "\(status.stdout)")
        // The next intake rolls them back, then imports.
        let rerun = try CommandRun.assay(["intake", "import", path, "--quiet"], environment: env)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("2000 new experts"), "\(rerun.stdout)")
        #expect(try prepared() == 0)
        #expect(try experts() == 2_000 && applications() == 2_000)

        // Dies after committing the experts half: the next intake (here an add) commits the rest.
        let second = try file(rows: 2_000..<3_000, tag: tag)
        let decided = try CommandRun.assay(["intake", "import", second, "--quiet"], environment: env.merging(["ASSAY_FAILPOINT": "intake-after-first-commit"]) { $1 })
        #expect(decided.status == 99)
        #expect(try prepared() == 1)
        #expect(try experts() == 3_000 && applications() == 2_000)
        let add = try CommandRun.assay(["intake", "add", "--email", "late-\(tag)@example.org", "--name", "Late", "--country", "GB", "--languages", "en",
                                        "--domains", "mathematics", "--degree", "phd", "--years", "2"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try prepared() == 0)
        #expect(try applications() == 3_000)
        #expect(try count("SELECT count(*)::int FROM events WHERE details->>'file' = $1 AND details->>'new_experts' = '1000'", [second]) == 1)
    }

    @Test("Ctrl-C between preparing and committing waits for the commit: the import is complete, nothing is left prepared",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
    func interruptDuringCommit() throws {
        let tag = "sigint\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<1_000, tag: tag)
        let result = try CommandRun.assay(["intake", "import", path, "--quiet"], environment: env.merging(["ASSAY_FAILPOINT": "intake-interrupt-after-prepare"]) { $1 })
        #expect(result.status == 128 + SIGINT, "the interruption still ends the process")
        #expect(try count("SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'") == 0)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 1_000)
        #expect(try count("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"]) == 1_000)
    }

    @Test("two overlapping imports running at once end with each person once, no error, and nothing of anyone's data in the server log")
    func concurrentImports() throws {
        let tag = "conc\(UInt32.random(in: 0...UInt32.max))"
        let a = try file(rows: 0..<20_000, tag: tag)
        let b = try file(rows: 10_000..<30_000, tag: tag)
        let environment = CommandRun.cleanEnvironment.merging(env) { $1 }
        let first = try CommandRun.start(CommandRun.assayPath, ["intake", "import", a, "--source", "same"], environment: environment)
        let second = try CommandRun.start(CommandRun.assayPath, ["intake", "import", b, "--source", "same"], environment: environment)
        for result in [first.wait(), second.wait()] {
            #expect(result.status == 0, "\(result.stderr)")
            // The one that comes second says which rows the other had already added, nothing else.
            let notes = result.stderr.split(separator: "\n").filter { !$0.contains("already imported") && !$0.hasPrefix("…") }
            #expect(notes.isEmpty, "\(result.stderr)")
        }
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 30_000)
        #expect(try count("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"]) == 30_000)
        if let cluster = try TestDatabase.embeddedCluster {
            let log = (try? String(contentsOf: cluster.logFile, encoding: .utf8)) ?? ""
            #expect(!log.contains(tag), "no server log line holds an imported email: \(log.split(separator: "\n").filter { $0.contains(tag) }.prefix(3))")
        }
    }
}
