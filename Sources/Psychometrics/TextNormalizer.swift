import Foundation

/// The normalization the bank format applies to short-text answers and accepted answers before
/// they are compared (docs/bank-format.md, "short_text").
///
/// Steps, in order:
/// 1. Unicode compatibility decomposition (NFKD, which covers NFKC's compatibility folding: the
///    ligature `"ﬁ"` becomes `"fi"`, full-width `"Ａ"` becomes `"A"`, the micro sign `µ` becomes
///    the Greek letter `μ`, `…` becomes `...`);
/// 2. removal of combining marks (general categories Mn, Mc, Me), which strips accents;
/// 3. lower-casing;
/// 4. folding of dash and quote variants: every hyphen and dash (U+2010–U+2015, the minus sign
///    U+2212, the two-em and three-em dashes) becomes `-`; curly single quotes and primes
///    (`‘ ’ ‚ ‛ ′ ‵`) become `'`; curly and angle double quotes (`“ ” „ ‟ « »`) become `"`
///    (a double prime `″` decomposes to two primes, so it becomes `''`);
/// 5. removal of leading and trailing whitespace, and collapsing every run of whitespace to one
///    space;
/// 6. removal of trailing punctuation: full stops, commas, semicolons, colons and question marks
///    at the end, with any whitespace between them (`"excited utterance."` → `"excited
///    utterance"`). Exclamation marks are kept (a factorial is `5!`), and so is everything that
///    closes a bracket or a quote.
///
/// So `"  Crème\tBRÛLÉE. "` and `"creme brulee"` normalize to the same string, and
/// `"A10:2021 – Server-Side"` to `"a10:2021 - server-side"`.
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
                result.append(folded(scalar))
            }
        }
        while let last = result.last, trailingPunctuation.contains(last) || last == " " {
            result.removeLast()
        }
        return String(result)
    }

    /// The punctuation removed from the end of an answer.
    static let trailingPunctuation: Set<Unicode.Scalar> = [".", ",", ";", ":", "?"]

    /// A dash or quote variant as its ASCII form; any other scalar unchanged.
    static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x2010...0x2015, 0x2212, 0x2E3A, 0x2E3B, 0xFE58, 0xFE63, 0xFF0D:
            "-"
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035:
            "'"
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB:
            "\""
        default:
            scalar
        }
    }
}
