import Foundation

/// The normalization the bank format applies to short-text answers and accepted answers before
/// they are compared (docs/bank-format.md, "short_text").
///
/// Steps, in order: Unicode compatibility decomposition (NFKD); removal of combining marks
/// (general categories Mn, Mc, Me), which strips accents; lower-casing; removal of leading and
/// trailing whitespace; collapsing every run of whitespace to one space. So `"  Crème\tBRÛLÉE "`
/// and `"creme brulee"` normalize to the same string, and the ligature `"ﬁ"` becomes `"fi"`.
public enum TextNormalizer {
    /// Normalizes a short-text answer or accepted answer.
    ///
    /// The function is idempotent: normalizing a normalized string returns it unchanged.
    ///
    /// - Parameters:
    ///   - text: the text as typed or as written in the bank.
    /// - Returns: the normalized text.
    public static func normalize(_ text: String) -> String {
        let decomposed = text.decomposedStringWithCompatibilityMapping
        var stripped = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                stripped.append(scalar)
            }
        }
        let lowered = String(stripped).lowercased()
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in lowered.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }
}
