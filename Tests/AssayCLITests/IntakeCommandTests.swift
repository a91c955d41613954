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

    @Test("import prints the summary, re-import says nothing changed, and experts list/show read them back")
    func importAndList() throws {
        let tag = "il\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<3, tag: tag)
        let first = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3 rows read, 3 new experts, 0 applications merged into known experts, 0 duplicates skipped, 0 rows rejected"))
        #expect(!first.stderr.contains("\u{1B}"), "no progress bar on a pipe")
        let again = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(again.stdout.contains("nothing changed"))
        let list = try CommandRun.assay(["experts", "list", "--format", "csv", "--limit", "1000"], environment: env)
        #expect(list.stdout.contains("p1-\(tag)@example.org"))
        let show = try CommandRun.assay(["experts", "show", "P1-\(tag)@example.org"], environment: env)
        #expect(show.status == 0)
        #expect(show.stdout.contains("intake.import"))
        let missing = try CommandRun.assay(["experts", "show", "nobody@example.org"], environment: env)
        #expect(missing.status == 2)
    }

    @Test("an import that merges through staging instead of writing directly prints why; a direct one prints no such line",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
    func mergeReason() throws {
        let tag = "mr\(UInt32.random(in: 0...UInt32.max))"
        let first = try CommandRun.assay(["intake", "import", try file(rows: 0..<2, tag: tag)], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains("merged through staging"), "\(first.stdout)")
        let overlap = try CommandRun.assay(["intake", "import", try file(rows: 1..<4, tag: tag)], environment: env)
        #expect(overlap.status == 0, "\(overlap.stderr)")
        #expect(overlap.stdout.contains("3 rows read, 2 new experts"), "\(overlap.stdout)")
        #expect(overlap.stdout.contains("merged through staging, not written directly: the database already has some of the file's people or applications"),
                "\(overlap.stdout)")
        let json = try CommandRun.assay(["intake", "import", try file(rows: 3..<5, tag: tag), "--output", "json"], environment: env)
        #expect(json.stdout.contains("\"merge_reason\""), "\(json.stdout)")
    }

    @Test("a bad header exits 2 with file:line and writes nothing")
    func badHeader() throws {
        let path = "\(TemporaryFolder.root)/assay-cli-\(UUID().uuidString).csv"
        try Data("email,name\nx@example.org,X\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try CommandRun.assay(["intake", "import", path], environment: env)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):1: unknown column 'name'"), "\(result.stderr)")
    }

    @Test("intake add prints the expert id and whether the expert is new")
    func add() throws {
        let tag = "ad\(UInt32.random(in: 0...UInt32.max))"
        let args = ["intake", "add", "--email", "\(tag)@example.org", "--name", "Ada L", "--country", "GB", "--languages", "en,fr",
                    "--domains", "mathematics", "--degree", "phd", "--years", "20"]
        let first = try CommandRun.assay(args, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(": new"))
        let second = try CommandRun.assay(args, environment: env)
        #expect(second.stdout.contains("already known"))
        #expect(second.stdout.contains("nothing changed"))
        let bad = try CommandRun.assay(["intake", "add", "--email", "x@example.org", "--name", "X", "--country", "GB", "--languages", "en",
                                        "--domains", "mathematics", "--degree", "wizard", "--years", "2"], environment: env)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'wizard' is invalid for '--degree <degree>'"), "the flag the user typed, not the column: \(bad.stderr)")
        #expect(!bad.stderr.contains("highest"))
    }

    @Test("an import killed in the middle of its COPY leaves nothing behind, and a re-run completes it",
          .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"),
          arguments: ["direct", "merge"])
    func killedImport(method: String) throws {
        let tag = "kill\(UInt32.random(in: 0...UInt32.max))"
        let path = try file(rows: 0..<300_000, tag: tag)
        defer { try? FileManager.default.removeItem(atPath: path) }
        if method == "merge" {
            // A file with a row the database has goes through staging and the merge.
            let known = try file(rows: 0..<1, tag: tag)
            #expect(try CommandRun.assay(["intake", "import", known, "--source", "cli-merge"], environment: env).status == 0)
        }
        let copy = method == "merge" ? #"COPY "intake_staging"%"# : #"COPY "experts"%"#  // names are escaped (quoted) by libpq
        let environment = CommandRun.cleanEnvironment.merging(env) { $1 }
        let process = try CommandRun.start(CommandRun.assayPath, ["intake", "import", path, "--quiet", "--source", "cli-\(method)"], environment: environment)
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
        let before = method == "merge" ? 1 : 0
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == before)
        #expect(try count("SELECT count(*)::int FROM events WHERE details->>'file' = $1", [path]) == 0)
        let rerun = try CommandRun.assay(["intake", "import", path, "--quiet", "--source", "cli-\(method)"], environment: env)
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

    @Test("two overlapping imports running at once end with each person once and no error")
    func concurrentImports() throws {
        let tag = "conc\(UInt32.random(in: 0...UInt32.max))"
        let a = try file(rows: 0..<20_000, tag: tag)
        let b = try file(rows: 10_000..<30_000, tag: tag)
        let environment = CommandRun.cleanEnvironment.merging(env) { $1 }
        let first = try CommandRun.start(CommandRun.assayPath, ["intake", "import", a, "--source", "same"], environment: environment)
        let second = try CommandRun.start(CommandRun.assayPath, ["intake", "import", b, "--source", "same"], environment: environment)
        for result in [first.wait(), second.wait()] {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 30_000)
        #expect(try count("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"]) == 30_000)
    }
}
