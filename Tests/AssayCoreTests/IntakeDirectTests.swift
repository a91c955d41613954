@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing

/// The direct import (two connections, two-phase commit) against the merge through staging.
@Suite("Direct imports", .serialized, .enabled(if: TestDatabase.allowsPreparedTransactions, "the test server has max_prepared_transactions < 2"))
struct IntakeDirectTests {
    let direct: String
    let merged: String

    init() throws {
        direct = try TestDatabase.url(for: "intake_direct")
        merged = try TestDatabase.url(for: "intake_direct_reference")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let banks = BankLinter.lint(path: root.appendingPathComponent("interview-banks").path)
        for url in [direct, merged] {
            let connection = try Connection(url)
            try Migrator.shipped().migrate(connection)
            try Catalog(connection: connection).sync(banks, actor: "tester")
        }
    }

    func run(_ url: String, _ path: String, method: Intake.Method, format: Intake.Format = .csv) throws -> Intake.Summary {
        try Intake(connection: Connection(url)).importFile(.init(path: path, format: format, source: "file", actor: "tester", method: method))
    }

    func count(_ url: String, _ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try Connection(url).query(sql, parameters)[0].decode(0)
    }

    /// Experts and applications with the given tag, as sorted text lines, ids left out
    /// (`applied_at` shows as `now` when the row gave none).
    func dump(_ url: String, tag: String) throws -> [String] {
        let connection = try Connection(url)
        let experts = try connection.query("""
            SELECT concat_ws('|', email, full_name, country, array_to_string(languages, ','), highest_degree, years_experience) AS line
            FROM experts WHERE email LIKE $1
            """, ["%\(tag)%"]).map { try $0.decode("line", as: String.self) }
        let applications = try connection.query("""
            SELECT concat_ws('|', e.email, a.source, a.external_id, array_to_string(a.domains, ','), coalesce(a.resume_text, '<null>'),
                   CASE WHEN a.applied_at = a.received_at THEN 'now' ELSE a.applied_at::text END, a.status) AS line
            FROM applications a JOIN experts e ON e.id = a.expert_id WHERE a.external_id LIKE $1
            """, ["%\(tag)%"]).map { try $0.decode("line", as: String.self) }
        return (experts.map { "expert " + $0 } + applications.map { "application " + $0 }).sorted()
    }

    /// A file of `rows` applications with repeated people (other case and spaces, other
    /// languages), repeated applications, rows without a date, text that needs escaping, and
    /// invalid rows.
    func generatedFile(tag: String, rows: Int, seed: UInt64) throws -> String {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        var text = intakeHeader
        for row in 0..<rows {
            let person = Int(rng.next() % UInt64(rows * 2 / 3))
            let email = pick(["p\(person)-\(tag)@example.org", " P\(person)-\(tag)@Example.ORG ", "p\(person)-\(tag)@example.org"])
            let languages = (0..<(1 + Int(rng.next() % 3))).map { _ in pick(["en", "fr", "de", "es", "zh", "ar", "pt"]) }.joined(separator: ";")
            let external = rng.next() % 10 == 0 ? "\(tag)-\(Int(rng.next() % UInt64(max(row, 1))))" : rng.next() % 7 == 0 ? "\(tag)\\\(row)" : "\(tag)-\(row)"
            let country = rng.next() % 50 == 0 ? "XX" : pick(["FR", "us", "IN", "BR"])
            let resume = pick(["", "plain", "tab\there, back\\slash", "\"quoted\"\nline two", "é ü 日本", "carriage\rreturn\r\nand CRLF"])
            let applied = pick(["", "2026-03-01", "2025-12-31T23:59:59Z", "2026-03-01 09:30:00.123+05:30", "2024-02-29T00:00Z",
                                "2026-03-01T09:30:00.1234567-08:00", "1900-01-01", "2999-12-31T23:59:59.999999+14:00"])
            let fields = [external, "Person \(person)", email, country, languages, pick(["medicine", "law;finance", "physics"]),
                          pick(["phd", "md", "master"]), String(rng.next() % 40), pick(["linkedin", "referral", "back\\slash agency"]), applied, resume]
            text += fields.map(csvQuoted).joined(separator: ",") + "\n"
        }
        return try temporaryFile(text)
    }

