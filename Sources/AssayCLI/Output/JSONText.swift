import Foundation

/// A value as pretty JSON with sorted keys and ISO 8601 dates (the form of every `--format json`).
///
/// - Parameter value: what to encode.
/// - Throws: the encoder's error.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Prints a value as ``jsonText(_:)``.
///
/// - Parameter value: what to print.
/// - Throws: the encoder's error.
func printJSON(_ value: some Encodable) throws {
    print(try jsonText(value))
}
