@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Testing

/// A bank with the keys of issue 18 (credits, further numeric answers, graded short answers,
/// matching) syncs, reads back the same from the database, and scores.
@Suite("Syncing banks with credits and matching items", .serialized)
struct NewItemKindsSyncTests {
    static let bank = """
    slug: keys-core
    title: Keys
    domain: keys
    language: en
    settings: {items_per_screen: 4, time_limit_minutes: 10, pass_rule: {min_percent: 70}}
    items:
      - {id: single, type: single_choice, topic: t, difficulty: easy, prompt: Which?,
         options: [{text: a, credit: 100}, {text: b, credit: 50}, {text: c}]}
      - {id: numeric, type: numeric, topic: t, difficulty: easy, prompt: When?, answer: 1822,
         other_answers: [{answer: 1822, tolerance: 2, credit: 50}]}
      - {id: short, type: short_text, topic: t, difficulty: easy, prompt: Name?, accept: [infarction],
         accept_wildcard: [{pattern: 'heart *', credit: 50}]}
      - {id: match, type: matching, topic: t, difficulty: easy, prompt: Match.,
         pairs: [{prompt: Canada, answer: Ottawa}, {prompt: Italy, answer: Rome}], distractors: [Sydney]}
    """

    @Test func aBankWithTheNewKeysSyncsReadsBackAndScores() throws {
        let connection = try Connection(try TestDatabase.url(for: "newkeys"))
        try Migrator.shipped().migrate(connection)
        let root = try TemporaryFolder.make(prefix: "assay-keys-")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("slug: keys\nname: Keys\ndescription: Keys.\n".utf8).write(to: folder.appendingPathComponent("domain.yaml"))
        try Data(Self.bank.utf8).write(to: folder.appendingPathComponent("core.yaml"))
        let collection = BankLinter.lint(path: root.path)
        #expect(collection.diagnostics.isEmpty, "\(collection.diagnostics)")
        let report = try Catalog(connection: connection).sync(collection, actor: "tester")
        #expect(report.added == ["keys-core"])
        let (_, stored) = try Catalog(connection: connection).bank(slug: "keys-core")
        #expect(stored == collection.banks.first?.bank)
        let types: [String] = try connection.query("SELECT type FROM items WHERE bank_slug = 'keys-core' ORDER BY item_key").map { try $0.decode("type") }
        #expect(types == ["matching", "numeric", "short_text", "single_choice"])
        let items = Dictionary(uniqueKeysWithValues: stored.items.map { ($0.id, $0) })
        #expect(try ItemScoring.points(try #require(items["single"]), .choice(1)) == 0.5)
        #expect(try ItemScoring.points(try #require(items["numeric"]), .number(1823)) == 0.5)
        #expect(try ItemScoring.points(try #require(items["short"]), .text("Heart attack")) == 0.5)
        #expect(try ItemScoring.points(try #require(items["match"]), .matches([0, 2])) == 0.5)
    }
}
