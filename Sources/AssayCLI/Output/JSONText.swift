import Foundation

/// A value as the JSON of every `--format json`: one pretty-printed document, keys sorted and in
/// snake_case (`screen_id`, `score_percent`), dates in ISO 8601, numbers as numbers, stored
/// JSON (an event's details, a screen's flags) as nested objects.
///
/// - Parameter value: what to encode.
/// - Throws: the encoder's error.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(value), as: UTF8.self)
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
