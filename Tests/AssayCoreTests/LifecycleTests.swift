@testable import AssayCore
import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Lifecycle statuses, the audit trail and expert references against the real schema", .serialized)
struct LifecycleTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "lifecycle"))
        try Migrator.shipped().migrate(connection)
    }

    /// The quoted values a CHECK constraint on `table.column` allows, read from the catalog.
    func allowedValues(table: String, column: String) throws -> Set<String> {
        let definitions: [String] = try connection.query("""
            SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
            WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%' || $2 || '%'
            """, [table, column]).map { try $0.decode("def") }
        let definition = try #require(definitions.first { $0.contains("ARRAY[") })
        let regex = try NSRegularExpression(pattern: "'([a-z_]+)'::text")
        let range = NSRange(definition.startIndex..., in: definition)
        return Set(regex.matches(in: definition, range: range).compactMap { Range($0.range(at: 1), in: definition).map { String(definition[$0]) } })
    }

    @Test("application statuses are exactly the values applications.status allows")
    func applicationStatusesMatchTheSchema() throws {
        #expect(Set(ApplicationStatus.allCases.map(\.rawValue)) == (try allowedValues(table: "applications", column: "status")))
    }

    @Test("screen statuses are exactly the values screens.status allows")
    func screenStatusesMatchTheSchema() throws {
        #expect(Set(ScreenStatus.allCases.map(\.rawValue)) == (try allowedValues(table: "screens", column: "status")))
    }

    @Test("stored pool member statuses are exactly the values pool_members.status allows; expired is only computed")
    func poolStatusesMatchTheSchema() throws {
        #expect(Set(PoolMemberStatus.stored.map(\.rawValue)) == (try allowedValues(table: "pool_members", column: "status")))
        let view: String = try connection.query("SELECT pg_get_viewdef('pool_roster'::regclass) AS def")[0].decode("def")
        #expect(view.contains("'\(PoolMemberStatus.expired.rawValue)'"))
    }

    @Test("no status moves backwards: pooled and rejected applications are never re-invited, and scored screens only come from review")
    func transitionsAreOneWay() {
        #expect(!ApplicationStatus.invited.allowedPredecessors.contains(.pooled))
        #expect(!ApplicationStatus.invited.allowedPredecessors.contains(.rejected))
        #expect(ApplicationStatus.pooled.allowedPredecessors == [.passed])
        #expect(ScreenStatus.scored.allowedPredecessors == [.awaitingReview])
        #expect(!ScreenStatus.voided.allowedPredecessors.contains(.voided))
        for status in ScreenStatus.allCases { #expect(!status.allowedPredecessors.contains(status) || status == .invited) }
    }

    @Test("the audit trail writes every field, with and without a subject, and refuses a malformed action")
    func auditTrailWritesEvents() throws {
        let trail = AuditTrail(connection)
        let first = try trail.record(.screenVoid, actor: "ops", subject: .screen(42), reason: "test", details: ["k": "v"])
        let second = try trail.record(.bankSync, actor: "ops")
        #expect(second > first)
        let row = try connection.query("SELECT actor, action, subject_type, subject_id, reason, details->>'k' AS k FROM events WHERE id = $1", [first])[0]
        #expect(try row.decode("action", as: String.self) == "screen.void")
        #expect(try row.decode("subject_type", as: String.self) == "screen")
        #expect(try row.decode("subject_id", as: Int.self) == 42)
        #expect(try row.decode("reason", as: String.self) == "test")
        #expect(try row.decode("k", as: String.self) == "v")
        let bare = try connection.query("SELECT subject_type, subject_id FROM events WHERE id = $1", [second])[0]
        #expect(try bare.decode("subject_type", as: String?.self) == nil)
        let error = try #require(throws: PostgresError.self) { try trail.record(AuditAction("Not An Action"), actor: "ops") }
        #expect(error.code == .checkViolation)
    }

    @Test("an expert is found by id or by email in any case with spaces around, and an unknown one is named in the error")
    func expertReferences() throws {
        let email = "ref-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let id: Int = try connection.query("""
            INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
            VALUES ($1, 'Ref', 'FR', '{fr}', 'phd', 3) RETURNING id
            """, [email])[0].decode("id")
        #expect(try ExpertReference(email).resolve(on: connection) == id)
        #expect(try ExpertReference("  \(email.uppercased()) ").resolve(on: connection) == id)
        #expect(try ExpertReference(String(id)).resolve(on: connection) == id)
        let missing = try #require(throws: AssayError.self) { try ExpertReference("nobody@example.org").resolve(on: connection) }
        #expect(missing.code == .notFound && missing.description.contains("nobody@example.org"))
        #expect(missing.exitStatus == 2)
    }
}
