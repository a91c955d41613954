import ArgumentParser
@testable import AssayCLI
@testable import AssayCore
import Foundation
import Testing

@Suite("Listing output: display width, tables, counts, suggestions, JSON keys (no database)")
struct ListingOutputTests {
    @Test("display width counts terminal columns: wide scripts two, combining marks and joiners none", arguments: [
        ("Ana Ruiz", 8), ("山田太郎", 8), ("김민준", 6), ("José", 4), ("Jose\u{301}", 4), ("Zoë Ünal", 8),
        ("محمد", 4), ("Ｆｕｌｌ", 8), ("👩‍⚕️", 2), ("🇫🇷", 2), ("a\u{200D}b", 2),
    ])
    func displayWidth(_ text: String, _ width: Int) {
        #expect(text.displayWidth == width)
    }

    @Test("a table pads by display width, so columns after names in any script line up")
    func alignment() {
        var table = TextTable([.init(title: "ID", alignRight: true), .init(title: "NAME"), .init(title: "EMAIL")])
        table.append(["1", "Ana Ruiz", "ana@example.org"])
        table.append(["22", "山田太郎", "taro@example.jp"])
        table.append(["333", "Jose\u{301} Müller", "jose@example.de"])
        let lines = table.lines
        #expect(lines[0] == " ID  NAME" + String(repeating: " ", count: 9) + "EMAIL")
        // The e-mail column (the last word of every line) starts at the same terminal column.
        let starts = lines.map { line -> Int in
            let last = String(line.split(separator: " ").last ?? "")
            return line.displayWidth - last.displayWidth
        }
        #expect(Set(starts) == [18], "\(lines)")
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test("a cell wider than its column's maximum is cut with an ellipsis, by display width")
    func truncation() {
        #expect("abcdefghij".truncated(5) == "abcd…")
        #expect("山田太郎山田".truncated(5) == "山田…")
        #expect("short".truncated(10) == "short")
        var table = TextTable([.init(title: "NAME", maxWidth: 6), .init(title: "X")])
        table.append(["a very long name", "1"])
        #expect(table.lines[1] == "a ver…  1")
    }

    @Test("the note of a cut listing groups digits by three and names --limit; an uncut listing has none")
    func note() {
        #expect(truncationNote(shown: 50, total: 200_024) == "showing 50 of 200,024 (--limit)")
        #expect(truncationNote(shown: 3, total: 3) == nil)
        #expect(grouped(0) == "0" && grouped(999) == "999" && grouped(1000) == "1,000" && grouped(1_234_567) == "1,234,567")
    }

    @Test("a wrong status or ISO code is refused with the values and the nearest one")
    func suggestions() throws {
        let status = try #require(throws: ValidationError.self) { _ = try ExpertsListCommand.Status.parse("pased") }
        #expect(status.message.contains("no application status 'pased'") && status.message.contains("did you mean 'passed'?"))
        #expect(try ExpertsListCommand.Status.parse(" Passed ") == .passed)
        let country = try #require(throws: ValidationError.self) { _ = try CountryCode.parse("UK") }
        #expect(country.message.contains("did you mean 'GB'?"))
        #expect(try CountryCode.parse("fr").code == "FR")
        let language = try #require(throws: ValidationError.self) { _ = try LanguageCode.parse("jp") }
        #expect(language.message.contains("did you mean 'ja'?"))
        #expect(Suggestion.nearest("medecine", in: ["law", "medicine", "physics"]) == ["medicine"])
        #expect(Suggestion.nearest("med", in: ["law", "medicine", "physics"]) == ["medicine"])
        #expect(Suggestion.didYouMean("astrology", in: ["law", "physics"]) != nil, "a far value still gets the nearest")
        let error = Suggestion.unknown("domain", "astrology", known: ["chemistry", "law"], field: "domain")
        #expect(error.exitStatus == 2 && error.message == "no domain 'astrology' (known: chemistry, law)" && error.hint?.hasPrefix("did you mean") == true)
        let none = Suggestion.unknown("domain", "law", known: [], field: "domain", whenNone: "run assay bank sync")
        #expect(none.message == "no domain 'law': there are none yet; run assay bank sync")
    }

    @Test("every --format json writes snake_case keys, stored JSON as nested objects, numbers as numbers")
    func jsonKeys() throws {
        struct Row: Encodable { var screenID: Int; var scorePercent: Double; var details: JSONValue; var flags: [IntegrityFlag] }
        let details = JSONValue(parsing: #"{"expertID": 3, "evidenceScreens": [4], "score_percent": 72.5, "nested": {"previousTier": "x"}}"#).snakeCased
        let flags = IntegrityFlag.read(#"[{"flag": "fast_answers", "positions": "1,2,3"}]"#, itemCount: 20)
        let text = try jsonText(ListingJSON(name: "screens", rows: [Row(screenID: 7, scorePercent: 72.5, details: details, flags: flags)], total: 9, limit: 1))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["total"] as? Int == 9 && object["shown"] as? Int == 1 && object["truncated"] as? Bool == true && object["limit"] as? Int == 1)
        let row = try #require((object["screens"] as? [[String: Any]])?.first)
        #expect(row["screen_id"] as? Int == 7 && row["score_percent"] as? Double == 72.5)
        let nested = try #require(row["details"] as? [String: Any])
        #expect(nested["expert_id"] as? Int == 3 && (nested["evidence_screens"] as? [Int]) == [4] && (nested["nested"] as? [String: Any])?["previous_tier"] as? String == "x")
        let flag = try #require((row["flags"] as? [[String: Any]])?.first)
        #expect(flag["positions"] as? [Int] == [1, 2, 3] && flag["item_count"] as? Int == 20 && flag["summary"] as? String == "fast answers on 3/20 items")
        let keys = try Regex(#""([A-Za-z_]+)" :"#)
        for match in text.matches(of: keys) {
            let key = String(text[match.range])
            #expect(key == key.lowercased(), "\(key) is snake_case")
        }
    }

    @Test("stored integrity flags read as sentences for people", arguments: [
        (#"[{"flag":"fast_answers","positions":"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"}]"#, 20, "fast answers on 17/20 items"),
        (#"[{"flag":"long_gap","positions":"5"}]"#, 20, "long pause before item 5"),
        (#"[{"flag":"long_gap","positions":"5,9"}]"#, 20, "long pauses before 2 items (5, 9)"),
        (#"[{"flag":"shared_wrong_answers","other_screen":"12","same":"4 of 5"}]"#, 20, "same wrong answers as screen 12 on 4 of 5 items"),
        (#"[{"flag":"copy_paste","positions":[2,3]}]"#, 10, "copy paste on 2/10 items"),
    ])
    func flagSentences(_ stored: String, _ items: Int, _ sentence: String) {
        #expect(IntegrityFlag.read(stored, itemCount: items).map(\.summary) == [sentence])
    }

    @Test("JSON keys become snake_case the way --format json writes struct keys")
    func snakeCase() {
        #expect(JSONValue.snakeCase("expertID") == "expert_id")
        #expect(JSONValue.snakeCase("evidenceScreens") == "evidence_screens")
        #expect(JSONValue.snakeCase("HTTPServer") == "http_server")
        #expect(JSONValue.snakeCase("score_percent") == "score_percent")
        #expect(JSONValue.snakeCase("seA") == "se_a")
    }

    /// Every command under `command`, itself included.
    static func commands(_ command: any ParsableCommand.Type) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { commands($0) }
    }

    @Test("every command's help has an example, and every option a help text")
    func helpExamples() {
        let all = Self.commands(Assay.self)
        #expect(all.count >= 40)
        for command in all {
            let help = Assay.helpMessage(for: command)
            #expect(help.contains("Example"), "\(command.configuration.commandName ?? "assay") has no example")
            #expect(!help.contains("<no help>"))
        }
    }

    @Test("--version prints the version")
    func version() {
        #expect(Assay.configuration.version == AssayVersion.current)
        #expect(AssayVersion.current.split(separator: ".").count == 3)
    }
}
