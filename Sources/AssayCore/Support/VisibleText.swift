/// Text from outside (candidates' answers, applicants' names and files, raw field values) made
/// safe to show on a terminal.
///
/// A terminal obeys escape sequences: an essay holding `ESC ] 52 ;` writes the reviewer's
/// clipboard, `ESC [ 2 J` clears their screen, a carriage return overwrites what was printed
/// before it, and bidirectional overrides or zero-width characters show text other than what is
/// stored. Everything Assay prints that came from outside goes through ``escaped(_:keepingLineBreaks:)``:
/// such characters are shown as `\u{1B}`-style escapes, visibly and unambiguously; a backslash
/// itself is left alone (it cannot start an escape on a terminal). What is stored is never
/// changed: this is for display only.
///
/// Escaped: the C0 controls (but line feed and tab where kept), DEL, the C1 controls, and every
/// format, line-separator and paragraph-separator character (Unicode categories Cc, Cf, Zl, Zp:
/// bidi embeddings, overrides and isolates, zero-width space, word joiner, soft hyphen, byte
/// order mark, tag characters). The zero-width joiner and non-joiner are kept between two
/// non-ASCII characters, where Persian, Indic scripts and emoji sequences need them.
public enum VisibleText {
    /// The text with every character that a terminal would act on, or that would hide or reorder
    /// what is shown, written as a visible `\u{…}` escape.
    ///
    /// - Parameters:
    ///   - text: the text from outside.
    ///   - keepingLineBreaks: keep line feeds and tabs as they are (for essays shown as
    ///     paragraphs); otherwise they are escaped as `\n` and `\t` too (for one-line cells and
    ///     messages).
    /// - Returns: the text to print.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Printable ASCII, what most names, emails and listings are: nothing to look at twice.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        guard text.unicodeScalars.contains(where: { needsEscape($0) }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\n" || scalar == "\t" {
                if keepingLineBreaks {
                    result.append(scalar)
                } else {
                    result.append(contentsOf: (scalar == "\n" ? "\\n" : "\\t").unicodeScalars)
                }
                continue
            }
            if isJoiner(scalar), index > 0, index + 1 < scalars.count,
               scalars[index - 1].value > 0x7F, scalars[index + 1].value > 0x7F,
               !needsEscape(scalars[index - 1]), !needsEscape(scalars[index + 1]) {
                result.append(scalar)
                continue
            }
            if needsEscape(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether the text holds anything ``escaped(_:keepingLineBreaks:)`` would change, line
    /// breaks and tabs aside.
    public static func isPlain(_ text: String) -> Bool {
        escaped(text, keepingLineBreaks: true) == text
    }

    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x200C || scalar.value == 0x200D
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return true }
        if value < 0xA0 { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator:
            return true
        default:
            return false
        }
    }
}

extension String {
    /// This text made safe to show on one terminal line: see ``VisibleText/escaped(_:keepingLineBreaks:)``.
    public var visibleSafe: String { VisibleText.escaped(self) }

    /// This text made safe to show on a terminal, its line breaks and tabs kept: see
    /// ``VisibleText/escaped(_:keepingLineBreaks:)``.
    public var visibleSafeLines: String { VisibleText.escaped(self, keepingLineBreaks: true) }
}
