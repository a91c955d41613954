@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

@Suite("Pool review by work outcomes", .serialized)
struct PoolReviewTests {
    /// Its own database: the review suspends members, which other suites must not see.
    static let shared: Result<(url: String, fixture: OutcomesFixture), any Error> = Result {
        let url = try TestDatabase.url(for: "outcomes_review")
        let connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
        let fixture = try OutcomesFixture.build(on: connection, bankSlug: "medicine-core", candidates: 60, tag: "review")
        // Recent outcomes (ten days ago by the server's date) for every member.
        let recent: String = try connection.query("SELECT to_char(current_date - 10, 'YYYY-MM-DD') AS d").one().decode("d")
        let path = "\(TemporaryFolder.root)/assay-review-\(UUID().uuidString).csv"
        try Data(fixture.outcomesCSV(metric: "gold_accuracy", project: "review", periodEnd: recent).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Outcomes(connection: connection).importFile(.init(path: path, format: .csv, actor: "tester"))
        return (url, fixture)
    }

    let connection: Connection
    let fixture: OutcomesFixture

    init() throws {
        let shared = try Self.shared.get()
        connection = try Connection(shared.url)
        fixture = shared.fixture
    }

    @Test("A dry run lists who falls below the floor and writes nothing; the real run suspends exactly them with the outcomes as evidence")
    func suspendsBelowFloor() throws {
        let review = PoolReview(connection: connection)
        // The floor: the median of the members judged, so that about half fall below it.
        let floor: Double = try connection.query("""
            SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY value) AS floor FROM work_outcomes WHERE project = 'review' AND tasks >= 20
            """).one().decode("floor")
        let expected = try connection.query("""
            SELECT expert_id FROM work_outcomes WHERE project = 'review' AND value < $1 AND tasks >= 20 ORDER BY expert_id
            """, [floor]).map { try $0.decode("expert_id", as: Int.self) }
        try #require(!expected.isEmpty)
        let dry = try review.review(.init(metric: "gold_accuracy", floor: floor, minimumTasks: 20, dryRun: true, actor: "tester"))
        #expect(dry.map(\.expertId).sorted() == expected)
        #expect(dry.allSatisfy { $0.eventId == nil && $0.outcomeIds.count == 1 })
        let suspendedBefore: Int = try connection.query("SELECT count(*)::int FROM pool_members WHERE status = 'suspended'")[0].decode(0)
        #expect(suspendedBefore == 0)

        let done = try review.review(.init(metric: "gold_accuracy", floor: floor, minimumTasks: 20, actor: "tester"))
        #expect(done.map(\.expertId).sorted() == expected)
        let suspended = try connection.query("SELECT expert_id FROM pool_members WHERE status = 'suspended' ORDER BY expert_id").map { try $0.decode("expert_id", as: Int.self) }
        #expect(suspended == expected)
        let first = try #require(done.first)
        let event = try connection.query("SELECT action, reason, details->'outcome_ids' AS ids FROM events WHERE id = $1", [try #require(first.eventId)]).one()
        #expect(try event.decode("action", as: String.self) == "pool.suspend")
        #expect(try event.decode("reason", as: String.self).hasPrefix("work below the floor: gold_accuracy"))
        let profile = try ExpertDirectory(connection: connection).profile(String(first.expertId))
        #expect(profile.events.contains { $0.action == "pool.suspend" && ($0.reason ?? "").contains("gold_accuracy") })
        // Again: those already suspended are not active any more, so nothing happens.
        #expect(try review.review(.init(metric: "gold_accuracy", floor: floor, minimumTasks: 20, actor: "tester")).isEmpty)
    }

    @Test("Members with fewer tasks than the minimum are not judged")
    func minimumTasks() throws {
        let judged = try PoolReview(connection: connection).review(.init(metric: "gold_accuracy", floor: 2, minimumTasks: 1_000, dryRun: true, actor: "tester"))
        #expect(judged.isEmpty)
    }

    @Test("Refusals: an unknown metric, a floor on the wrong side of a lower-is-better metric, a bad window")
    func refusals() throws {
        let review = PoolReview(connection: connection)
        let metric = try #require(throws: AssayError.self) { try review.review(.init(metric: "happiness", floor: 1, actor: "t")) }
        #expect(metric.exitStatus == 2 && metric.field == "metric")
        let side = try #require(throws: AssayError.self) { try review.review(.init(metric: "rework_rate", floor: 0.2, actor: "t")) }
        #expect(side.message.contains("use --above"))
        let window = try #require(throws: AssayError.self) { try review.review(.init(metric: "gold_accuracy", floor: 0.5, windowDays: 0, actor: "t")) }
        #expect(window.field == "windowDays")
    }
}
