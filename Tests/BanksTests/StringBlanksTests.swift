import Banks
import Foundation
import Testing

@Suite("Trimming blanks without Foundation")
struct StringBlanksTests {
    @Test("every Unicode scalar is a blank exactly when Foundation's .whitespaces holds it")
    func sameSetAsFoundation() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            if String.isBlank(scalar) != CharacterSet.whitespaces.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(20).map { String($0, radix: 16) })")
    }

    @Test("trimmed text is Foundation's, for blanks, line breaks, controls and other scripts at either end",
          arguments: ["", " ", "\t", "a", " a ", "\ta b\t", "\u{00A0}x\u{3000}", "\u{2003}\u{2009}name\u{202F}", "\nx\n", " \n x \n ",
                      "\u{200B}x\u{200B}", "x\u{0085}", "é ", " 名前", "a  b", "\u{1680}\u{1680}", "\r\n", "member1@example.org", " 0.806 "])
    func sameTextAsFoundation(text: String) {
        #expect(text.trimmingBlanks == text.trimmingCharacters(in: .whitespaces))
    }
}
