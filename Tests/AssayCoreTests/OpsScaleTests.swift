@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import IntakeEngine
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Roster export from roster_entries: filters, formula-safe CSV cells, pseudonym order", .serialized)
struct RosterEntriesTests {
    let history: PromotionHistory
    var connection: Connection { history.connection }

    init() throws {
        history = try PromotionHistory("roster_entries")
        if try connection.query("SELECT count(*)::int FROM events WHERE action LIKE 'pool.%'").one().decode(0, as: Int.self) == 0 {
            _ = try Pool(connection: connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t")
        }
    }

    func export(_ format: Roster.Format, key: String? = nil, filter: Roster.Filter = .init()) throws -> String {
        var bytes: [UInt8] = []
        try Roster(connection: connection).export(format: format, filter: filter, pseudonymKey: key) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    func csvRows(_ text: String) throws -> [[String]] {
        let path = "\(TemporaryFolder.root)/assay-roster-entries-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path)
        var rows: [[String]] = []
        while try reader.advance() { rows.append(reader.fields) }
        return rows
    }

    @Test("the SQL rule for CSV cells is CSVText's: formulas get an apostrophe, plain numbers stay", arguments: [
        "=1+2", "+1", "-1", "-1.5", "+.5", "-.5e-3", "-1e5", "-1.e5", "-5.", "-.", "-", "+", "@SUM(A1)", "\tx", "\rx", "-1-1", "+-1",
        "-0x10", "-inf", "-nan", "-1e", "1e5", "plain", "", " =x", "--1", "-1,5", "-1E+07", "=", "@", "-١٢",
    ])
    func cellRule(cell: String) throws {
        let neutralised: String = try connection.query("SELECT assay_csv_cell($1) AS c", [cell]).one().decode("c")
        #expect((neutralised != cell) == CSVText.startsLikeFormula(cell), "\(cell.debugDescription)")
        if neutralised != cell { #expect(neutralised == "'" + cell) }
    }

    @Test("names, emails and languages that a spreadsheet would run are neutralised in CSV only; JSON keeps them as stored")
    func formulaCells() throws {
        let ids = try connection.query("SELECT DISTINCT expert_id FROM pool_members WHERE status = 'active' AND expires_at > now() ORDER BY expert_id LIMIT 3")
            .map { try $0.decode("expert_id", as: Int.self) }
        try #require(ids.count == 3)
        try connection.execute("UPDATE experts SET full_name = $2, email = $3 WHERE id = $1", [ids[0], "=HYPERLINK(\"http://evil.example\",\"x\")", "@cmd@example.org"])
        try connection.execute("UPDATE experts SET full_name = '-5' WHERE id = $1", [ids[1]])
        try connection.execute("UPDATE experts SET full_name = '+33 Dupont' WHERE id = $1", [ids[2]])
        #expect(try history.rosterDrift() == 0, "roster_entries follows the experts' changes")
        let rows = try csvRows(try export(.csv))
        let byID = Dictionary(rows.dropFirst().map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byID[String(ids[0])]?[1] == "'=HYPERLINK(\"http://evil.example\",\"x\")")
        #expect(byID[String(ids[0])]?[2] == "'@cmd@example.org")
        #expect(byID[String(ids[1])]?[1] == "-5", "a plain number stays a number")
        #expect(byID[String(ids[2])]?[1] == "'+33 Dupont")
        let json = try export(.jsonl).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(json.contains { $0["name"] as? String == "=HYPERLINK(\"http://evil.example\",\"x\")" && $0["expert_id"] as? Int == ids[0] })
        #expect(json.allSatisfy { $0["languages"] is [Any] && $0["expert_id"] is Int && $0["screen_id"] is Int })
    }

    @Test("a pseudonymized roster is in pseudonym order within each domain and tier, not in the order of the real ids")
    func pseudonymOrder() throws {
        let rows = try csvRows(try export(.csv, key: "a-key-of-enough-length"))
        let body = rows.dropFirst()
        #expect(body.count > 10)
        var previous: (String, String, String)?
        for row in body {
            let key = (row[5], row[6], row[0])  // domain, tier, pseudonymous id
            if let previous, previous.0 == key.0, previous.1 == key.1 { #expect(previous.2 < key.2, "\(previous) then \(key)") }
            previous = key
            #expect(row[0].count == 20 && row[0].allSatisfy(\.isHexDigit))
        }
        // The same members, in another order than the real ids would give.
        let plain = try csvRows(try export(.csv)).dropFirst()
        #expect(plain.count == body.count)
    }

    @Test("filters that are not given are not in the query; given ones compare with settings, never with the value in the SQL text")
    func absentFilters() throws {
        let bare = Roster.query(filter: .init(), pseudonymized: false)
        for setting in ["roster_domain", "roster_language", "roster_country", "roster_min_tier", "roster_key"] { #expect(!bare.contains(setting)) }
        let filtered = Roster.query(filter: .init(domain: "medicine", language: "fr", country: "FR", minTier: "specialist"), pseudonymized: true)
        for setting in ["roster_domain", "roster_language", "roster_country", "roster_min_tier", "roster_key"] { #expect(filtered.contains(setting)) }
        for value in ["'medicine'", "'fr'", "'FR'", "specialist"] { #expect(!filtered.contains(value)) }
        // And they select: by domain, by minimum tier (members of domains without that tier are left out).
        let medicine = try export(.jsonl, filter: .init(domain: "medicine")).split(separator: "\n")
        let expected: Int = try connection.query("SELECT count(*)::int FROM pool_roster WHERE status = 'active' AND domain = 'medicine'").one().decode(0)
        #expect(medicine.count == expected)
        let leads = try export(.jsonl, filter: .init(minTier: "member")).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(!leads.isEmpty && leads.allSatisfy { $0["domain"] as? String == "biochem" && ["lead", "member"].contains($0["tier"] as? String) })
        #expect(try export(.csv, filter: .init(country: "JP")).split(separator: "\n").count == 1, "only the header")
    }
}

@Suite("The shared-wrong-answer check through its index", .serialized)
struct SharedWrongAnswerTests {
    @Test("the indexed check finds exactly the screens the full comparison finds, voided screens left out")
    func sameAsFullComparison() throws {
        let connection = try Connection(try TestDatabase.url(for: "shared_wrong"))
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
        // The benchmark's generator (scripts/bench/screens.sql), 400 screens, without psql's variables.
        let items = try String(contentsOf: root.appendingPathComponent("scripts/bench/bench-items.sql"), encoding: .utf8)
        var script = try String(contentsOf: root.appendingPathComponent("scripts/bench/screens.sql"), encoding: .utf8)
        script = script.replacingOccurrences(of: "\\set ON_ERROR_STOP 1", with: "").replacingOccurrences(of: "\\ir bench-items.sql", with: items)
            .replacingOccurrences(of: ":'bank'", with: "'medicine-core'").replacingOccurrences(of: ":from", with: "1").replacingOccurrences(of: ":to", with: "400")
        try connection.executeScript("SELECT setseed(0.5);\n" + script)
        try connection.execute("UPDATE screens SET status = 'voided' WHERE id % 17 = 0")
        try connection.execute("ANALYZE")
        let screens = try connection.query("SELECT id FROM screens ORDER BY id").map { try $0.decode("id", as: Int.self) }
        #expect(screens.count == 400)
        var found = 0
        for screen in screens {
            func run(_ sql: String) throws -> [String] {
                try connection.query(sql, [screen, ScreenStatus.submittedValues]).map {
                    "\(try $0.decode("screen_id", as: Int.self)):\(try $0.decode("same", as: Int.self))/\(try $0.decode("both_wrong", as: Int.self))"
                }
            }
            let indexed = try run(IntegrityFlags.sharedWrongAnswers)
            #expect(indexed == (try run(IntegrityFlags.sharedWrongAnswersByScan)), "screen \(screen)")
            #expect(!indexed.contains { $0.hasPrefix("\(screen):") })
            found += indexed.count
        }
        #expect(found > 0, "the generated answers share wrong answers often enough to test the check")
        let plan = try connection.query("EXPLAIN " + IntegrityFlags.sharedWrongAnswers.replacingOccurrences(of: "$1", with: "\(screens[0])")
            .replacingOccurrences(of: "$2", with: "'{awaiting_review,scored}'::text[]")).map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
        #expect(plan.contains("screen_items_wrong_answer_idx"), "\(plan)")
    }
}

@Suite("Campaign invitations", .serialized)
struct CampaignTests {
    let fixture: ScreenFixture
    var connection: Connection { fixture.connection }

    init() throws {
        fixture = try ScreenFixture("campaigns")
        guard try fixture.int("SELECT count(*)::int FROM experts WHERE email LIKE 'camp%'") == 0 else { return }
        try connection.executeScript("""
            INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
            SELECT 'camp' || g || '@example.org', CASE WHEN g = 3 THEN '=cmd|x' ELSE 'Camp ' || g END, 'FR', '{fr}', 'md', 10 FROM generate_series(1, 30) g;
            INSERT INTO applications (expert_id, source, external_id, domains, applied_at)
            SELECT id, 'camp', email, CASE WHEN email LIKE 'camp2_@%' THEN '{physics}'::text[] ELSE '{medicine}'::text[] END,
                   now() - make_interval(days => 100 - regexp_replace(email, '[^0-9]', '', 'g')::int)
            FROM experts WHERE email LIKE 'camp%';
            """)
    }

    func codesFile() -> String { "\(TemporaryFolder.root)/assay-codes-\(UUID().uuidString).csv" }

    func sheet(_ path: String) throws -> [[String]] {
        let reader = try CSVReader(path: path)
        var rows: [[String]] = []
        while try reader.advance() { rows.append(reader.fields) }
        return rows
    }

    @Test("a campaign by domain and status invites in one go: a screen and a working code each, codes in a 0600 CSV, events, applications invited; open screens skipped")
    func byApplicants() throws {
        // camp1 has an open screen on the bank and, from another source, the earliest application still received:
        // skipped, and not counted in the limit.
        let first = try fixture.invitations.invite(expert: "camp1@example.org", bank: "medicine-core", expiresInDays: 7, actor: "r")
        try connection.execute("""
            INSERT INTO applications (expert_id, source, external_id, domains, applied_at)
            SELECT id, 'other', email, '{medicine}', now() - interval '200 days' FROM experts WHERE email = 'camp1@example.org'
            """)
        let before = try fixture.int("SELECT count(*)::int FROM events WHERE action = 'screen.invite'")
        let path = codesFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let campaign = try fixture.invitations.invite(.applicants(domain: "medicine", status: .received, limit: 12), bank: "medicine-core",
                                                      expiresInDays: 3, actor: "recruiter", codesFile: path)
        #expect(campaign.invited == 12)
        #expect(campaign.questions == 20)
        #expect(campaign.skipped.map(\.email) == ["camp1@example.org"])
        #expect(campaign.skipped.first?.reason.contains("screen \(first.screenID)") == true)
        #expect(campaign.notApplied.isEmpty)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        let rows = try sheet(path)
        #expect(rows.first == ["code", "email", "name", "expires_at", "screen_id"])
        #expect(rows.count == 13)
        #expect(rows.dropFirst().map { $0[1] } == (2...13).filter { $0 != 1 }.map { "camp\($0)@example.org" }, "those who applied first, first")
        #expect(rows.contains { $0[2] == "'=cmd|x" }, "a name a spreadsheet would run is neutralised")
        for row in rows.dropFirst() {
            let overview = try fixture.session.overview(code: row[0])
            #expect(overview.questionCount == 20 && overview.state == .notStarted)
            let screen = try #require(Int(row[4]))
            #expect(try fixture.int("SELECT count(*)::int FROM screen_items WHERE screen_id = $1", [screen]) == 20)
            #expect(try fixture.int("SELECT count(DISTINCT i.topic)::int FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [screen]) == 7)
        }
        #expect(try fixture.int("SELECT count(*)::int FROM events WHERE action = 'screen.invite'") == before + 12)
        #expect(try fixture.int("SELECT count(*)::int FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email LIKE 'camp%' AND a.status = 'invited'") == 13)
        #expect(try fixture.int("SELECT count(*)::int FROM screens s WHERE s::text LIKE $1", ["%\(InviteCode.normalize(rows[1][0]) ?? "?")%"]) == 0, "only hashes are stored")
        // Running it again invites the next ones: the invited are no longer 'received'.
        let next = try fixture.invitations.invite(.applicants(domain: "medicine", status: .received, limit: 100), bank: "medicine-core",
                                                  expiresInDays: 3, actor: "recruiter", codesFile: path)
        #expect(next.invited == 20 - 13)
    }

    @Test("a campaign from a file: emails or ids, comments and repeats; a warning for those who never applied for the bank's domain")
    func fromFile() throws {
        let experts = "\(TemporaryFolder.root)/assay-experts-\(UUID().uuidString).txt"
        let id = try fixture.int("SELECT id FROM experts WHERE email = 'camp25@example.org'")
        try Data("# physics applicants\ncamp21@example.org\n\n  CAMP22@example.org \n\(id)\ncamp21@example.org\n".utf8).write(to: URL(fileURLWithPath: experts))
        defer { try? FileManager.default.removeItem(atPath: experts) }
        let path = codesFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let campaign = try fixture.invitations.invite(.file(experts), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: path)
        #expect(campaign.invited == 3)
        #expect(campaign.duplicates == 1)
        #expect(campaign.notApplied == ["camp21@example.org", "camp22@example.org", "camp25@example.org"])
        #expect(try sheet(path).count == 4)
    }

    @Test("a file line naming nobody stops the campaign with its file and line; nothing is invited and no codes file is left")
    func unknownExpert() throws {
        let experts = "\(TemporaryFolder.root)/assay-experts-\(UUID().uuidString).txt"
        try Data("camp26@example.org\n\nnobody@example.org\n".utf8).write(to: URL(fileURLWithPath: experts))
        defer { try? FileManager.default.removeItem(atPath: experts) }
        let path = codesFile()
        let screens = try fixture.int("SELECT count(*)::int FROM screens")
        let error = try #require(throws: AssayError.self) {
            _ = try fixture.invitations.invite(.file(experts), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: path)
        }
        #expect(error.line == 3 && error.file == experts && error.message.contains("nobody@example.org") && error.exitStatus == 2)
        #expect(try fixture.int("SELECT count(*)::int FROM screens") == screens)
        #expect(!FileManager.default.fileExists(atPath: path))
        let malformed = try #require(throws: AssayError.self) {
            try Data("camp26@example.org, camp27@example.org\n".utf8).write(to: URL(fileURLWithPath: experts))
            _ = try fixture.invitations.invite(.file(experts), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: path)
        }
        #expect(malformed.line == 1 && malformed.message.contains("is not one email or expert id"))
        let overwrite = try #require(throws: AssayError.self) {
            try Data("camp26@example.org\n".utf8).write(to: URL(fileURLWithPath: experts))
            _ = try fixture.invitations.invite(.file(experts), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: experts)
        }
        #expect(overwrite.field == "codesFile" && overwrite.message.contains("is the input file"))
        let nobody = try #require(throws: AssayError.self) {
            _ = try fixture.invitations.invite(.applicants(domain: "law", status: .received, limit: nil), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: path)
        }
        #expect(nobody.message.contains("nobody was invited") && !FileManager.default.fileExists(atPath: path))
        let domain = try #require(throws: AssayError.self) {
            _ = try fixture.invitations.invite(.applicants(domain: "astrology", status: .received, limit: nil), bank: "medicine-core", expiresInDays: 7, actor: "r", codesFile: path)
        }
        #expect(domain.field == "domain" && domain.code == .notFound)
    }
}