    @Test("a file of new people goes the direct way and ends exactly as the merge through staging does", arguments: [1, 2])
    func agreesWithMerge(seed: UInt64) throws {
        let tag = "d\(UUID().uuidString.prefix(8).lowercased())"
        let path = try generatedFile(tag: tag, rows: 4000, seed: seed)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fast = try run(direct, path, method: .direct)
        let reference = try run(merged, path, method: .merge)
        #expect(fast.method == .direct)
        #expect(reference.method == .merge)
        #expect((fast.rowsRead, fast.newExperts, fast.applicationsMerged, fast.duplicatesSkipped, fast.rowsRejected)
                == (reference.rowsRead, reference.newExperts, reference.applicationsMerged, reference.duplicatesSkipped, reference.rowsRejected))
        #expect(fast.rowsRejected > 0 && fast.duplicatesSkipped > 0 && fast.applicationsMerged > 0)
        let fastRows = try dump(direct, tag: tag)
        let referenceRows = try dump(merged, tag: tag)
        #expect(fastRows.count == fast.newExperts + fast.newApplications)
        #expect(fastRows == referenceRows)
        // The event names the method and the applications point to it.
        let event = try #require(fast.eventID)
        #expect(try count(direct, "SELECT count(*)::int FROM events WHERE id = $1 AND details->>'method' = 'direct' AND details->>'new_experts' = $2",
                          [event, String(fast.newExperts)]) == 1)
        #expect(try count(direct, "SELECT count(*)::int FROM applications WHERE event_id = $1", [event]) == fast.newApplications)
        // Nothing is left prepared.
        #expect(try count(direct, "SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database()") == 0)
    }

    @Test("JSON Lines go the direct way too")
    func jsonLines() throws {
        let tag = "j\(UUID().uuidString.prefix(8).lowercased())"
        let path = try temporaryFile("""
            {"external_id": "\(tag)-1", "full_name": "Li Wei", "email": "li-\(tag)@example.org", "country": "CN", "languages": ["zh"], "domains": ["physics"], "highest_degree": "phd", "years_experience": 9}
            {"external_id": "\(tag)-2", "full_name": "Li Wei", "email": "LI-\(tag)@example.org", "country": "CN", "languages": ["en"], "domains": ["law"], "highest_degree": "phd", "years_experience": 9}
            """, extension: "jsonl")
        let summary = try run(direct, path, method: .automatic, format: .jsonl)
        #expect(summary.method == .direct)
        #expect((summary.newExperts, summary.applicationsMerged) == (1, 1))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["li-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "zh"], "a later row's languages are unioned, sorted")
    }

    @Test("one person in many rows: every language is kept, however many (more than fit the packed set)")
    func manyLanguages() throws {
        let tag = "m\(UUID().uuidString.prefix(8).lowercased())"
        let rows = ["en;fr;de", "es;it;pt", "en;zh;ja;ko", "ar;hi", "fr"]
        var text = intakeHeader
        for (index, languages) in rows.enumerated() {
            text += "\(tag)-\(index),Polly Glot,polly-\(tag)@example.org,CH,\(languages),law,jd,20,s,,\n"
        }
        let path = try temporaryFile(text)
        let fast = try run(direct, path, method: .direct)
        let reference = try run(merged, path, method: .merge)
        #expect((fast.newExperts, fast.applicationsMerged) == (1, 4))
        #expect(try dump(direct, tag: tag) == dump(merged, tag: tag))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["polly-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh"])
        _ = reference
    }

    struct ExpertRow: Sendable, CustomStringConvertible {
        var email = "ok@example.org", name = "Name", country = "FR", languages = "{fr}", degree = "phd", years = 3
        var description: String { "\(email)|\(name)|\(country)|\(languages)|\(degree)|\(years)" }
    }

    @Test("the database refuses experts and applications that break a rule, whoever writes them", arguments: [
        ExpertRow(email: "Upper@example.org"), ExpertRow(email: " lead@example.org"), ExpertRow(email: "trail@example.org "),
        ExpertRow(email: "no-at-sign"), ExpertRow(name: " Name"), ExpertRow(name: "Name "), ExpertRow(name: ""),
        ExpertRow(country: "fr"), ExpertRow(country: "FRA"), ExpertRow(languages: "{}"), ExpertRow(degree: "wizard"),
        ExpertRow(years: 71), ExpertRow(years: -1),
    ])
    func constraints(row: ExpertRow) throws {
        let connection = try Connection(direct)
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("""
                INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                VALUES ($1, $2, $3, $4::text[], $5, $6)
                """, [row.email, row.name, row.country, row.languages, row.degree, row.years])
        }
        #expect(error.code == .checkViolation)
        #expect(error.constraint == "experts_valid")
    }

    @Test("the database refuses applications that break a rule", arguments: [
        ("", "x", "{law}", "received"), ("s", "", "{law}", "received"), ("s", "x", "{}", "received"), ("s", "x", "{law}", "lost"),
    ])
    func applicationConstraints(source: String, external: String, domains: String, status: String) throws {
        let error = try #require(throws: PostgresError.self) {
            try Connection(direct).execute("""
                INSERT INTO applications (expert_id, source, external_id, domains, status, applied_at)
                VALUES (1, $1, $2, $3::text[], $4, now())
                """, [source, external, domains, status])
        }
        #expect(error.code == .checkViolation)
        #expect(error.constraint == "applications_valid")
    }

    @Test("a file that overlaps the database is merged through staging instead, with the right counts")
    func overlapFallsBack() throws {
        let tag = "o\(UUID().uuidString.prefix(8).lowercased())"
        let first = try temporaryFile(intakeHeader + "\(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,\n")
        #expect(try run(direct, first, method: .automatic).method == .direct)
        // A new person, then Ana again (known email, new application), then a known application.
        let second = try temporaryFile(intakeHeader + """
            \(tag)-2,Bo,bo-\(tag)@example.org,SE,sv,law,jd,3,s,,
            \(tag)-3,Ana,ana-\(tag)@example.org,ES,en,law,md,8,s,,
            \(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,

            """)
        // Forced direct, the overlap is refused and nothing of the file is written.
        let events = try count(direct, "SELECT count(*)::int FROM events")
        let error = try #require(throws: PostgresError.self) { try run(direct, second, method: .direct) }
        #expect(error.code == .uniqueViolation)
        #expect(try count(direct, "SELECT count(*)::int FROM experts WHERE email = $1", ["bo-\(tag)@example.org"]) == 0)
        #expect(try count(direct, "SELECT count(*)::int FROM events") == events)
        #expect(try count(direct, "SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database()") == 0)
        // Automatic: merged, as a user would want.
        let summary = try run(direct, second, method: .automatic)
        #expect(summary.method == .merge)
        #expect((summary.newExperts, summary.applicationsMerged, summary.duplicatesSkipped) == (1, 1, 1))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["ana-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "es"])
    }

    @Test("the summary says why an automatic import merged, and says nothing when it went directly, was asked to merge or was a dry run")
    func mergeReason() throws {
        let tag = "w\(UUID().uuidString.prefix(8).lowercased())"
        let first = try temporaryFile(intakeHeader + "\(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,\n")
        let direct = try run(self.direct, first, method: .automatic)
        #expect(direct.method == .direct && direct.mergeReason == nil)
        let second = try temporaryFile(intakeHeader + "\(tag)-2,Ana,ana-\(tag)@example.org,ES,en,law,md,8,s,,\n")
        let overlap = try run(self.direct, second, method: .automatic)
        #expect(overlap.method == .merge)
        let reason = try #require(overlap.mergeReason)
        #expect(reason.contains("already has some of the file's people or applications") && reason.contains("experts_email_key"), "\(reason)")
        let asked = try run(self.direct, second, method: .merge)
        #expect(asked.method == .merge && asked.mergeReason == nil)
        let dry = try Intake(connection: Connection(self.direct)).importFile(.init(path: second, format: .csv, source: "file", dryRun: true, actor: "tester"))
        #expect(dry.dryRun && dry.mergeReason == nil)
        // The reason travels with the summary (the CLI's JSON output).
        let json = String(decoding: try JSONEncoder().encode(overlap), as: UTF8.self)
        #expect(json.contains("\"mergeReason\""))
    }

    @Test("a refused COPY stops the reading early: a big file whose first row is known is merged without being routed to the end")
    func earlyStop() throws {
        let tag = "e\(UUID().uuidString.prefix(8).lowercased())"
        var text = intakeHeader
        for i in 0..<150_000 { text += "\(tag)-\(i),P \(i),p\(i)-\(tag)@example.org,FR,fr,medicine,md,5,s,,\n" }
        let whole = try temporaryFile(text)
        let first = try temporaryFile(intakeHeader + "\(tag)-0,P 0,p0-\(tag)@example.org,FR,fr,medicine,md,5,s,,\n")
        defer { try? FileManager.default.removeItem(atPath: whole) }
        #expect(try run(direct, first, method: .automatic).method == .direct)
        let intake = Intake(connection: try Connection(direct))
        let summary = try intake.importFile(.init(path: whole, format: .csv, source: "file", actor: "tester"))
        #expect(summary.method == .merge)
        #expect((summary.newExperts, summary.duplicatesSkipped) == (149_999, 1))
        #expect(intake.directAttemptRows > 0)
        #expect(intake.directAttemptRows < 140_000, "the direct attempt routed \(intake.directAttemptRows) rows before stopping")
    }

    /// Leaves a prepared half of a direct import with the given event id, as a process that died
    /// between preparing and committing would.
    func prepareHalf(_ url: String, eventID: Int, half: String, email: String, withEvent: Bool) throws {
        let connection = try Connection(url)
        let database: Int = try connection.query("SELECT oid::bigint FROM pg_database WHERE datname = current_database()")[0].decode(0)
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience) VALUES ($1, 'X', 'FR', '{fr}', 'phd', 3)", [email])
        if withEvent {
            try connection.execute("INSERT INTO events (id, actor, action, details) OVERRIDING SYSTEM VALUE VALUES ($1, 'tester', 'intake.import', '{}')", [eventID])
        }
        try connection.execute("PREPARE TRANSACTION 'assay-intake-\(database)-\(eventID)-\(half)'")
    }

    @Test("prepared halves of a dead import are rolled back when undecided, committed when decided; a live import's are left alone")
    func recovery() throws {
        let tag = "r\(UUID().uuidString.prefix(8).lowercased())"
        let connection = try Connection(direct)
        func nextEventID() throws -> Int { try connection.query("SELECT nextval(pg_get_serial_sequence('events', 'id'))::bigint")[0].decode(0) }
        // Undecided: both halves prepared, no event.
        let undecided = try nextEventID()
        try prepareHalf(direct, eventID: undecided, half: "applications", email: "u1-\(tag)@example.org", withEvent: false)
        try prepareHalf(direct, eventID: undecided, half: "experts", email: "u2-\(tag)@example.org", withEvent: false)
        // Decided: the experts half (with the event) committed, the applications half left prepared.
        let decided = try nextEventID()
        try prepareHalf(direct, eventID: decided, half: "experts", email: "c1-\(tag)@example.org", withEvent: true)
        let database: Int = try connection.query("SELECT oid::bigint FROM pg_database WHERE datname = current_database()")[0].decode(0)
        try connection.execute("COMMIT PREPARED 'assay-intake-\(database)-\(decided)-experts'")
        try prepareHalf(direct, eventID: decided, half: "applications", email: "c2-\(tag)@example.org", withEvent: false)
        // Live: its importer holds the liveness lock.
        let live = try nextEventID()
        try prepareHalf(direct, eventID: live, half: "experts", email: "l1-\(tag)@example.org", withEvent: false)
        let importer = try Connection(direct)
        try importer.execute("SELECT pg_advisory_lock($1)", [Intake.directImportLivenessKey(live)])

        #expect(try Intake.recoverInterruptedImports(on: connection) == 3)
        let emails = Set(try connection.query("SELECT email FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]).map { try $0.decode("email", as: String.self) })
        #expect(emails == ["c1-\(tag)@example.org", "c2-\(tag)@example.org"])
        #expect(try count(direct, "SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'") == 1)
        // Once its importer is gone, the live one is undecided and rolled back.
        try importer.execute("SELECT pg_advisory_unlock($1)", [Intake.directImportLivenessKey(live)])
        #expect(try Intake.recoverInterruptedImports(on: connection) == 1)
        #expect(try count(direct, "SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'") == 0)
        #expect(try count(direct, "SELECT count(*)::int FROM experts WHERE email = $1", ["l1-\(tag)@example.org"]) == 0)
    }
}
