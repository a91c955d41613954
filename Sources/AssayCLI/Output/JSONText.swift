import AssayCore
import Foundation

/// A value as the JSON of every `--format json`: one pretty-printed document, keys sorted and in
/// snake_case (`screen_id`, `score_percent`), dates in ISO 8601, numbers as numbers, stored
/// JSON (an event's details, a screen's flags) as nested objects.
///
/// Strings hold outside text (answers, names). Every character that ``VisibleText`` would
/// escape on a terminal (controls, DEL, C1 controls, bidirectional overrides, zero-width and
/// other format characters) is written as a JSON `\uXXXX` escape: the JSON reads back to exactly
/// what was stored, and printed on a terminal it acts on nothing.
///
/// - Parameter value: what to encode.
/// - Throws: the encoder's error.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return jsonEscapingInvisible(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// JSON text with every character ``VisibleText`` would escape written as `\uXXXX` (UTF-16,
/// surrogate pairs above U+FFFF). Such characters occur only inside strings (JSON's own syntax
/// is ASCII, and the encoder already escapes the C0 controls), so the document's meaning is
/// unchanged.
///
/// - Parameter json: JSON text.
/// - Returns: the same JSON, terminal-safe.
func jsonEscapingInvisible(_ json: String) -> String {
    guard !json.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F || $0 == "\n" }) else { return json }
    var result = String.UnicodeScalarView()
    for scalar in json.unicodeScalars {
        if (scalar.value >= 0x20 && scalar.value < 0x7F) || scalar == "\n" || (scalar.value >= 0xA0 && VisibleText.isPlain(String(scalar))) {
            result.append(scalar)
        } else {
            for unit in String(scalar).utf16 {
                result.append(contentsOf: String(format: "\\u%04X", unit).unicodeScalars)
            }
        }
    }
    return String(result)
}

/// Prints a value as ``jsonText(_:)``.
///
/// - Parameter value: what to print.
/// - Throws: the encoder's error.
func printJSON(_ value: some Encodable) throws {
    print(try jsonText(value))
}

/// The JSON of a listing: the rows under their own name (`experts`, `screens` …), with how many
/// are shown, how many matched, and whether the limit cut the list.
struct ListingJSON<Row: Encodable>: Encodable {
    /// The key the rows go under.
    var name: String
    /// The rows shown.
    var rows: [Row]
    /// How many matched.
    var total: Int
    /// The limit applied.
    var limit: Int?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(rows, forKey: Key(name))
        try container.encode(rows.count, forKey: Key("shown"))
        try container.encode(total, forKey: Key("total"))
        try container.encode(total > rows.count, forKey: Key("truncated"))
        try container.encodeIfPresent(limit, forKey: Key("limit"))
    }
}
