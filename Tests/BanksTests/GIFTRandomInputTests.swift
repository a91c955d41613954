import Banks
import Testing

@Suite("GIFT importer: random input")
struct GIFTRandomInputTests {
    /// GIFT's special characters and typical fragments, valid and broken.
    static let fragments: [String] = [
        "{", "}", "=", "~", "#", "####", "::", ":", "->", "%", "%50%", "%-100%", "%abc%", "..", "\\", "\\n", "\\{", "\\}",
        "\\=", "\\~", "\\#", "\\:", "\n", "\n\n", "\r\n", " ", "  ", "\t", "//", "// comment\n", "$CATEGORY: a/B c\n",
        "$CATEGORY:", "[html]", "[markdown]", "[plain]", "[moodle]", "[", "]", "<b>", "</p>", "&lt;", "&#233;", "&#x1F600;",
        "&", "T", "F", "TRUE", "FALSE", "true", "3.14", "-2", "1e3", "1e", "0x1F", "nan", "inf", "5..1", "1..5", ":0.01",
        "Question text", "Who's buried?", "::Title::", "::Élan::", "{T}", "{=a ~b}", "{#1..5}", "{}", "{=a -> b}",
        "é", "🫀", "\u{FEFF}", "_____", "=%50%x", "~%33.333%y",
    ]

    /// A random string of 0 to 40 fragments.
    static func randomSource(using generator: inout some RandomNumberGenerator) -> String {
        let count = Int.random(in: 0...40, using: &generator)
        var text = ""
        for _ in 0..<count {
            text += fragments.randomElement(using: &generator) ?? ""
        }
        return text
    }

    /// The lines of `text` as the importer counts them (`\n`, `\r\n` and `\r` end a line).
    static func lineLengths(_ text: String) -> [Int] {
        var lengths: [Int] = []
        var current = 0
        for character in text {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lengths.append(current)
                current = 0
            } else {
                current += 1
            }
        }
        lengths.append(current)
        return lengths
    }

    @Test("Random input never traps, finishes, and locates every diagnostic inside the input", arguments: [1, 2, 3, 4] as [UInt64])
    func randomInputIsHandled(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<1_000 {
            let source = Self.randomSource(using: &generator)
            let result = GIFTImporter.convert(source, file: "random.gift", bankSlug: "rand")
            let lengths = Self.lineLengths(source)
            for diagnostic in result.diagnostics {
                #expect(diagnostic.file == "random.gift")
                #expect(diagnostic.line >= 1 && diagnostic.line <= lengths.count, "line \(diagnostic.line) outside \(source.debugDescription)")
                if diagnostic.line >= 1, diagnostic.line <= lengths.count {
                    #expect(diagnostic.column >= 1 && diagnostic.column <= lengths[diagnostic.line - 1] + 1, "column \(diagnostic.column) outside line \(diagnostic.line) of \(source.debugDescription)")
                }
            }
            for item in result.items {
                #expect(GIFTTesting.violations(of: item).isEmpty, "\(item) from \(source.debugDescription)")
            }
            #expect(Set(result.items.map(\.id)).count == result.items.count, "duplicate ids from \(source.debugDescription)")
        }
    }

    /// Inputs that a quadratic reader would take minutes over (the suite has no timing
    /// assertions; docs/bank-format.md gives the measured times).
    @Test func longPathologicalInputFinishes() {
        let inputs = [
            String(repeating: "{", count: 20_000),
            String(repeating: "}", count: 20_000),
            String(repeating: "\\", count: 20_000),
            "Q {" + String(repeating: "~a ", count: 10_000) + "=b}",
            "Q {" + String(repeating: "#", count: 20_000) + "}",
            String(repeating: "::", count: 10_000),
            String(repeating: "Q {T}\n\n", count: 3_000),
        ]
        for input in inputs {
            let result = GIFTImporter.convert(input, file: "big.gift", bankSlug: "big")
            #expect(result.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 })
        }
    }
}
