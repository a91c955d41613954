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
            SELECT concat_ws('|', email, full_name, country, array_to_string(languages, ','), coalesce(highest_degree, '?'),
                             coalesce(years_experience::text, '?'), coalesce(phone, '-')) AS line
            FROM experts WHERE email LIKE $1
            """, ["%\(tag)%"]).map { try $0.decode("line", as: String.self) }
        let applications = try connection.query("""
            SELECT concat_ws('|', e.email, a.source, a.external_id, array_to_string(a.domains, ','), coalesce(a.resume_text, '<null>'),
                   CASE WHEN a.applied_at = a.received_at THEN 'now' ELSE a.applied_at::text END, a.status) AS line
            FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email LIKE $1
            """, ["%\(tag)%"]).map { try $0.decode("line", as: String.self) }
        return (experts.map { "expert " + $0 } + applications.map { "application " + $0 }).sorted()
    }

    /// A file of `rows` applications with repeated people (other case and spaces, other
    /// languages), repeated applications, rows without a date, text that needs escaping, and
    /// invalid rows.
    func generatedFile(tag: String, rows: Int, seed: UInt64) throws -> String {
        try temporaryFile(text(of: generatedRows(tag: tag, rows: rows, seed: seed)))
    }

    func text(of rows: [[String]]) -> String {
        String(intakeHeader.dropLast()) + ",phone\n" + rows.map { $0.map(csvQuoted).joined(separator: ",") + "\n" }.joined()
    }

    /// The cells of the generated rows (the columns of `intakeHeader`, then phone).
    func generatedRows(tag: String, rows: Int, seed: UInt64) -> [[String]] {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        var all: [[String]] = []
        for row in 0..<rows {
            let person = Int(rng.next() % UInt64(rows * 2 / 3))
            let email = pick(["p\(person)-\(tag)@example.org", " P\(person)-\(tag)@Example.ORG ", "p\(person)-\(tag)@example.org"])
            let languages = (0..<(1 + Int(rng.next() % 3))).map { _ in pick(["en", "fr", "de", "es", "zh", "ar", "pt"]) }.joined(separator: ";")
            let external = rng.next() % 10 == 0 ? "\(tag)-\(Int(rng.next() % UInt64(max(row, 1))))" : rng.next() % 7 == 0 ? "\(tag)\\\(row)" : "\(tag)-\(row)"
            let country = rng.next() % 50 == 0 ? "XX" : pick(["FR", "us", "IN", "BR"])
            let resume = pick(["", "plain", "tab\there, back\\slash", "\"quoted\"\nline two", "é ü 日本", "carriage\rreturn\r\nand CRLF"])
            let applied = pick(["", "2026-03-01", "2025-12-31T23:59:59Z", "2026-03-01 09:30:00.123+05:30", "2024-02-29T00:00Z",
                                "2026-03-01T09:30:00.1234567-08:00", "1900-01-01", "2999-12-31T23:59:59.999999+14:00"])
            all.append([rng.next() % 9 == 0 ? "" : external, "Person \(person)", email, country, rng.next() % 8 == 0 ? "" : languages,
                        pick(["medicine", "law;finance", "physics", "law", "medicine;physics"]),
                        pick(["phd", "md", "master", ""]), rng.next() % 6 == 0 ? "" : String(rng.next() % 40), pick(["linkedin", "referral", "back\\slash agency"]),
                        applied, resume, pick(["", "", "+33 6 12 34 56 \(person % 100)", "0044 20 7946 \(person % 10000)"])])
        }
        return all
    }

    func counts(_ summary: Intake.Summary) -> [Int] {
        [summary.rowsRead, summary.newExperts, summary.applicationsForKnownExperts, summary.alreadyImported, summary.repeatedInFile,
         summary.openApplicationExists, summary.rowsInvalid, summary.conflicts]
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
        #expect(counts(fast) == counts(reference))
        #expect(fast.rowsRejected > 0 && fast.repeatedInFile > 0 && fast.applicationsForKnownExperts > 0)
        #expect(fast.firstDuplicates == reference.firstDuplicates)
        #expect(fast.firstRejections == reference.firstRejections)
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

    @Test("a second file full of known people, repeated applications, closed applications and conflicts: both ways decide alike",
          arguments: [3, 4])
    func secondFileAgreesWithMerge(seed: UInt64) throws {
        let tag = "s\(UUID().uuidString.prefix(8).lowercased())"
        let firstFile = try generatedFile(tag: tag, rows: 3000, seed: seed)
        for (url, method) in [(direct, Intake.Method.direct), (merged, .merge)] {
            _ = try run(url, firstFile, method: method)
            // Some applications move on (closed ones do not block a new one); some people are merged.
            let connection = try Connection(url)
            // (By a hash of the key: application ids differ between the two ways.)
            try connection.execute("UPDATE applications SET status = 'rejected' WHERE external_id LIKE $1 AND abs(hashtext(external_id)) % 5 = 0", ["%\(tag)%"])
            try connection.execute("UPDATE applications SET status = 'invited' WHERE external_id LIKE $1 AND abs(hashtext(external_id)) % 5 = 1", ["%\(tag)%"])
        }
        // Merge the same pairs in both databases (the first two people of each of a few pairs, by email).
        for url in [direct, merged] {
            let connection = try Connection(url)
            let emails: [String] = try connection.query("SELECT email FROM experts WHERE email LIKE $1 ORDER BY email LIMIT 6", ["%-\(tag)@example.org"])
                .map { try $0.decode("email") }
            for pair in stride(from: 0, to: emails.count - 1, by: 2) {
                _ = try ExpertMerger(connection: connection).merge(keep: emails[pair], other: emails[pair + 1], reason: "test", actor: "tester")
            }
        }
        // The second file, from the first one's rows: a quarter as they were (already imported), a
        // quarter with new external ids (the same people: open applications, or a new domain), a
        // quarter with another row's email (conflicts), a quarter of new people.
        var rows: [[String]] = []
        for (index, row) in generatedRows(tag: tag, rows: 3000, seed: seed).enumerated() {
            var row = row
            switch index % 4 {
            case 0: break
            case 1:
                row[0] = row[0].isEmpty ? "" : row[0] + "-b"
                if index % 8 == 1 { row[5] = "chemistry;" + row[5] }
            case 2: row[2] = "p\(index)-\(tag)@example.org"
            default:
                row[0] = "\(tag)-new-\(index)"
                row[2] = "new\(index)-\(tag)@example.org"
            }
            rows.append(row)
        }
        let second = try temporaryFile(text(of: rows))
        let fast = try run(direct, second, method: .direct)
        let reference = try run(merged, second, method: .merge)
        #expect(fast.method == .direct && reference.method == .merge)
        #expect(counts(fast) == counts(reference))
        #expect(fast.alreadyImported > 0 && fast.openApplicationExists > 0 && fast.conflicts > 0 && fast.applicationsForKnownExperts > 0, "\(counts(fast))")
        #expect(fast.firstDuplicates.map(\.line) == reference.firstDuplicates.map(\.line))
        #expect(fast.firstRejections.map(\.line) == reference.firstRejections.map(\.line))
        #expect(try dump(direct, tag: tag) == dump(merged, tag: tag))
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
        #expect((summary.newExperts, summary.applicationsForKnownExperts) == (1, 1))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["li-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "zh"], "a later row's languages are unioned, sorted")
    }

    @Test("one person in many rows: every language is kept, however many (more than fit the packed set)")
    func manyLanguages() throws {
        let tag = "m\(UUID().uuidString.prefix(8).lowercased())"
        let rows = ["en;fr;de", "es;it;pt", "en;zh;ja;ko", "ar;hi", "fr"]
        let domains = ["law", "medicine", "physics", "chemistry", "finance"]
        var text = intakeHeader
        for (index, languages) in rows.enumerated() {
            text += "\(tag)-\(index),Polly Glot,polly-\(tag)@example.org,CH,\(languages),\(domains[index]),jd,20,s,,\n"
        }
        let path = try temporaryFile(text)
        let fast = try run(direct, path, method: .direct)
        let reference = try run(merged, path, method: .merge)
        #expect((fast.newExperts, fast.applicationsForKnownExperts) == (1, 4))
        #expect(try dump(direct, tag: tag) == dump(merged, tag: tag))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["polly-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh"])
        _ = reference
    }

    struct ExpertRow: Sendable, CustomStringConvertible {
        var email = "ok@example.org", name = "Name", country = "FR", languages = "{fr}", degree = "phd", years = 3, phone: String? = nil
        var description: String { "\(email)|\(name)|\(country)|\(languages)|\(degree)|\(years)|\(phone ?? "-")" }
    }

    @Test("the database refuses experts and applications that break a rule, whoever writes them", arguments: [
        ExpertRow(email: "Upper@example.org"), ExpertRow(email: " lead@example.org"), ExpertRow(email: "trail@example.org "),
        ExpertRow(email: "no-at-sign"), ExpertRow(name: " Name"), ExpertRow(name: "Name "), ExpertRow(name: ""),
        ExpertRow(country: "fr"), ExpertRow(country: "FRA"), ExpertRow(degree: "wizard"),
        ExpertRow(years: 71), ExpertRow(years: -1), ExpertRow(phone: "+33 6 12"), ExpertRow(phone: "12345"),
    ])
    func constraints(row: ExpertRow) throws {
        let connection = try Connection(direct)
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("""
                INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience, phone)
                VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
                """, [row.email, row.name, row.country, row.languages, row.degree, row.years, row.phone])
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

    @Test("a file that overlaps the database goes the direct way too, and the server logs nothing of anyone's data")
    func overlapGoesDirect() throws {
        let tag = "o\(UUID().uuidString.prefix(8).lowercased())"
        let first = try temporaryFile(intakeHeader + "\(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,\n")
        #expect(try run(direct, first, method: .automatic).method == .direct)
        // A new person, then Ana again (known email, new application), then a known application.
        let second = try temporaryFile(intakeHeader + """
            \(tag)-2,Bo,bo-\(tag)@example.org,SE,sv,law,jd,3,s,,
            \(tag)-3,Ana,ana-\(tag)@example.org,ES,en,law,md,8,s,,
            \(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,

            """)
        let summary = try run(direct, second, method: .automatic)
        #expect(summary.method == .direct && summary.mergeReason == nil)
        #expect((summary.newExperts, summary.applicationsForKnownExperts, summary.alreadyImported) == (1, 1, 1))
        let languages: [String] = try Connection(direct).query("SELECT languages FROM experts WHERE email = $1", ["ana-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "es"])
        if let cluster = try TestDatabase.embeddedCluster {
            let log = (try? String(contentsOf: cluster.logFile, encoding: .utf8)) ?? ""
            #expect(!log.contains(tag), "the server log holds no line with the file's data")
        }
    }

    @Test("the summary says why an automatic import merged, and says nothing when it went directly or was asked to merge")
    func mergeReason() throws {
        let tag = "w\(UUID().uuidString.prefix(8).lowercased())"
        let first = try temporaryFile(intakeHeader + "\(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,s,,\n")
        let direct = try run(self.direct, first, method: .automatic)
        #expect(direct.method == .direct && direct.mergeReason == nil)
        // A row with more than eight languages cannot be decided in memory.
        let many = try temporaryFile(intakeHeader + "\(tag)-2,Ana,ana-\(tag)@example.org,ES,en;fr;de;es;it;pt;nl;sv;da,law,md,8,s,,\n")
        let fallback = try run(self.direct, many, method: .automatic)
        #expect(fallback.method == .merge)
        let reason = try #require(fallback.mergeReason)
        #expect(reason.contains("more than 8 languages"), "\(reason)")
        #expect(fallback.applicationsForKnownExperts == 1)
        let asked = try run(self.direct, first, method: .merge)
        #expect(asked.method == .merge && asked.mergeReason == nil)
        // The reason travels with the summary (the CLI's JSON output).
        let json = String(decoding: try JSONEncoder().encode(fallback), as: UTF8.self)
        #expect(json.contains("\"mergeReason\""))
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
