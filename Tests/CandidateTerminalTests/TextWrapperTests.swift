@testable import CandidateTerminal
import Foundation
import Testing

@Suite("Text wrapped to the window without splitting a word")
struct TextWrapperTests {
    static let question = """
        A 45-year-old woman with rheumatoid arthritis is about to start adalimumab. Her
        interferon-gamma release assay is positive; she has no symptoms, a normal chest
        radiograph and no known contact with drug-resistant tuberculosis. Liver tests are
        normal, she takes no interacting drugs, and she is not pregnant.

        Per the 2020 NTCA/CDC guidelines for the treatment of latent tuberculosis infection,
        which of these is a preferred regimen?

            def f(n):
                total = 0
                while i < n:  # a comment that makes this line rather long for a narrow window
                    i *= 2

        - 10 April: sells 1,000 shares at $12 after the announcement of the merger agreement
        (a) how red-detuned counter-propagating beams produce a velocity-dependent force
        """

    static func words(_ text: String) -> [Substring] { text.split(whereSeparator: { $0 == " " || $0 == "\n" }) }

    @Test("at 40, 80 and 120 columns no line is wider than the window (or 100), and every word of the prose is whole", arguments: [40, 80, 120])
    func fitsWithoutSplitting(columns: Int) {
        let width = min(columns, 100)
        let lines = TextWrapper(width: width).lines(Self.question)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= width }, "\(lines.filter { DisplayWidth.of($0) > width })")
        let shown = Set(Self.words(lines.joined(separator: "\n")))
        let prose = Self.question.components(separatedBy: "\n").filter { !$0.hasPrefix("    ") }.joined(separator: "\n")
        for word in Self.words(prose) { #expect(shown.contains(word), "'\(word)' is split at \(columns) columns") }
        // The two paragraphs are re-flowed: at 120 columns (100 used) the first fills lines
        // longer than the 80-odd of the source.
        if columns == 120 { #expect(lines[0].count > 85) }
    }

    @Test("blank lines are kept, code keeps its indentation and line breaks, list items start lines with a hanging indent")
    func structure() throws {
        let lines = TextWrapper(width: 40).lines(Self.question)
        #expect(lines.filter(\.isEmpty).count == 3)
        #expect(lines.contains("    def f(n):"))
        #expect(lines.contains("        total = 0"))
        // The long code line continues after ↪ at its indentation, never re-flowed into prose.
        let long = try #require(lines.firstIndex { $0.hasPrefix("        while i < n:") })
        #expect(lines[long + 1].hasPrefix("        ↪ "))
        let item = try #require(lines.firstIndex { $0.hasPrefix("- 10 April:") })
        #expect(lines[item + 1].hasPrefix("  ") && !lines[item + 1].hasPrefix("   "))
        let lettered = try #require(lines.firstIndex { $0.hasPrefix("(a) how") })
        #expect(lines[lettered + 1].hasPrefix("    ") && lines[lettered + 1].dropFirst(4).first != " ")
    }

    @Test("options hang-indent their continuation lines under their text")
    func hangingOptions() {
        let lines = TextWrapper(width: 40).lines("Rifampin plus pyrazinamide daily for 2 months, then isoniazid alone for 4 months", indent: "  D) ")
        #expect(lines.count >= 3)
        #expect(lines[0].hasPrefix("  D) Rifampin"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("     ") && !$0.hasPrefix("      ") })
        #expect(lines.allSatisfy { $0.count <= 40 })
    }

    @Test("a word wider than the line is the only thing split; wide characters count two columns")
    func longWordsAndWideCharacters() {
        let url = "https://example.org/" + String(repeating: "a", count: 60)
        let lines = TextWrapper(width: 40).lines("See \(url) now")
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines.joined().replacingOccurrences(of: " ", with: "").contains(url))
        let cjk = TextWrapper(width: 10).lines("漢字漢字 漢字漢字 漢字")
        #expect(cjk == ["漢字漢字", "漢字漢字", "漢字"])
        #expect(cjk.allSatisfy { DisplayWidth.of($0) <= 10 })
    }

    @Test("with no window (pipes) the text is given back line by line, unchanged")
    func noWidth() {
        let text = "First line, rather long, longer than eighty columns when it goes on and on and on and on.\nSecond."
        #expect(TextWrapper(width: nil).lines(text, indent: "  A) ") == ["  A) First line, rather long, longer than eighty columns when it goes on and on and on and on.", "     Second."])
    }
}
