import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

@Suite("Syncing banks into the database", .serialized)
struct CatalogTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "catalog"))
        try Migrator.shipped().migrate(connection)
    }

    static let shippedRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("interview-banks").path

    /// A private copy of one shipped domain, so the test can edit it.
    func copyOfDomain(_ slug: String) throws -> URL {
        let root = try TemporaryFolder.make(prefix: "assay-banks-")
        try FileManager.default.copyItem(atPath: "\(Self.shippedRoot)/\(slug)", toPath: root.appendingPathComponent(slug).path)
        return root
    }

    @Test("the shipped banks load, a second sync is a no-op, and a changed item makes a new version without touching the old one")
    func syncAndVersioning() throws {
        let root = try copyOfDomain("physics")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = Catalog(connection: connection)

        let first = try catalog.sync(BankLinter.lint(path: root.path), actor: "tester")
        #expect(first.added == ["physics-core"])
        let again = try catalog.sync(BankLinter.lint(path: root.path), actor: "tester")
        #expect(again.added.isEmpty && again.changed.isEmpty && again.unchanged == ["physics-core"])

        let itemsBefore: Int = try connection.query("SELECT count(*) AS n FROM items WHERE bank_slug = 'physics-core'")[0].decode("n")
        let firstItem = try #require(try catalog.bank(slug: "physics-core").bank.items.first)
        let originalContent: String = try connection.query(
            "SELECT content::text AS c FROM items WHERE bank_slug = 'physics-core' AND item_key = $1", [firstItem.id])[0].decode("c")

        // Edit one item's prompt in the file.
        let file = root.appendingPathComponent("physics/core.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let marker = "    prompt: |\n"
        let range = try #require(text.range(of: marker))
        text.replaceSubrange(range, with: marker + "      (Revised.)\n")
        try Data(text.utf8).write(to: file)

        let changed = try catalog.sync(BankLinter.lint(path: root.path), actor: "tester")
        #expect(changed.changed == ["physics-core v2"])
        let (summary, bank) = try catalog.bank(slug: "physics-core")
        #expect(summary.version == 2)
        #expect(bank.items.first?.prompt.hasPrefix("(Revised.)") == true)
        let itemsAfter: Int = try connection.query("SELECT count(*) AS n FROM items WHERE bank_slug = 'physics-core'")[0].decode("n")
        #expect(itemsAfter == itemsBefore + 1, "only the edited item gets a new version; the others are shared")
        let old: String = try connection.query(
            "SELECT i.content::text AS c FROM items i JOIN bank_items bi ON bi.item_id = i.id JOIN banks b ON b.id = bi.bank_id WHERE b.slug = 'physics-core' AND b.version = 1 AND i.item_key = $1",
            [firstItem.id])[0].decode("c")
        #expect(old == originalContent, "version 1 still shows the item exactly as it was")

        // Stored item versions cannot be changed in place, even by hand.
        let error = try #require(throws: PostgresError.self) { try connection.execute("UPDATE items SET topic = 'x' WHERE bank_slug = 'physics-core'") }
        #expect(error.code == "42501")
        #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM banks WHERE slug = 'physics-core'") }

        // Every sync leaves an event.
        let events: Int = try connection.query("SELECT count(*) AS n FROM events WHERE action = 'bank.sync' AND actor = 'tester'")[0].decode("n")
        #expect(events == 3)
    }

    @Test("banks with errors are refused and nothing is written")
    func refusesErrors() throws {
        let root = try copyOfDomain("finance")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("finance/core.yaml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "items_per_screen: 20", with: "items_per_screen: 500")
        try Data(text.utf8).write(to: file)
        #expect(throws: AssayError.self) { try Catalog(connection: connection).sync(BankLinter.lint(path: root.path), actor: "tester") }
        #expect(try connection.query("SELECT count(*) AS n FROM banks WHERE slug = 'finance-core'")[0].decode("n", as: Int.self) == 0)
    }

    @Test("an unknown bank is a not-found error")
    func unknownBank() throws {
        let error = try #require(throws: AssayError.self) { _ = try Catalog(connection: connection).bank(slug: "nope") }
        #expect(error.code == .notFound)
    }
}
