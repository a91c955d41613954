@testable import AssayCore
import Foundation
import Postgres
import Testing

/// The hand-written JSON of the bulk paths' event details against `JSONEncoder`'s, byte for byte.
@Suite("Event details written by hand")
struct JSONObjectTextTests {
    static let strings = ["", "plain", #"say "hi""#, #"back\slash"#, "a/b", "tab\there", "line\nbreak\r\n", "\u{8}\u{C}",
                          "\u{0}\u{1}\u{1F}\u{7F}", "é 日本 🙂", "\u{202E}bidi\u{200B}", "</script>", "x\u{2028}y"]

    static func encoded(_ change: Pool.Change) throws -> String { try PostgresJSON(encoding: change).text }

    @Test("a promotion's change is written exactly as JSONEncoder writes it, whatever its strings and numbers")
    func changes() throws {
        let scores: [Double] = [0, 90, 87.3, 99.99, 70.05, 100, 1e-7, 33.333333333333336, 1e21, -0.0]
        for (index, text) in Self.strings.enumerated() {
            for score in scores {
                for previous in [nil, text] as [String?] {
                    let change = Pool.Change(action: "promote", expertID: index * 1_000_003, email: "\(text)@example.org", domain: text,
                                             tier: text, previousTier: previous, score: score, evidenceScreens: [index, 2, Int.max],
                                             rule: "score ≥ 85 — \(text)")
                    #expect(change.jsonText == (try Self.encoded(change)), "\(text.debugDescription) \(score)")
                }
            }
        }
        let empty = Pool.Change(action: "renew", expertID: 0, email: "", domain: "", tier: "", previousTier: nil, score: 0, evidenceScreens: [], rule: "")
        #expect(empty.jsonText == (try Self.encoded(empty)))
    }
}
