@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import IntakeEngine
import Postgres
import Testing

@Suite("Pool and roster", .serialized)
struct PoolTests {
    let connection: Connection
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the demo on the first `rows` applicants of the sample file, once per test process.
    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pool"))
        try Migrator.shipped().migrate(connection)
        let already: Int = try connection.query("SELECT count(*)::int FROM pool_members")[0].decode(0)
        guard already == 0 else { return }
        let lines = try String(contentsOf: Self.repository.appendingPathComponent("examples/applications.csv"), encoding: .utf8)
            .split(separator: "\n").prefix(41).joined(separator: "\n") + "\n"
        let sample = "\(TemporaryFolder.root)/assay-pool-sample-\(UUID().uuidString).csv"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: sample))
        defer { try? FileManager.default.removeItem(atPath: sample) }
        _ = try Demo(connection: connection, banksPath: Self.repository.appendingPathComponent("interview-banks").path,
                     applicationsPath: sample, rosterPath: "\(TemporaryFolder.root)/assay-pool-roster-\(UUID().uuidString).csv", seed: 7) { _ in }.run()
    }

    func export(_ format: Roster.Format, key: String? = nil, filter: Roster.Filter = .init()) throws -> String {
        var bytes: [UInt8] = []
        try Roster(connection: connection).export(format: format, filter: filter, pseudonymKey: key) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("promotion is idempotent: a second run changes nothing, and every member has evidence and an event naming its rule")
    func idempotent() throws {
        #expect(try Pool(connection: connection).promote(domain: nil, dryRun: false, actor: "t").changes.isEmpty)
        let members: Int = try connection.query("SELECT count(*)::int FROM pool_members")[0].decode(0)
        #expect(members > 0)
        let events: Int = try connection.query("SELECT count(*)::int FROM events WHERE action = 'pool.promote' AND reason LIKE 'tier %'")[0].decode(0)
        #expect(events == members)
        let orphans: Int = try connection.query("SELECT count(*)::int FROM pool_members m WHERE NOT EXISTS (SELECT 1 FROM screens s WHERE s.id = m.evidence_screens[1] AND s.passed)")[0].decode(0)
        #expect(orphans == 0)
    }

    @Test("a membership must name an expert and a domain that exist, and neither can go while it does (checked per statement since migration 024)")
    func memberReferences() throws {
        /// The error of `sql` run in a transaction that is always rolled back.
        func failure(_ sql: String) throws -> PostgresError? {
            #expect(throws: PostgresError.self, "\(sql)") {
                try connection.withTransaction(rollingBack: true) { tx in try tx.executeScript(sql) }
            }
        }
        let member = "INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at) VALUES"
        let noExpert = try failure("\(member) (987654321, 'medicine', 'gold', 1, 90, '{1}', 'r', now())")
        #expect(noExpert?.code == .foreignKeyViolation)
        #expect(noExpert?.message.contains("expert 987654321 does not exist") == true)
        let noDomain = try failure("\(member) ((SELECT min(id) FROM experts), 'astrology', 'gold', 1, 90, '{1}', 'r', now())")
        #expect(noDomain?.code == .foreignKeyViolation)
        #expect(noDomain?.message.contains("domain 'astrology' does not exist") == true)
        // Many rows at once: one bad row among good ones fails the statement.
        let columns = "INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)"
        let mixed = try failure("\(columns) SELECT id, 'medicine', 'gold', 1, 90, '{1}'::bigint[], 'r', now() FROM experts UNION ALL SELECT -5, 'medicine', 'gold', 1, 90, '{1}'::bigint[], 'r', now() ON CONFLICT DO NOTHING")
        #expect(mixed?.code == .foreignKeyViolation)
        let moved = try failure("UPDATE pool_members SET domain = 'astrology' WHERE (expert_id, domain) = (SELECT expert_id, domain FROM pool_members ORDER BY 1, 2 LIMIT 1)")
        #expect(moved?.code == .foreignKeyViolation)
        // The referenced side: an expert with a membership (and no screen, so that only the
        // membership holds them) cannot be renumbered (nor deleted or truncated: migration 003
        // refuses that for every expert); a domain with members cannot be deleted or renamed.
        let lone = "INSERT INTO experts (id, email, full_name, country, languages) OVERRIDING SYSTEM VALUE VALUES (987654321, 'lone@example.org', 'Lone', 'FR', '{en}'); \(member) (987654321, 'medicine', 'gold', 1, 90, '{1}', 'r', now());"
        try connection.withTransaction(rollingBack: true) { tx in try tx.executeScript(lone) }
        for (change, says) in [("UPDATE experts SET id = 987654322 WHERE id = 987654321", "expert 987654321 is a pool member"),
                               ("UPDATE domains SET slug = 'medicine2' WHERE slug = 'medicine'", "domain 'medicine' has pool members"),
                               ("DELETE FROM domains WHERE slug = 'medicine'", "domain 'medicine' has pool members")] {
            let error = try failure(lone + change)
            #expect(error?.code == .foreignKeyViolation, "\(change)")
            #expect(error?.message.contains(says) == true, "\(change): \(error?.message ?? "")")
        }
        for change in ["DELETE FROM experts WHERE id = 987654321", "TRUNCATE experts CASCADE"] {
            #expect(try failure(lone + change)?.message.contains("experts are never deleted") == true, "\(change)")
        }
        // TRUNCATE domains CASCADE empties the pool, as the cascade of the former foreign key did.
        try connection.withTransaction(rollingBack: true) { tx in
            try tx.executeScript(lone + "TRUNCATE domains CASCADE;")
            #expect(try tx.query("SELECT count(*)::int FROM pool_members")[0].decode(0) as Int == 0)
        }
        // Without the membership the same expert may be renumbered.
        try connection.withTransaction(rollingBack: true) { tx in
            try tx.executeScript(lone + "DELETE FROM pool_members WHERE expert_id = 987654321; UPDATE experts SET id = 987654322 WHERE id = 987654321;")
        }
    }

    @Test("roster entries follow memberships written, updated and deleted; an entry left behind by disabled triggers stops the write with the way to rebuild (migration 025)")
    func rosterEntriesFollow() throws {
        let lone = """
            INSERT INTO experts (id, email, full_name, country, languages) OVERRIDING SYSTEM VALUE VALUES (987654320, 'roster@example.org', '=Roster', 'FR', '{en,fr}');
            """
        let member = "INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at) VALUES (987654320, 'medicine', 'gold', 1, 90, '{1}', 'r', now() + interval '1 day')"
        /// roster_entries' rows that differ from what roster_entry_source computes, both ways.
        func drift(_ tx: Connection) throws -> Int {
            try tx.query("""
                SELECT count(*)::int AS n FROM ((TABLE roster_entries EXCEPT TABLE roster_entry_source) UNION ALL (TABLE roster_entry_source EXCEPT TABLE roster_entries)) d
                """)[0].decode("n")
        }
        try connection.withTransaction(rollingBack: true) { tx in
            try tx.executeScript(lone + member)
            #expect(try tx.query("SELECT name_csv FROM roster_entries WHERE expert_id = 987654320")[0].decode("name_csv", as: String?.self) == "'=Roster")
            try tx.executeScript("UPDATE pool_members SET tier = 'silver', tier_rank = 2 WHERE expert_id = 987654320")
            #expect(try drift(tx) == 0)
            try tx.executeScript("UPDATE pool_members SET expert_id = (SELECT min(id) FROM experts WHERE id NOT IN (SELECT expert_id FROM pool_members WHERE domain = 'medicine')) WHERE expert_id = 987654320")
            #expect(try drift(tx) == 0)
            try tx.executeScript("DELETE FROM pool_members WHERE expert_id NOT IN (SELECT expert_id FROM pool_members ORDER BY 1 LIMIT 3)")
            #expect(try drift(tx) == 0)
        }
        var caught: PostgresError?
        do {
            try connection.withTransaction(rollingBack: true) { tx in
                // The membership goes with its delete trigger disabled: its entry stays behind.
                try tx.executeScript(lone + """
                    \(member);
                    ALTER TABLE pool_members DISABLE TRIGGER pool_members_roster_delete;
                    DELETE FROM pool_members WHERE expert_id = 987654320;
                    ALTER TABLE pool_members ENABLE TRIGGER pool_members_roster_delete;
                    """)
                try tx.executeScript(member)
            }
        } catch let error as PostgresError {
            caught = error
        }
        #expect(caught?.code == .uniqueViolation)
        #expect(caught?.message.contains("roster_entries already has an entry") == true, "\(caught?.message ?? "")")
        #expect(caught?.hint?.contains("INSERT INTO roster_entries SELECT * FROM roster_entry_source") == true)
    }

    @Test("experts show tells the evidence chain: application, screen, score, promotion, with times and actors")
    func evidenceChain() throws {
        let id: Int = try connection.query("SELECT expert_id FROM pool_members WHERE status = 'active' ORDER BY expert_id LIMIT 1")[0].decode(0)
        let profile = try ExpertDirectory(connection: connection).profile(String(id))
        let membership = try #require(profile.memberships.first)
        #expect(membership.promotedBy == "demo")
        #expect(membership.rule.hasPrefix("tier \(membership.tier):"))
        let screen = try #require(profile.screens.first { membership.evidenceScreens.contains($0.id) })
        #expect(screen.passed == true && screen.invitedBy == "demo")
        #expect(profile.applications.contains { $0.id == screen.applicationID })
        #expect(profile.events.contains { $0.action == "pool.promote" })
        #expect(profile.events.contains { $0.action == "screen.scored" })
    }

    @Test("re-vetting: an expired member with a newer passing screen is renewed; without newer evidence they stay expired")
    func renewal() throws {
        let rows = try connection.query("""
            SELECT m.expert_id, m.domain, s.scored_at FROM pool_members m JOIN screens s ON s.id = m.evidence_screens[1]
            WHERE m.status = 'active' AND (SELECT count(*) FROM pool_members o WHERE o.expert_id = m.expert_id) = 1
            ORDER BY m.expert_id DESC LIMIT 2
            """)
        try #require(rows.count == 2)  // two different experts, each a member of one domain only
        let renewed: Int = try rows[0].decode("expert_id"), stale: Int = try rows[1].decode("expert_id")
        // The first member's term began before their screen (so the screen is newer evidence) and has run out.
        try connection.execute("UPDATE pool_members SET promoted_at = $2::timestamptz - interval '400 days', expires_at = now() - interval '1 day' WHERE expert_id = $1",
                               [renewed, try rows[0].decode("scored_at", as: Date.self)])
        // The second member's term ran out too, but nothing newer than it exists.
        try connection.execute("UPDATE pool_members SET expires_at = now() - interval '1 day' WHERE expert_id = $1", [stale])
        // The demo's simulated candidates answer instantly: their screens are flagged, and used here as the demo uses them.
        let changes = try Pool(connection: connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t").changes
        #expect(changes.contains { $0.expertID == renewed && $0.action == "renew" })
        #expect(!changes.contains { $0.expertID == stale })
        let status: String = try connection.query("SELECT status FROM pool_roster WHERE expert_id = $1", [stale])[0].decode(0)
        #expect(status == "expired")
        try connection.execute("UPDATE pool_members SET expires_at = now() + interval '300 days' WHERE expert_id = $1", [stale])
    }

    @Test("voiding the evidence screen suspends the membership it supports")
    func voidingEvidence() throws {
        let row = try connection.query("SELECT expert_id, domain, evidence_screens[1] AS screen FROM pool_members WHERE status = 'active' ORDER BY expert_id LIMIT 1 OFFSET 3")[0]
        let expert: Int = try row.decode("expert_id"), screen: Int = try row.decode("screen"), domain: String = try row.decode("domain")
        try StaffScreens(connection: connection).void(screenID: screen, reason: "shared answers", actor: "t")
        let status: String = try connection.query("SELECT status FROM pool_roster WHERE expert_id = $1 AND domain = $2", [expert, domain])[0].decode(0)
        #expect(status == "suspended")
        #expect(try Pool(connection: connection).promote(domain: domain, dryRun: false, includeFlagged: true, actor: "t").changes.allSatisfy { $0.expertID != expert })
    }

    @Test("a dry run reports without writing")
    func dryRun() throws {
        let victim: Int = try connection.query("SELECT expert_id FROM pool_members ORDER BY expert_id LIMIT 1")[0].decode(0)
        let saved = try connection.query("SELECT domain FROM pool_members WHERE expert_id = $1", [victim])
        let domain: String = try saved[0].decode(0)
        // Drop the member inside a transaction we roll back, to see what a dry run would redo.
        try connection.executeScript("BEGIN")
        try connection.execute("DELETE FROM pool_members WHERE expert_id = $1", [victim])
        let flagged = try Pool(connection: connection).promote(domain: domain, dryRun: true, actor: "t")
        #expect(!flagged.changes.contains { $0.expertID == victim }, "the demo's screens are flagged fast_answers: held")
        #expect(flagged.held.contains { $0.expertID == victim && $0.action == "promote" && $0.flaggedScreens.allSatisfy { $0.flags.contains { $0.summary.hasPrefix("fast answers on ") } } })
        let changes = try Pool(connection: connection).promote(domain: domain, dryRun: true, includeFlagged: true, actor: "t").changes
        #expect(changes.contains { $0.expertID == victim && $0.action == "promote" })
        try connection.executeScript("ROLLBACK")
    }

    @Test("suspended and expired members leave exports and show their status in listings")
    func suspensionAndExpiry() throws {
        // Two different experts, each a member of one domain only (a second membership would keep
        // their email in the export, and the expiry below is set per expert).
        let rows = try connection.query("""
            SELECT m.expert_id, m.domain, e.email FROM pool_members m JOIN experts e ON e.id = m.expert_id
            WHERE m.status = 'active' AND (SELECT count(*) FROM pool_members o WHERE o.expert_id = m.expert_id) = 1
            ORDER BY m.expert_id LIMIT 2
            """)
        try #require(rows.count == 2)
        let (suspended, expired): (String, String) = (try rows[0].decode("email"), try rows[1].decode("email"))
        let pool = Pool(connection: connection)
        try pool.setSuspended(true, expert: suspended, domain: try rows[0].decode("domain"), reason: "quality review", actor: "t")
        try connection.execute("UPDATE pool_members SET expires_at = now() - interval '1 day' WHERE expert_id = $1", [try rows[1].decode("expert_id", as: Int.self)])
        let csv = try export(.csv)
        #expect(!csv.contains(suspended) && !csv.contains(expired))
        #expect(try pool.list(domain: nil, tier: nil, status: "expired", language: nil, country: nil).contains { $0.email == expired })
        #expect(try pool.list(domain: nil, tier: nil, status: "suspended", language: nil, country: nil).contains { $0.email == suspended })
        try pool.setSuspended(false, expert: suspended, domain: try rows[0].decode("domain"), reason: nil, actor: "t")
        #expect(try export(.csv).contains(suspended))
        try connection.execute("UPDATE pool_members SET expires_at = now() + interval '300 days' WHERE expert_id = $1", [try rows[1].decode("expert_id", as: Int.self)])
    }

    @Test("pseudonyms are stable across runs, differ under another key, and hide names and emails")
    func pseudonyms() throws {
        let plain = try export(.csv)
        let first = try export(.csv, key: "key-one-0123456789")
        let again = try export(.csv, key: "key-one-0123456789")
        let other = try export(.csv, key: "key-two-0123456789")
        #expect(first == again)
        #expect(first != other)
        // Exports hold active members only (another test leaves a voided member suspended).
        let emails = try connection.query("SELECT email FROM pool_roster WHERE status = 'active'").map { try $0.decode(0, as: String.self) }
        for email in emails { #expect(plain.contains(email) && !first.contains(email)) }
        #expect(first.contains("@pseudonym.invalid"))
        // Ids are pseudonymous too, so rosters made with different keys cannot be joined.
        let ids = try connection.query("SELECT expert_id::text FROM pool_roster WHERE status = 'active'").map { try $0.decode(0, as: String.self) }
        let firstColumn = first.split(separator: "\n").dropFirst().map { String($0.split(separator: ",").first ?? "") }
        #expect(Set(firstColumn).isDisjoint(with: ids))
    }

    @Test("CSV, JSON Lines and JSON parse back, with names holding commas, quotes, newlines and other scripts")
    func formats() throws {
        let id: Int = try connection.query("SELECT m.expert_id FROM pool_members m WHERE m.status = 'active' ORDER BY m.expert_id DESC LIMIT 1")[0].decode(0)
        let tricky = "Zoë \"Z\" O'Brien, Jr.\n李小龙 عائشة"
        try connection.execute("UPDATE experts SET full_name = $2 WHERE id = $1", [id, tricky])
        let members: Int = try connection.query("SELECT count(*)::int FROM pool_roster WHERE status = 'active'")[0].decode(0)

        let jsonl = try export(.jsonl)
        let objects = try jsonl.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == members)
        #expect(objects.contains { $0["name"] as? String == tricky })
        #expect(objects.allSatisfy { $0["languages"] is [Any] })

        let json = try export(.json)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(array.count == members)
        #expect(array.contains { $0["name"] as? String == tricky })

        let path = "\(TemporaryFolder.root)/assay-roster-\(UUID().uuidString).csv"
        try Data(try export(.csv).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path)
        #expect(try reader.advance())
        #expect(reader.fields == ["expert_id", "name", "email", "country", "languages", "domain", "tier", "score", "screen_id", "bank_slug", "bank_version", "promoted_at", "expires_at"])
        var rows = 0
        var found = false
        while try reader.advance() {
            rows += 1
            #expect(reader.fields.count == 13)
            if reader.fields[1] == tricky { found = true }
        }
        #expect(rows == members)
        #expect(found)

        // Zero rows: JSON is still valid, CSV still has its header.
        let none = Roster.Filter(domain: "no-such-domain")
        #expect(try export(.json, filter: none) == "[]\n")
        #expect(try JSONSerialization.jsonObject(with: Data(try export(.json, filter: none).utf8)) as? [Any] != nil)
        #expect(try export(.csv, filter: none).hasPrefix("expert_id,name"))
        #expect(try export(.jsonl, filter: none).isEmpty)
    }

    @Test("filters select by domain, language and minimum tier")
    func filters() throws {
        let all = try export(.jsonl).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let domain = try #require(all.first?["domain"] as? String)
        let onlyDomain = try export(.jsonl, filter: .init(domain: domain)).split(separator: "\n")
        #expect(onlyDomain.count == all.filter { $0["domain"] as? String == domain }.count)
        let experts = try export(.jsonl, filter: .init(minTier: "expert")).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(experts.allSatisfy { $0["tier"] as? String == "expert" })
        let specialistsUp = try export(.jsonl, filter: .init(minTier: "specialist")).split(separator: "\n").count
        #expect(specialistsUp >= experts.count)
    }
}
