import Banks
import Foundation
import Testing

/// Bank files and GIFT files built to exhaust the machine (issue 15, items 5 and 6).
@Suite("Hostile bank and GIFT files")
struct HostileBankInputTests {
    /// A YAML "billion laughs" whose aliases are mapping keys: Yams hashes every key in full, so
    /// each level multiplied the time (1 s, 16 s, 98 s, then hours). `levels` 4 is quick enough
    /// for the old reader to finish, so that this test fails on it rather than hangs.
    static func aliasBomb(levels: Int) -> String {
        var lines = ["a0: &a0 [x]"]
        for level in 1...levels {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 6).joined(separator: ",") + "]")
        }
        lines.append("b: {? *a\(levels) : 1, ? [*a\(levels)] : 2}")
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("an alias bomb is refused at its first alias, with its line and column, before anything is expanded")
    func aliasBomb() {
        let (bank, diagnostics) = BankReader.bank(from: Self.aliasBomb(levels: 4), file: "bomb.yaml")
        #expect(bank == nil)
        #expect(diagnostics.count == 1)
        let first = diagnostics.first
        #expect(first?.line == 2 && first?.column == 10, "\(diagnostics)")
        #expect(first?.message.contains("alias '*a0'") == true, "\(diagnostics)")
        #expect(first?.severity == .error)
    }

    @Test("the full-size bomb of the report is refused too (it took hours per level)")
    func fullSizeBomb() {
        let text = Self.aliasBomb(levels: 9)
        #expect(text.utf8.count < 400)
        let (bank, diagnostics) = BankReader.bank(from: text, file: "bomb.yaml")
        #expect(bank == nil)
        #expect(diagnostics.map(\.line) == [2])
    }

    @Test("any alias is refused, a merge key and an alias in a domain file included", arguments: [
        ("slug: x\ntitle: &t Title\ndescription: *t\n", 3, 14),
        ("base: &b {points: 1}\nitem:\n  <<: *b\n", 3, 7),
        ("items:\n  - &i {id: a}\n  - *i\n", 3, 5),
    ])
    func anyAlias(text: String, line: Int, column: Int) {
        for read in [{ BankReader.bank(from: text, file: "f.yaml").diagnostics }, { BankReader.domain(from: text, file: "f.yaml").diagnostics }] {
            let diagnostics = read()
            #expect(diagnostics.count == 1, "\(diagnostics)")
            #expect(diagnostics.first?.line == line && diagnostics.first?.column == column, "\(diagnostics)")
            #expect(diagnostics.first?.message.contains("alias") == true)
        }
    }

    @Test("nesting deeper than 64 levels is refused with a located error, not by a crash")
    func deepNesting() {
        for text in [String(repeating: "[", count: 100_000), "a: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "\n"] {
            let (bank, diagnostics) = BankReader.bank(from: text, file: "deep.yaml")
            #expect(bank == nil)
            #expect(diagnostics.count == 1)
            // 65 levels: our limit; 100,000 unclosed brackets: libyaml's own (1,000), met while it
            // looks ahead, before the first event. Either way one located error, no crash.
            #expect(diagnostics.first?.message.lowercased().contains("nest") == true, "\(diagnostics.first?.message ?? "")")
        }
        // 64 levels are read as usual (and found to be no bank).
        let (_, fine) = BankReader.bank(from: "a: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n", file: "ok.yaml")
        #expect(!fine.contains { $0.message.contains("nested") })
    }

    @Test("an anchor that nothing refers to is harmless; the shipped banks use no alias")
    func anchorsAndShippedBanks() throws {
        let (_, diagnostics) = BankReader.bank(from: "slug: &s ab\n", file: "a.yaml")
        #expect(!diagnostics.contains { $0.message.contains("alias") })
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let collection = BankLinter.lint(path: root.appendingPathComponent("interview-banks").path)
        #expect(!collection.hasErrors, "\(collection.diagnostics)")
    }

    @Test("bank lint reads a bank file through the same check: the bomb is one located error")
    func lintedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assay-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bomb.yaml")
        try Self.aliasBomb(levels: 9).write(to: file, atomically: true, encoding: .utf8)
        let collection = BankLinter.lint(path: file.path)
        #expect(collection.diagnostics.map { "\($0.line):\($0.column)" } == ["2:10"], "\(collection.diagnostics)")
    }

    // MARK: - GIFT

    /// A GIFT file of every kind of question, `copies` times, with titles repeated across copies.
    static func giftFile(copies: Int) -> String {
        var text = ""
        for copy in 0..<copies {
            text += """
                $CATEGORY: $course$/Topic \(copy % 7)

                ::Q:: Which is first-line? {=A#right ~B#wrong ~%25%C}

                ::Q:: Select the true ones. {~%50%one ~%50%two ~%-100%three}

                Untitled statement \(copy) is true.{T}

                ::N \(copy):: What is 2.5 × \(copy)? {#\(Double(copy) * 2.5):0.1}

                ::Match:: Match them. {=a -> 1 =b -> 2 = -> 3}

                ::Essay \(copy)::[html]<p>Discuss <b>case</b> \(copy).</p>{####One point per idea.}

                ::Broken \(copy):: {=a

                Grant is buried in {=Grant's ~nobody's} tomb.


                """
        }
        return text
    }

    @Test("question by question: the bank file written as it converts is the bank file written at the end, diagnostics alike")
    func streamingMatchesWhole() throws {
        let text = Self.giftFile(copies: 40)
        let whole = GIFTImporter.convert(text, file: "big.gift", bankSlug: "big")
        let expected = try BankWriter.yaml(try whole.bank(slug: "big", domain: "medicine"))
        var diagnostics: [BankDiagnostic] = []
        let streamed = try GIFTImporter.bankFile(text, file: "big.gift", slug: "big", domain: "medicine") { diagnostics.append($0) }
        #expect(streamed.head + streamed.items == expected)
        #expect(streamed.count == whole.items.count)
        #expect(diagnostics == whole.diagnostics)
        // Ids of repeated titles get -2, -3 … in order, without searching from 1 each time.
        let ids = whole.items.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.filter { $0 == "q" || $0.hasPrefix("q-") }.count == 80)
        #expect(ids.contains("q-80"))
        // And the file reads back as that bank.
        let (bank, problems) = BankReader.bank(from: streamed.head + streamed.items, file: "big.yaml")
        #expect(problems.allSatisfy { $0.severity != .error }, "\(problems.prefix(3))")
        #expect(bank?.items == whole.items)
    }

    @Test("items and diagnostics are handed over as each question is converted, not at the end of the file")
    func handedOverAsConverted() {
        struct Stop: Error {}
        let text = Self.giftFile(copies: 3)
        var seen = 0
        var diagnostics: [BankDiagnostic] = []
        #expect(throws: Stop.self) {
            try GIFTImporter.convert(text, file: "f.gift", bankSlug: "f", item: { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }, diagnostic: { diagnostics.append($0) })
        }
        #expect(seen == 2)
        #expect(diagnostics.isEmpty, "the first broken question (line 13) is after the second item: not read yet")
    }

    @Test("a question longer than 1 MB is reported at its line and skipped; the next one is converted")
    func enormousQuestion() throws {
        let text = "::Big:: " + String(repeating: "word ", count: 220_000) + "{=a ~b}\n\n::Next:: Small? {T}\n"
        let result = GIFTImporter.convert(text, file: "big.gift", bankSlug: "big")
        #expect(result.items.map(\.id) == ["next"])
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.line == 1 && result.diagnostics.first?.severity == .error)
        #expect(result.diagnostics.first?.message.contains("longer than 1 MB") == true)
    }

    @Test("one line of 5 MB with no question in it costs nothing per character kept")
    func hugeLine() {
        // A comment line and a blank-free title line are read as slices of the source.
        let text = "//" + String(repeating: "x", count: 5_000_000) + "\n\n::" + String(repeating: "y", count: 3_000_000) + "\n"
        let result = GIFTImporter.convert(text, file: "huge.gift", bankSlug: "huge")
        #expect(result.items.isEmpty)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("longer than 1 MB") == true)
    }
}
