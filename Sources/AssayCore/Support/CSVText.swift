import Foundation

/// Writing CSV fields (RFC 4180): one rule for every CSV that Assay writes.
///
/// Cells come from outside (applicants' names, candidates' answers, recruiters' files), and a
/// spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
/// formula. ``field(_:)`` therefore neutralises such cells by OWASP's rule for CSV injection:
/// the cell gets a leading apostrophe (`'`), which spreadsheets show as text and do not
/// evaluate, and is quoted. Plain numbers such as `-3` or `-0.25` are left as they are, so
/// numeric columns stay numeric. ``rawField(_:)`` writes a cell without that rule, for files
/// that are read back by programs (e.g. item parameters) and never hold outside text.
public enum CSVText {
    /// The field as it goes into a CSV line: neutralised when a spreadsheet would run it as a
    /// formula, then quoted (inner quotes doubled) when it holds a comma, a quote, a line break
    /// or was neutralised.
    public static func field(_ text: String) -> String {
        if startsLikeFormula(text) {
            return "\"'" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return rawField(text)
    }

    /// The field quoted as RFC 4180 requires, without formula neutralisation: only for cells
    /// that never hold outside text.
    public static func rawField(_ text: String) -> String {
        text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Whether a spreadsheet would evaluate the cell: it starts with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return, and is not a plain decimal number.
    public static func startsLikeFormula(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !isPlainNumber(text.utf8.dropFirst())
        default:
            return false
        }
    }

    /// A decimal number such as `3`, `0.25`, `.5` or `1.5e-05`: only digits, points, exponent
    /// marks and signs, and readable as a number.
    private static func isPlainNumber(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              bytes.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        else { return false }
        return Double(String(decoding: bytes, as: UTF8.self)) != nil
    }
}
