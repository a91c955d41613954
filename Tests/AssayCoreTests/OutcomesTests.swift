@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing

/// One database with banks, a pool built by ``OutcomesFixture`` and its gold_accuracy outcomes,
/// shared by the suite (built once per test process).
enum OutcomesDatabase {
    struct Shared: Sendable {
        let url: String
        let fixture: OutcomesFixture
    }

    /// The import suite's database, and the report suite's own: the import tests add outcome
    /// rows of the report's metric (rejects, pseudonyms), which changed the report's figures
    /// when both suites ran at once on one database.
    static let shared: Result<Shared, any Error> = Result { try build("outcomes") }
    static let forReport: Result<Shared, any Error> = Result { try build("outcomes-report") }

    private static func build(_ name: String) throws -> Shared {
        let url = try TestDatabase.url(for: name)
        let connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
        let fixture = try OutcomesFixture.build(on: connection, bankSlug: "medicine-core", tag: "core\(UInt32.random(in: 0...UInt32.max))")
        return Shared(url: url, fixture: fixture)
    }

    static func temporaryFile(_ text: String, extension ext: String = "csv") throws -> String {
        let path = "\(TemporaryFolder.root)/assay-outcomes-\(UUID().uuidString).\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite("Work outcomes import", .serialized)
struct OutcomesImportTests {
    let connection: Connection
    let fixture: OutcomesFixture
    let outcomes: Outcomes

    init() throws {
        let shared = try OutcomesDatabase.shared.get()
        connection = try Connection(shared.url)
        fixture = shared.fixture
        outcomes = Outcomes(connection: connection)
    }

    func importText(_ text: String, format: Intake.Format = .csv, rejects: String? = nil, key: String? = nil) throws -> Outcomes.ImportSummary {
        let path = try OutcomesDatabase.temporaryFile(text, extension: format == .csv ? "csv" : "jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try outcomes.importFile(.init(path: path, format: format, rejectsPath: rejects, pseudonymKey: key, actor: "tester"))
    }

    func count(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try connection.query(sql, parameters)[0].decode(0)
    }

    @Test("Importing by email writes one row per member; the same file again changes nothing; a new value updates one row")
    func idempotent() throws {
        let text = fixture.outcomesCSV(metric: "review_pass_rate", project: "idem")
        let first = try importText(text)
        #expect(first.rowsRead == fixture.members.count)
        #expect(first.inserted == fixture.members.count && first.updated == 0 && first.rowsRejected == 0)
        let event = try connection.query("SELECT action, details FROM events WHERE id = $1", [try #require(first.eventID)]).one()
        #expect(try event.decode("action", as: String.self) == "outcomes.import")
        let again = try importText(text)
        #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == fixture.members.count)
        #expect(try count("SELECT count(*)::int FROM work_outcomes WHERE project = 'idem'") == fixture.members.count)
        // One corrected value.
        let member = try #require(fixture.members.first)
        let corrected = "expert,domain,project,period_end,metric,value,tasks\n\(member.expertID),\(fixture.domain),idem,2026-09-30,review_pass_rate,0.5,12\n"
        let update = try importText(corrected)
        #expect(update.updated == 1 && update.inserted == 0)
        #expect(try connection.query("SELECT value FROM work_outcomes WHERE project = 'idem' AND expert_id = $1", [member.expertID]).one().decode("value", as: Double.self) == 0.5)
    }

    @Test("Every bad row is rejected with its line, field and reason, the good rows are imported, and the rejects file is 0600")
    func rejects() throws {
        let member = try #require(fixture.members.first)
        let outsider = try #require(fixture.candidates.first { !$0.member })
        let d = fixture.domain
        let text = """
            expert,domain,project,period_end,metric,value,tasks
            \(member.email),\(d),rej,2026-06-30,gold_accuracy,0.9,10
            nobody@example.org,\(d),rej,2026-06-30,gold_accuracy,0.9,10
            \(outsider.email),\(d),rej,2026-06-30,gold_accuracy,0.9,10
            \(member.email),astrology,rej,2026-06-30,gold_accuracy,0.9,10
            \(member.email),\(d),rej,2026-02-30,gold_accuracy,0.9,10
            \(member.email),\(d),rej,2026-06-30,gold_accuracy,93,10
            \(member.email),\(d),rej,2026-06-30,gold_accuracy,0.9,0
            \(member.email),\(d),rej,2026-06-30,Gold Accuracy,0.9,10
            \(member.expertID),\(d),rej,2026-06-30,gold_accuracy,0.8,10
            0123456789abcdef0123,\(d),rej,2026-06-30,gold_accuracy,0.9,10
            \(member.email),\(d),,2026-06-30,gold_accuracy,0.9,10

            """
        let rejectsPath = "\(TemporaryFolder.root)/assay-outcome-rejects-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: rejectsPath) }
        let summary = try importText(text, rejects: rejectsPath)
        #expect(summary.rowsRead == 11)
        #expect(summary.inserted == 1 && summary.rowsRejected == 10)
        let found = summary.firstRejections.map { "\($0.line) \($0.field)" }
        #expect(found == ["3 expert", "4 expert", "5 domain", "6 period_end", "7 value", "8 tasks", "9 metric", "10 (row)", "11 expert", "12 project"])
        #expect(summary.firstRejections[0].reason == "no expert has the email nobody@example.org")
        #expect(summary.firstRejections[1].reason.contains("is not a member of the \(d) pool"))
        #expect(summary.firstRejections[4].reason.contains("rate (0.93, not 93)"))
        #expect(summary.firstRejections[7].reason == "repeats line 2 (the same expert, project, metric and period_end)")
        #expect(summary.firstRejections[8].reason.contains("--pseudonym-key-env"))
        let attributes = try FileManager.default.attributesOfItem(atPath: rejectsPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let lines = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "line,field,reason,row")
        #expect(lines.count == 11)
        #expect(lines[1].hasPrefix("3,expert,no expert has the email nobody@example.org,\"nobody@example.org,"))
    }

    @Test("A file with no valid row imports nothing, is bad input, and still writes its rejects")
    func nothingImported() throws {
        let before = try count("SELECT count(*)::int FROM events WHERE action = 'outcomes.import'")
        let rejectsPath = "\(TemporaryFolder.root)/assay-outcome-rejects-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: rejectsPath) }
        let text = "expert,domain,project,period_end,metric,value,tasks\nnobody@example.org,\(fixture.domain),none,2026-06-30,gold_accuracy,0.9,10\n"
        let error = try #require(throws: AssayError.self) { try importText(text, rejects: rejectsPath) }
        #expect(error.exitStatus == 2)
        #expect(error.message.contains("no row could be imported: all 1 were rejected"))
        #expect(try count("SELECT count(*)::int FROM events WHERE action = 'outcomes.import'") == before)
        #expect(try count("SELECT count(*)::int FROM work_outcomes WHERE project = 'none'") == 0)
        #expect(FileManager.default.fileExists(atPath: rejectsPath))
    }

    @Test("A bad header is refused before anything is read", arguments: [
        ("expert,domain,project,period_end,metric,value\n", "lacks the required column tasks"),
        ("expert,domain,project,period_end,metric,value,tasks,notes\n", "unknown column 'notes'"),
        ("", "the file is empty"),
    ])
    func badHeader(header: String, message: String) throws {
        let error = try #require(throws: AssayError.self) { try importText(header) }
        #expect(error.message.contains(message))
        #expect(error.exitStatus == 2)
    }

    @Test("A client that only saw a pseudonymized roster sends quality back by pseudonym, under the roster's key")
    func pseudonyms() throws {
        let key = "a-client-roster-key-0123"
        var bytes: [UInt8] = []
        try Roster(connection: connection).export(format: .jsonl, filter: .init(domain: fixture.domain), pseudonymKey: key) { bytes += $0 }
        let rows = try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(rows.count >= 2)
        let byID = try #require(rows[0]["expert_id"] as? String), byEmail = try #require(rows[1]["email"] as? String)
        #expect(byEmail.hasSuffix("@pseudonym.invalid"))
        let text = """
            expert,domain,project,period_end,metric,value,tasks
            \(byID),\(fixture.domain),pseudo,2026-03-31,gold_accuracy,0.91,20
            \(byEmail),\(fixture.domain),pseudo,2026-03-31,gold_accuracy,0.82,15

            """
        let summary = try importText(text, key: key)
        #expect(summary.inserted == 2 && summary.rowsRejected == 0)
        #expect(try count("SELECT count(DISTINCT expert_id)::int FROM work_outcomes WHERE project = 'pseudo'") == 2)
        // Another key resolves nobody: every row rejected, nothing written.
        let error = try #require(throws: AssayError.self) { try importText(text.replacingOccurrences(of: "pseudo,", with: "pseudo2,"), key: "not-the-roster-key-xyz") }
        #expect(error.message.contains("all 2 were rejected"))
        #expect(error.message.contains("no pool member has the pseudonym"))
    }

    @Test("JSON Lines rows may give expert, value and tasks as numbers; other types are rejected by field")
    func jsonLines() throws {
        let member = try #require(fixture.members.last)
        let text = """
            {"expert": \(member.expertID), "domain": "\(fixture.domain)", "project": "jsonl", "period_end": "2026-05-31", "metric": "rework_rate", "value": 0.05, "tasks": 30}
            {"expert": "\(member.email)", "domain": "\(fixture.domain)", "project": "jsonl", "period_end": "2026-05-31", "metric": "rework_rate", "value": "high", "tasks": 30}
            {"expert": "\(member.email)", "domain": ["x"], "project": "jsonl", "period_end": "2026-05-31", "metric": "rework_rate", "value": 0.1, "tasks": 30}
            not json

            """
        let summary = try importText(text, format: .jsonl)
        #expect(summary.inserted == 1)
        #expect(summary.firstRejections.map { "\($0.line) \($0.field)" } == ["2 value", "3 domain", "4 (row)"])
    }
}

@Suite("Validity report", .serialized)
struct ValidityReportTests {
    let connection: Connection
    let fixture: OutcomesFixture

    init() throws {
        let shared = try OutcomesDatabase.forReport.get()
        connection = try Connection(shared.url)
        fixture = shared.fixture
        let imported: Int = try connection.query("SELECT count(*)::int FROM work_outcomes WHERE project = 'validity'")[0].decode(0)
        if imported == 0 {
            let path = try OutcomesDatabase.temporaryFile(fixture.outcomesCSV(metric: "gold_accuracy", project: "validity"))
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try Outcomes(connection: connection).importFile(.init(path: path, format: .csv, actor: "tester"))
        }
    }

    func report(metric: String = "gold_accuracy") throws -> ValidityReport.BankValidity {
        let analysis = try ValidityAnalysis(connection: connection, bootstrap: try PercentileBootstrap(replicates: 300, seed: 5))
        let report = try analysis.report(bank: "medicine-core", metric: metric)
        return try #require(report.banks.first)
    }

    @Test("Screens built to predict work show a positive validity, larger once corrected for range restriction")
    func correlations() throws {
        let entry = try report()
        #expect(entry.members == fixture.members.count)
        #expect(entry.applicants >= fixture.candidates.count)
        let percent = try #require(entry.percent)
        let r = try #require(percent.pearson), rho = try #require(percent.spearman), corrected = try #require(percent.corrected)
        #expect(r.value > 0.2)
        #expect(rho.value > 0.2)
        #expect(try #require(r.interval).contains(r.value))
        #expect(corrected.value > r.value)
        #expect(try #require(percent.applicantSd) > (try #require(percent.restrictedSd)))
        #expect(entry.theta != nil)
        // The member-level figures equal the Psychometrics functions on the same data.
        let points = entry.points
        let direct = try WeightedCorrelation.pearson(points.map(\.percent), points.map(\.outcome), weights: points.map { Double($0.tasks) })
        #expect(direct == r.value)
    }

    @Test("The item built to go against ability is flagged wrong_way; the others are not")
    func itemFlags() throws {
        let entry = try report()
        let reversed = try #require(entry.items.first { $0.itemKey == fixture.reversedItem })
        #expect(reversed.flag == "wrong_way")
        #expect(try #require(reversed.correlation) < 0)
        #expect(entry.items.filter { $0.flag == "wrong_way" }.count == 1)
        #expect(entry.items.prefix(fixture.itemKeys.count).map(\.itemKey) == fixture.itemKeys)
    }

    @Test("The expectancy table covers every member and the pass-mark analysis compares with today's mark")
    func expectancyAndPassMark() throws {
        let entry = try report()
        #expect(entry.expectancy.count == 10)
        #expect(entry.expectancy.reduce(0) { $0 + $1.members } == entry.members)
        let mark = try #require(entry.passMark)
        #expect(mark.currentMark == 70)  // medicine-core's pass_rule.min_percent
        #expect(mark.poolSize == fixture.members.count)
        #expect(mark.currentExpectedOutcome != nil)
    }

    @Test("The same seed gives the same intervals")
    func reproducible() throws {
        let first = try report(), second = try report()
        #expect(first.percent?.pearson?.interval == second.percent?.pearson?.interval)
        #expect(first.items.map(\.interval) == second.items.map(\.interval))
    }

    @Test("From the analytic threshold on, every interval is Fisher's z with the Kish effective size, and the report says so")
    func analyticIntervals() throws {
        let analysis = try ValidityAnalysis(connection: connection, bootstrap: try PercentileBootstrap(replicates: 300, seed: 5), analyticFrom: 10)
        let report = try analysis.report(bank: "medicine-core", metric: "gold_accuracy")
        #expect(report.analyticFrom == 10)
        let entry = try #require(report.banks.first)
        let percent = try #require(entry.percent)
        for coefficient in [percent.pearson, percent.spearman, percent.corrected, entry.theta?.pearson, entry.theta?.spearman] {
            let interval = try #require(coefficient?.interval)
            #expect(interval.method == .fisherZ && interval.replicates == 0 && (interval.effectiveSize ?? 0) > 3)
        }
        let intervals = entry.items.compactMap(\.interval)
        #expect(!intervals.isEmpty && intervals.allSatisfy { $0.method == .fisherZ })
        #expect(entry.notes.contains { $0.contains("Fisher's z") })
        #expect(entry.items.first { $0.itemKey == fixture.reversedItem }?.flag == "wrong_way")
        // Below the threshold (the default, 20,000 members) the same data get bootstrap intervals.
        let bootstrapped = try self.report()
        #expect(bootstrapped.percent?.pearson?.interval?.method == .percentileBootstrap)
        #expect(bootstrapped.items.compactMap(\.interval).allSatisfy { $0.method == .percentileBootstrap })
        #expect(!bootstrapped.notes.contains { $0.contains("Fisher's z") })
    }

    @Test("An unknown bank or metric is not found, naming what exists")
    func unknownNames() throws {
        let analysis = try ValidityAnalysis(connection: connection)
        let bank = try #require(throws: AssayError.self) { try analysis.report(bank: "astrology-core") }
        #expect(bank.exitStatus == 2 && bank.message.contains("medicine-core"))
        let metric = try #require(throws: AssayError.self) { try analysis.report(metric: "happiness") }
        #expect(metric.exitStatus == 2 && metric.message.contains("gold_accuracy"))
    }
}
