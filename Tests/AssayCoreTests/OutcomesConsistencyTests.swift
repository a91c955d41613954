@testable import AssayCore
import AssayTesting
import Foundation
import Postgres
import Testing

/// work_outcomes has no foreign keys since migration 023 (the import resolves experts and domains
/// itself): these tests check that every change to experts and domains keeps it consistent — the
/// merge moves outcome rows, and a deleted expert or domain takes its outcomes with it.
@Suite("Work outcomes stay consistent with experts and domains", .serialized)
struct OutcomesConsistencyTests {
    let connection: Connection
    let domain: String

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "outcomes-consistency"))
        try Migrator.shipped().migrate(connection)
        domain = "consistency-\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("INSERT INTO domains (slug, name, description, policy) VALUES ($1, 'Consistency', 'test', '{}')", [domain])
    }

    /// A new expert who is a member of the test's domain pool.
    func member(_ name: String, tierRank: Int = 1) throws -> (id: Int, email: String) {
        let email = "\(name)-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let id: Int = try connection.query("""
            INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
            VALUES ($1, $2, 'FR', '{fr}', 'md', 5) RETURNING id
            """, [email, name]).one().decode("id")
        try connection.execute("""
            INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)
            VALUES ($1, $2, 'contributor', $3, 80, ARRAY[0]::bigint[], 'test', now() + interval '1 year')
            """, [id, domain, tierRank])
        return (id, email)
    }

    func importCSV(_ rows: [String]) throws -> Outcomes.ImportSummary {
        let path = try OutcomesDatabase.temporaryFile("expert,domain,project,period_end,metric,value,tasks\n" + rows.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Outcomes(connection: connection).importFile(.init(path: path, format: .csv, actor: "tester"))
    }

    func outcomes(of expert: Int) throws -> [String: Double] {
        var values: [String: Double] = [:]
        for row in try connection.query("SELECT project, period_end::text AS period, value FROM work_outcomes WHERE expert_id = $1", [expert]) {
            values["\(try row.decode("project", as: String.self)) \(try row.decode("period", as: String.self))"] = try row.decode("value")
        }
        return values
    }

    @Test("A merge moves the other's outcome rows to the person kept; on a clash the kept row stays and the dropped one is in the event")
    func mergeMovesOutcomes() throws {
        let keep = try member("keep"), other = try member("other", tierRank: 2)
        let summary = try importCSV([
            "\(keep.email),\(domain),alpha,2026-03-31,gold_accuracy,0.9,10",
            "\(other.email),\(domain),alpha,2026-03-31,gold_accuracy,0.4,30",  // clashes with keep's row
            "\(other.email),\(domain),alpha,2026-06-30,gold_accuracy,0.7,20",
            "\(other.email),\(domain),beta,2026-03-31,gold_accuracy,0.6,15",
        ])
        #expect(summary.inserted == 4 && summary.rowsRejected == 0)
        let result = try ExpertMerger(connection: connection).merge(keep: keep.email, other: other.email, reason: "same person", actor: "tester")
        #expect(result.outcomesMoved == 2 && result.outcomesDropped == 1)
        #expect(try outcomes(of: other.id).isEmpty)
        #expect(try outcomes(of: keep.id) == ["alpha 2026-03-31": 0.9, "alpha 2026-06-30": 0.7, "beta 2026-03-31": 0.6])
        let details = try connection.query("SELECT details FROM events WHERE id = $1", [result.eventID]).one().decode("details", as: PostgresJSON.self).text
        #expect(details.contains("\"outcomes_moved\": \"2\"") || details.contains("\"outcomes_moved\":\"2\""))
        #expect(details.contains("outcomes_dropped") && details.contains("0.4"))
        // Afterwards a client naming the merged record reaches the person kept.
        let again = try importCSV(["\(other.email),\(domain),gamma,2026-03-31,gold_accuracy,0.8,5"])
        #expect(again.inserted == 1 && again.rowsRejected == 0)
        #expect(try outcomes(of: keep.id)["gamma 2026-03-31"] == 0.8)
    }

    @Test("A merge without clashes moves every row and drops none")
    func mergeWithoutClash() throws {
        let keep = try member("keep"), other = try member("other")
        _ = try importCSV(["\(other.email),\(domain),alpha,2026-03-31,review_pass_rate,0.5,10",
                           "\(other.email),\(domain),alpha,2026-06-30,review_pass_rate,0.6,10"])
        let result = try ExpertMerger(connection: connection).merge(keep: String(keep.id), other: String(other.id), reason: "alias", actor: "tester")
        #expect(result.outcomesMoved == 2 && result.outcomesDropped == 0)
        #expect(try outcomes(of: keep.id).count == 2)
        let details = try connection.query("SELECT details FROM events WHERE id = $1", [result.eventID]).one().decode("details", as: PostgresJSON.self).text
        #expect(!details.contains("\"outcomes_dropped\""))
    }

    @Test("An expert with outcomes cannot be deleted (experts never are), so no outcome loses its person")
    func expertNeverDeleted() throws {
        let person = try member("person")
        _ = try importCSV(["\(person.email),\(domain),alpha,2026-03-31,gold_accuracy,0.5,10"])
        #expect(throws: PostgresError.self) {
            try connection.withTransaction { tx in
                try tx.execute("DELETE FROM pool_members WHERE expert_id = $1", [person.id])
                try tx.execute("DELETE FROM experts WHERE id = $1", [person.id])
            }
        }
        #expect(try outcomes(of: person.id).count == 1)
        #expect(try connection.query("SELECT 1 FROM experts WHERE id = $1", [person.id]).count == 1)
    }

    @Test("Truncating domains empties the outcomes recorded in them")
    func domainsTruncated() throws {
        // In a transaction rolled back: the shape of the rule, without emptying the suite's database.
        try connection.withTransaction(rollingBack: true) { tx in
            let person = try member("truncated")
            _ = person
            try tx.execute("INSERT INTO work_outcomes (expert_id, domain, project, period_end, metric, value, tasks, import_event) VALUES ($1, $2, 'p', '2026-03-31', 'gold_accuracy', 0.5, 3, 0)",
                           [person.id, domain])
            try tx.execute("TRUNCATE domains CASCADE")
            #expect(try tx.query("SELECT count(*)::int AS n FROM work_outcomes").one().decode("n", as: Int.self) == 0)
        }
    }

    @Test("Deleting a domain deletes the outcomes recorded in it")
    func domainDeleted() throws {
        let person = try member("person")
        let other = "consistency-other-\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("INSERT INTO domains (slug, name, description, policy) VALUES ($1, 'Other', 'test', '{}')", [other])
        try connection.execute("""
            INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)
            VALUES ($1, $2, 'contributor', 1, 80, ARRAY[0]::bigint[], 'test', now() + interval '1 year')
            """, [person.id, other])
        _ = try importCSV(["\(person.email),\(domain),alpha,2026-03-31,gold_accuracy,0.5,10",
                           "\(person.email),\(other),beta,2026-03-31,gold_accuracy,0.6,10"])
        try connection.withTransaction { tx in
            try tx.execute("DELETE FROM pool_members WHERE domain = $1", [other])
            try tx.execute("DELETE FROM domains WHERE slug = $1", [other])
        }
        #expect(try outcomes(of: person.id) == ["alpha 2026-03-31": 0.5])
    }
}
