import AssayTesting
import Foundation
import Postgres
import Testing

/// A database with the shipped banks and an ``OutcomesFixture`` pool, built once per process.
enum OutcomesCLIDatabase {
    struct Shared: Sendable {
        let url: String
        let fixture: OutcomesFixture
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let shared: Result<Shared, any Error> = Result {
        let url = try TestDatabase.url(for: "cli_outcomes")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: repository.path)
        guard sync.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: sync.stderr]) }
        let fixture = try OutcomesFixture.build(on: try Connection(url), bankSlug: "medicine-core", tag: "cli\(UInt32.random(in: 0...UInt32.max))")
        return Shared(url: url, fixture: fixture)
    }
}

@Suite("assay outcomes import and validity report, end to end through the binary", .serialized)
struct OutcomesCommandTests {
    let url: String
    let fixture: OutcomesFixture
    var env: [String: String] { ["DATABASE_URL": url] }

    init() throws {
        let shared = try OutcomesCLIDatabase.shared.get()
        url = shared.url
        fixture = shared.fixture
    }

    func write(_ text: String, ext: String = "csv") throws -> String {
        let path = "\(TemporaryFolder.root)/assay-cli-outcomes-\(UUID().uuidString).\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("outcomes import prints its counts; again, it changes nothing; a file of only bad rows exits 2 naming line and field")
    func importCommand() throws {
        let path = try write(fixture.outcomesCSV(metric: "gold_accuracy", project: "cli"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try CommandRun.assay(["outcomes", "import", path], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("\(fixture.members.count) rows read, \(fixture.members.count) new, 0 updated, 0 unchanged, 0 rejected"))
        let again = try CommandRun.assay(["outcomes", "import", path, "--output", "json"], environment: env)
        #expect(again.status == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(summary["unchanged"] as? Int == fixture.members.count)
        #expect(summary["rows_read"] as? Int == fixture.members.count)

        let bad = try write("expert,domain,project,period_end,metric,value,tasks\nnobody@example.org,\(fixture.domain),cli,2026-01-31,gold_accuracy,1.5,3\n")
        let rejects = "\(TemporaryFolder.root)/assay-cli-outcome-rejects-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: bad); try? FileManager.default.removeItem(atPath: rejects) }
        let refused = try CommandRun.assay(["outcomes", "import", bad, "--rejects", rejects], environment: env)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("no row could be imported: all 1 were rejected (first: line 2, value: 1.5 is outside 0 to 1"), "\(refused.stderr)")
        #expect((try FileManager.default.attributesOfItem(atPath: rejects)[.posixPermissions] as? Int) == 0o600)
    }

    @Test("outcomes import's JSON is the shared snake_case JSON: invisible characters in an echoed value come out escaped")
    func importJSONEscapesInvisible() throws {
        let good = fixture.outcomesCSV(metric: "gold_accuracy", project: "cli-json").split(separator: "\n").prefix(2).joined(separator: "\n")
        let member = try #require(fixture.members.first)
        let path = try write(good + "\n\(member.email),med\u{202E}x,cli-json,2026-01-31,gold_accuracy,0.9,3\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CommandRun.assay(["outcomes", "import", path, "--output", "json"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.unicodeScalars.contains("\u{202E}"))
        #expect(run.stdout.contains(#"med\u202Ex"#))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(summary["rows_rejected"] as? Int == 1)
        let rejection = try #require((summary["first_rejections"] as? [[String: Any]])?.first)
        #expect(rejection["field"] as? String == "domain")
        #expect((rejection["reason"] as? String)?.contains("med\u{202E}x") == true)
    }

    @Test("A pseudonym without --pseudonym-key-env, or with an unset variable, is refused with what to do")
    func pseudonymKeyOption() throws {
        let path = try write("expert,domain,project,period_end,metric,value,tasks\n0123456789abcdef0123,\(fixture.domain),cli,2026-01-31,gold_accuracy,0.9,3\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let unset = try CommandRun.assay(["outcomes", "import", path, "--pseudonym-key-env", "ASSAY_TEST_UNSET_KEY"], environment: env)
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("ASSAY_TEST_UNSET_KEY is not set"))
        let noKey = try CommandRun.assay(["outcomes", "import", path], environment: env)
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("--pseudonym-key-env"))
    }

    @Test("validity report: an aligned table, snake_case JSON with numbers, and an HTML page of inline SVG without script")
    func report() throws {
        let path = try write(fixture.outcomesCSV(metric: "gold_accuracy", project: "cli-report"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CommandRun.assay(["outcomes", "import", path], environment: env).status == 0)
        let table = try CommandRun.assay(["validity", "report", "--bank", "medicine-core", "--replicates", "200"], environment: env)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("medicine-core v1 (medicine) against gold_accuracy"))
        #expect(table.stdout.contains("PREDICTOR"))
        #expect(table.stdout.contains("wrong way"))

        let json = try CommandRun.assay(["validity", "report", "--metric", "gold_accuracy", "--format", "json", "--replicates", "200"], environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let banks = try #require(object["banks"] as? [[String: Any]])
        let entry = try #require(banks.first)
        #expect(entry["bank_slug"] as? String == "medicine-core")
        #expect(entry["members"] as? Int == fixture.members.count)
        let percent = try #require(entry["percent"] as? [String: Any])
        let pearson = try #require(percent["pearson"] as? [String: Any])
        #expect(pearson["value"] is Double)
        #expect((pearson["interval"] as? [String: Any])?["lower"] is Double)
        #expect(entry["pass_mark"] is [String: Any])
        #expect(!json.stdout.contains("bankSlug"))

        let out = "\(TemporaryFolder.root)/assay-validity-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let html = try CommandRun.assay(["validity", "report", "--format", "html", "--out", out, "--replicates", "200"], environment: env)
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.components(separatedBy: "<svg").count - 1 == 3)
        #expect(page.contains("<circle"))
        #expect(!page.lowercased().contains("<script"))
    }

    @Test("validity report refuses an unknown metric or bank (exit 2) and too few replicates (exit 2)")
    func refusals() throws {
        let metric = try CommandRun.assay(["validity", "report", "--metric", "happiness"], environment: env)
        #expect(metric.status == 2)
        #expect(metric.stderr.contains("no outcome has the metric 'happiness'"))
        let bank = try CommandRun.assay(["validity", "report", "--bank", "astrology"], environment: env)
        #expect(bank.status == 2)
        let replicates = try CommandRun.assay(["validity", "report", "--replicates", "5"], environment: env)
        #expect(replicates.status == 2)
    }

    @Test("pool review: a dry run lists members below the floor in a table; the real run suspends them (JSON); wrong usage exits 2")
    func poolReview() throws {
        let path = try write(fixture.outcomesCSV(metric: "review_pass_rate", project: "cli-review"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CommandRun.assay(["outcomes", "import", path], environment: env).status == 0)
        let args = ["pool", "review", "--metric", "review_pass_rate", "--below", "0.75", "--min-tasks", "5", "--window-days", "3650"]
        let dry = try CommandRun.assay(args + ["--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("dry run, nothing written: would suspend"))
        let suspendedBefore: Int = try Connection(url).query("SELECT count(*)::int FROM pool_members WHERE status = 'suspended'")[0].decode(0)
        #expect(suspendedBefore == 0)
        let real = try CommandRun.assay(args + ["--format", "json"], environment: env)
        #expect(real.status == 0, "\(real.stderr)")
        let decisions = try #require(try JSONSerialization.jsonObject(with: Data(real.stdout.utf8)) as? [[String: Any]])
        #expect(!decisions.isEmpty)
        #expect(decisions.allSatisfy { $0["event_id"] is Int && $0["outcome_ids"] is [Any] })
        let suspended: Int = try Connection(url).query("SELECT count(*)::int FROM pool_members WHERE status = 'suspended'")[0].decode(0)
        #expect(suspended == decisions.count)
        let both = try CommandRun.assay(["pool", "review", "--metric", "review_pass_rate", "--below", "0.5", "--above", "0.9"], environment: env)
        #expect(both.status == 2)
        let wrongSide = try CommandRun.assay(["pool", "review", "--metric", "rework_rate", "--below", "0.5"], environment: env)
        #expect(wrongSide.status == 2)
        #expect(wrongSide.stderr.contains("--below: rework_rate is better when lower"))
    }
}
