@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// The same generated pool history in a fresh database: experts, applications, passing and
/// failing screens on one- and two-bank policies (some voided, some flagged), and members in
/// every state (current, expired, suspended, at a lower tier). Seeded, so two databases get
/// identical rows.
struct PromotionHistory {
    let connection: Connection
    /// When the history was written: rows a promotion changes have `promoted_at` after it.
    let written: Date

    init(_ suite: String) throws {
        connection = try Connection(try TestDatabase.url(for: suite))
        try Migrator.shipped().migrate(connection)
        guard try connection.query("SELECT count(*)::int FROM domains WHERE slug = 'biochem'").one().decode(0, as: Int.self) == 0 else {
            written = try connection.query("SELECT now() AS t").one().decode("t")
            return
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
        let policy = PromotionPolicy(requiredBanks: ["medicine-core", "chemistry-core"], validityDays: 200, tiers: [
            .init(name: "lead", minScore: 88, degrees: ["md", "phd"], minYears: 5), .init(name: "member", minScore: 75), .init(name: "trainee", minScore: 70),
        ])
        try connection.execute("INSERT INTO domains (slug, name, description, policy) VALUES ('biochem', 'Biochemistry', 'two required banks', $1)",
                               [try PostgresJSON(encoding: policy)])
        try connection.executeScript("""
            SET max_parallel_workers_per_gather = 0;
            SELECT setseed(0.17);
            INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
            SELECT 'p' || g || '@example.org', 'Person ' || g, 'FR', '{en}', (ARRAY['md', 'phd', 'master', 'none'])[1 + g % 4], g % 12
            FROM generate_series(1, 400) g ORDER BY g;
            INSERT INTO applications (expert_id, source, external_id, domains, status, applied_at)
            SELECT id, 'gen', 'a' || id, CASE WHEN id % 3 = 0 THEN '{medicine,biochem}'::text[] ELSE '{medicine}'::text[] END,
                   (ARRAY['passed', 'failed', 'pooled', 'invited'])[1 + id % 4], now() - interval '700 days'
            FROM experts ORDER BY id;
            INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at,
                                 scored_at, score_percent, passed, flags)
            SELECT e.id, b.id, b.slug, encode(sha256(convert_to(e.id || '/' || b.slug || '/' || k, 'UTF8')), 'hex'),
                   CASE WHEN random() < 0.05 THEN 'voided' ELSE 'scored' END, 1, 40, 'gen', now(),
                   now() - make_interval(days => floor(random() * 600)::int), round((55 + random() * 45)::numeric, 1)::float8, NULL,
                   CASE WHEN random() < 0.15 THEN '[{"flag": "fast_answers", "positions": "1,2,3", "items": "20"}]'::jsonb ELSE '[]'::jsonb END
            FROM experts e CROSS JOIN banks b CROSS JOIN generate_series(1, 3) k
            WHERE b.slug IN ('medicine-core', 'chemistry-core') AND b.is_current AND random() < 0.5
            ORDER BY e.id, b.slug, k;
            UPDATE screens SET passed = score_percent >= 70;
            INSERT INTO pool_members (expert_id, domain, tier, tier_rank, status, score, evidence_screens, rule, promoted_at, expires_at)
            SELECT s.expert_id, 'medicine', t.name, t.rank, CASE WHEN random() < 0.1 THEN 'suspended' ELSE 'active' END, 80,
                   ARRAY[s.id], 'tier ' || t.name || ': generated', s.promoted, s.promoted + interval '365 days'
            FROM (SELECT DISTINCT ON (expert_id) expert_id, id, now() - make_interval(days => floor(random() * 700)::int) AS promoted
                  FROM screens WHERE bank_slug = 'medicine-core' AND expert_id % 2 = 0 ORDER BY expert_id, id) s
            CROSS JOIN LATERAL (SELECT (ARRAY['expert', 'specialist', 'contributor'])[r] AS name, r AS rank
                                FROM (SELECT 1 + (s.expert_id / 2) % 3 AS r) x) t
            ORDER BY s.expert_id;
            RESET max_parallel_workers_per_gather;
            """)
        written = try connection.query("SELECT now() AS t").one().decode("t")
    }

    /// The pool as promotion leaves it, without the times a run sets (whether a row changed in
    /// the run is kept).
    func poolRows() throws -> [String] {
        try connection.query("""
            SELECT concat_ws('|', expert_id, domain, tier, tier_rank, status, score, evidence_screens::text, rule, suspended_reason,
                             expires_at - promoted_at, promoted_at > $1) AS row
            FROM pool_members ORDER BY expert_id, domain
            """, [written]).map { try $0.decode("row") }
    }

    /// The events written after the history, in order, without ids and times.
    func events() throws -> [String] {
        try connection.query("""
            SELECT concat_ws('|', actor, action, subject_type, subject_id, reason, details::text) AS row
            FROM events WHERE occurred_at >= $1 ORDER BY id
            """, [written]).map { try $0.decode("row") }
    }

    func applications() throws -> [String] {
        try connection.query("SELECT id || '|' || status AS row FROM applications ORDER BY id").map { try $0.decode("row") }
    }

    /// Rows where roster_entries and what it should hold differ (empty when the triggers kept up).
    func rosterDrift() throws -> Int {
        try connection.query("""
            SELECT count(*)::int FROM ((TABLE roster_entries EXCEPT SELECT * FROM roster_entry_source)
                                       UNION ALL (SELECT * FROM roster_entry_source EXCEPT TABLE roster_entries)) d
            """).one().decode(0)
    }
}

@Suite("Set-based promotion and integrity flags", .serialized)
struct PromotionScaleTests {
    @Test("the set-based promotion makes the row-by-row one's decisions: same changes, pool rows, applications and events on the same data")
    func sameAsRowByRow() throws {
        let old = try PromotionHistory("promote_rows"), new = try PromotionHistory("promote_set")
        #expect(try old.poolRows() == new.poolRows(), "the two databases start equal")
        let before = try old.poolRows()
        let oldChanges = try Pool(connection: old.connection).promoteRowByRow(domain: nil, dryRun: false, actor: "t")
        let promotion = try Pool(connection: new.connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(oldChanges) == encoder.encode(promotion.changes))
        #expect(promotion.held.isEmpty)
        // Every kind of change happens in this history.
        for action in ["promote", "raise", "renew"] { #expect(oldChanges.contains { $0.action == action }, "\(action)") }
        #expect(Set(oldChanges.map(\.domain)).isSuperset(of: ["biochem", "medicine"]))
        #expect(try old.poolRows() != before)
        #expect(try old.poolRows() == new.poolRows())
        #expect(try old.events() == new.events())
        #expect(try old.events().count == oldChanges.count)
        #expect(try old.applications() == new.applications())
        #expect(try new.rosterDrift() == 0, "roster_entries follows set-based promotion")
        #expect(try old.rosterDrift() == 0, "and one change at a time")
        // A second run agrees too. (It is not empty: an expired member renewed on a lower latest
        // result is raised again on their best one by the next run, in both implementations.)
        let oldAgain = try Pool(connection: old.connection).promoteRowByRow(domain: nil, dryRun: false, actor: "t")
        let newAgain = try Pool(connection: new.connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t").changes
        #expect(try encoder.encode(oldAgain) == encoder.encode(newAgain))
        let renewed = Set(oldChanges.filter { $0.action == "renew" }.map(\.expertID))
        #expect(oldAgain.allSatisfy { $0.action == "raise" && renewed.contains($0.expertID) }, "\(oldAgain.map { "\($0.action) \($0.expertID)" })")
        #expect(try old.poolRows() == new.poolRows())
        #expect(try old.events() == new.events())
        #expect(try Pool(connection: new.connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t").changes.isEmpty)
    }

    @Test("roster_entries follows every kind of change to pool_members: promotion, suspension, reinstatement, a changed key, deletion, truncation")
    func rosterFollowsEveryChange() throws {
        let history = try PromotionHistory("roster_follows")
        let pool = Pool(connection: history.connection)
        #expect(!(try pool.promote(domain: nil, dryRun: false, includeFlagged: true, actor: "t")).changes.isEmpty)
        #expect(try history.rosterDrift() == 0, "after a promotion (inserts and upserts)")
        let member = try history.connection.query("SELECT m.domain, e.email FROM pool_members m JOIN experts e ON e.id = m.expert_id ORDER BY m.expert_id LIMIT 1").one()
        let domain: String = try member.decode("domain"), email: String = try member.decode("email")
        try pool.setSuspended(true, expert: email, domain: domain, reason: "checking", actor: "t")
        #expect(try history.rosterDrift() == 0, "after a suspension")
        try pool.setSuspended(false, expert: email, domain: domain, reason: nil, actor: "t")
        try history.connection.execute("UPDATE pool_members SET tier_rank = tier_rank + 1, score = score - 0.05 WHERE domain = $1", [domain])
        #expect(try history.rosterDrift() == 0, "after a reinstatement and a set-based update")
        try history.connection.execute("UPDATE pool_members SET domain = 'biochem' WHERE domain = 'medicine' AND NOT EXISTS (SELECT 1 FROM pool_members o WHERE o.expert_id = pool_members.expert_id AND o.domain = 'biochem')")
        #expect(try history.rosterDrift() == 0, "after a changed key (the old entry goes)")
        try history.connection.execute("DELETE FROM pool_members WHERE expert_id = (SELECT min(expert_id) FROM pool_members)")
        #expect(try history.rosterDrift() == 0, "after a deletion")
        let entries: Int = try history.connection.query("SELECT count(*)::int FROM roster_entries").one().decode(0)
        #expect(entries > 0)
        try history.connection.execute("TRUNCATE pool_members")
        #expect(try history.connection.query("SELECT count(*)::int FROM roster_entries").one().decode(0) as Int == 0, "after a truncation")
    }

    @Test("screens with flags nobody cleared are held, listed with the flag in words; clearing them or --include-flagged lets them count")
    func flaggedScreensAreHeld() throws {
        let history = try PromotionHistory("promote_flags")
        let pool = Pool(connection: history.connection)
        let dry = try pool.promote(domain: nil, dryRun: true, actor: "t")
        #expect(!dry.held.isEmpty)
        for held in dry.held {
            #expect(!held.flaggedScreens.isEmpty)
            #expect(held.flaggedScreens.allSatisfy { $0.flags.map(\.summary) == ["fast answers on 3/20 items"] && !$0.cleared })
        }
        let flagged = Set(try history.connection.query("SELECT id FROM screens WHERE flags <> '[]'::jsonb").map { try $0.decode("id", as: Int.self) })
        #expect(dry.changes.allSatisfy { Set($0.evidenceScreens).isDisjoint(with: flagged) }, "no change rests on a flagged screen")
        #expect(try history.poolRows().allSatisfy { !$0.hasSuffix("|t") }, "a dry run writes nothing")

        // Staff clear one held screen: the next dry run uses it.
        let target = try #require(dry.held.first { $0.action == "promote" } ?? dry.held.first)
        let screen = try #require(target.flaggedScreens.first?.screenID)
        let staff = StaffScreens(connection: history.connection)
        let clearance = try staff.clearFlags(screenID: screen, reason: "timings checked with the candidate", actor: "reviewer")
        #expect(clearance.flags.map(\.summary) == ["fast answers on 3/20 items"])
        let event = try history.connection.query("SELECT actor, reason, details->>'flags' AS flags FROM events WHERE action = 'screen.clear_flags' AND subject_id = $1", [screen]).one()
        #expect(try event.decode("actor", as: String.self) == "reviewer")
        #expect(try event.decode("reason", as: String.self) == "timings checked with the candidate")
        let again = try #require(throws: AssayError.self) { try staff.clearFlags(screenID: screen, reason: "twice", actor: "reviewer") }
        #expect(again.message.contains("already cleared by reviewer"))
        let after = try pool.promote(domain: nil, dryRun: true, actor: "t")
        #expect(!after.held.contains { $0.flaggedScreens.contains { $0.screenID == screen } })
        #expect(after.changes.contains { $0.evidenceScreens.contains(screen) } || target.flaggedScreens.count > 1)

        // --include-flagged promotes on every screen; nothing is held.
        let all = try pool.promote(domain: nil, dryRun: true, includeFlagged: true, actor: "t")
        #expect(all.held.isEmpty)
        #expect(all.changes.contains { !Set($0.evidenceScreens).isDisjoint(with: flagged) })
    }

    @Test("clearing flags is refused with a reason: no such screen, a screen without flags, an empty reason")
    func clearFlagsRefusals() throws {
        let history = try PromotionHistory("promote_clear")
        let staff = StaffScreens(connection: history.connection)
        let clean: Int = try history.connection.query("SELECT min(id) FROM screens WHERE flags = '[]'::jsonb").one().decode(0)
        let flagged: Int = try history.connection.query("SELECT min(id) FROM screens WHERE flags <> '[]'::jsonb").one().decode(0)
        #expect(try #require(throws: AssayError.self) { try staff.clearFlags(screenID: 99_999_999, reason: "r", actor: "a") }.code == .notFound)
        #expect(try #require(throws: AssayError.self) { try staff.clearFlags(screenID: clean, reason: "r", actor: "a") }.message.contains("has no integrity flags"))
        #expect(try #require(throws: AssayError.self) { try staff.clearFlags(screenID: flagged, reason: "  ", actor: "a") }.field == "reason")
        let cleared: Int = try history.connection.query("SELECT count(*)::int FROM screens WHERE flags_cleared_at IS NOT NULL").one().decode(0)
        #expect(cleared == 0)
    }

    @Test("flags read in words, old and new stored forms alike")
    func flagWords() throws {
        let stored = """
            [{"flag": "fast_answers", "positions": "1,2,5"}, {"flag": "long_gap", "positions": "7"},
             {"flag": "shared_wrong_answers", "other_screen": "812", "same": "5 of 6"}, {"flag": "fast_answers", "positions": "1,2,3,4", "items": "20"}]
            """
        #expect(IntegrityFlag.read(stored, itemCount: 12).map(\.summary) == [
            "fast answers on 3/12 items", "long pause before item 7", "same wrong answers as screen 812 on 5 of 6 items", "fast answers on 4/20 items",
        ])
        let shared = try #require(IntegrityFlag.read(stored, itemCount: 12).dropFirst(2).first)
        #expect(shared.otherScreen == 812 && shared.same == 5 && shared.compared == 6)
        #expect(IntegrityFlag.read("[]", itemCount: 3).isEmpty)
        #expect(IntegrityFlag.read("not json", itemCount: 3).isEmpty)
    }
}
