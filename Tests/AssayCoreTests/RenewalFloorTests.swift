@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// A database whose medicine policy has a renewal floor (gold_accuracy ≥ 0.8 over ≥ 50 tasks in
/// the last 180 days), read from a domain.yaml like a shipped one, and helpers to make members.
struct RenewalScene {
    let connection: Connection

    static func make(database: String, withoutOutcomes: String) throws -> RenewalScene {
        let connection = try Connection(try TestDatabase.url(for: database))
        try Migrator.shipped().migrate(connection)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = try TemporaryFolder.make(prefix: "assay-renewal-")
        defer { try? FileManager.default.removeItem(at: folder) }
        let medicine = folder.appendingPathComponent("medicine")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("interview-banks/medicine"), to: medicine)
        let domainFile = medicine.appendingPathComponent("domain.yaml")
        let yaml = try String(contentsOf: domainFile, encoding: .utf8)
            + "  renewal:\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n    without_outcomes: \(withoutOutcomes)\n"
        try Data(yaml.utf8).write(to: domainFile)
        let collection = BankLinter.lint(path: folder.path)
        #expect(collection.domains.first?.policy?.renewal?.withoutOutcomes.rawValue == withoutOutcomes)
        try Catalog(connection: connection).sync(collection, actor: "tester")
        return RenewalScene(connection: connection)
    }

    /// An expert with a passing medicine-core screen (85%, today); a member whose term began
    /// 400 days ago on an older screen and expired 35 days ago when `member`.
    func expert(_ name: String, member: Bool = true) throws -> Int {
        try connection.withTransaction { tx in
            let bankID: Int = try tx.query("SELECT id FROM banks WHERE slug = 'medicine-core' AND is_current").one().decode("id")
            let email = "\(name)@example.org"
            let expert: Int = try tx.query("""
                INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                VALUES ($1, $2, 'FR', ARRAY['fr','en'], 'md', 8) RETURNING id
                """, [email, name]).one().decode("id")
            var screens: [Int] = []
            for daysAgo in member ? [401, 0] : [0] {
                screens.append(try tx.query("""
                    INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by,
                                         invite_expires_at, scored_at, points_awarded, points_possible, score_percent, passed)
                    VALUES ($1, $2, 'medicine-core', encode(sha256(convert_to($3, 'UTF8')), 'hex'), 'scored', 1, 30, 'tester',
                            now(), now() - make_interval(days => $4::int), 17, 20, 85, true) RETURNING id
                    """, [expert, bankID, "\(email)/\(daysAgo)", daysAgo]).one().decode("id"))
            }
            if member {
                try tx.execute("""
                    INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, promoted_at, expires_at)
                    VALUES ($1, 'medicine', 'specialist', 2, 85, ARRAY[$2::bigint], 'tester', now() - interval '400 days', now() - interval '35 days')
                    """, [expert, screens[0]])
            }
            return expert
        }
    }

    /// Imports outcome rows (name, value, tasks, days before today the period ended) through the service.
    func importOutcomes(_ rows: [(String, Double, Int, Int)], project: String) throws {
        var text = "expert,domain,project,period_end,metric,value,tasks\n"
        for (name, value, tasks, daysAgo) in rows {
            let date: String = try connection.query("SELECT to_char(current_date - $1::int, 'YYYY-MM-DD')", [daysAgo])[0].decode(0)
            text += "\(name)@example.org,medicine,\(project),\(date),gold_accuracy,\(value),\(tasks)\n"
        }
        let path = "\(TemporaryFolder.root)/assay-renewal-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try Outcomes(connection: connection).importFile(.init(path: path, format: .csv, actor: "tester"))
        #expect(summary.rowsRejected == 0, "\(summary.firstRejections)")
    }

    func refusalEvents(_ expert: Int) throws -> [(reason: String, details: String)] {
        try connection.query("""
            SELECT reason, details::text FROM events WHERE action = 'pool.renewal_refused' AND subject_type = 'expert' AND subject_id = $1 ORDER BY id
            """, [expert]).map { (try $0.decode(0), try $0.decode(1)) }
    }

    func expired(_ expert: Int) throws -> Bool {
        try connection.query("SELECT expires_at <= now() FROM pool_members WHERE expert_id = $1 AND domain = 'medicine'", [expert])[0].decode(0)
    }
}

