import Foundation

/// Writing CSV fields (RFC 4180): one rule for every CSV that Assay writes.
public enum CSVText {
    /// The field as it goes into a CSV line: quoted, with inner quotes doubled, when it holds a
    /// comma, a quote or a line break; as is otherwise.
    public static func field(_ text: String) -> String {
        text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