@Suite("Renewal at expiry against the domain's work-quality floor", .serialized)
struct RenewalFloorTests {
    @Test("Expired members are renewed only when their recent work meets the floor; members without enough outcomes are renewed by default; the refusal is an event, once")
    func floorWithDefaultRule() throws {
        let scene = try RenewalScene.make(database: "renewal_floor", withoutOutcomes: "renew")
        let good = try scene.expert("good"), poor = try scene.expert("poor"), few = try scene.expert("few"), none = try scene.expert("none")
        try scene.importOutcomes([("good", 0.9, 60, 30), ("poor", 0.6, 30, 30), ("few", 0.5, 10, 30), ("poor", 0.99, 1000, 400)], project: "p1")
        try scene.importOutcomes([("poor", 0.7, 30, 60)], project: "p2")
        let pool = Pool(connection: scene.connection)

        let dry = try pool.promote(domain: "medicine", dryRun: true, actor: "tester")
        #expect(dry.refused.map(\.expertID) == [poor])
        #expect(Set(dry.changes.map(\.expertID)) == [good, few, none])
        #expect(dry.changes.allSatisfy { $0.action == "renew" })
        #expect(try scene.refusalEvents(poor).isEmpty)
        #expect(try scene.expired(good))

        let real = try pool.promote(domain: "medicine", dryRun: false, actor: "tester")
        #expect(Set(real.changes.map(\.expertID)) == [good, few, none])
        let refusal = try #require(real.refused.first)
        #expect(real.refused.count == 1 && refusal.expertID == poor && refusal.action == "renew" && refusal.tier == "specialist")
        #expect(abs((refusal.value ?? 0) - 0.65) < 1e-9)
        #expect(refusal.tasks == 60)
        #expect(refusal.outcomeIds.count == 2)  // the row from 400 days ago is outside the window
        #expect(refusal.reason.contains("gold_accuracy 0.650 over 60 tasks is below the renewal floor"))
        #expect(try scene.expired(poor))
        #expect(try !scene.expired(good) && !scene.expired(few) && !scene.expired(none))
        let events = try scene.refusalEvents(poor)
        #expect(events.count == 1)
        #expect(events.first?.reason == refusal.reason)
        let shown = try ExpertDirectory(connection: scene.connection).profile("poor@example.org").events
        #expect(shown.contains { $0.action == "pool.renewal_refused" && $0.reason == refusal.reason })

        // The same data again: nothing changes, the refusal is reported but not recorded again.
        let again = try pool.promote(domain: "medicine", dryRun: false, actor: "tester")
        #expect(again.changes.isEmpty)
        #expect(again.refused.map(\.expertID) == [poor])
        #expect(try scene.refusalEvents(poor).count == 1)

        // Better work lifts the member over the floor: the next run renews them.
        try scene.importOutcomes([("poor", 0.95, 200, 10)], project: "p3")
        let lifted = try pool.promote(domain: "medicine", dryRun: false, actor: "tester")
        #expect(lifted.changes.map(\.expertID) == [poor])
        #expect(lifted.refused.isEmpty)
        #expect(try !scene.expired(poor))
    }

    @Test("Under without_outcomes: hold, members with too few recent tasks are not renewed, with the reason; new members are promoted without outcomes")
    func holdRule() throws {
        let scene = try RenewalScene.make(database: "renewal_floor_hold", withoutOutcomes: "hold")
        let good = try scene.expert("good"), few = try scene.expert("few"), none = try scene.expert("none"), newcomer = try scene.expert("newcomer", member: false)
        try scene.importOutcomes([("good", 0.85, 50, 1), ("few", 0.99, 49, 1)], project: "p1")
        let result = try Pool(connection: scene.connection).promote(domain: "medicine", dryRun: false, actor: "tester")
        #expect(Set(result.changes.map(\.expertID)) == [good, newcomer])
        #expect(result.changes.first { $0.expertID == newcomer }?.action == "promote")
        #expect(Set(result.refused.map(\.expertID)) == [few, none])
        let noneRefusal = try #require(result.refused.first { $0.expertID == none })
        #expect(noneRefusal.value == nil && noneRefusal.tasks == 0 && noneRefusal.outcomeIds.isEmpty)
        #expect(noneRefusal.reason.contains("too few recent outcomes"))
        #expect(result.refused.first { $0.expertID == few }?.reason.contains("(49 tasks of gold_accuracy in the last 180 days, 50 needed)") == true)
        #expect(try scene.refusalEvents(few).count == 1 && scene.refusalEvents(none).count == 1)
        #expect(try scene.expired(few) && scene.expired(none))
    }
}
