/// A value that writes its own JSON text, byte for byte what `PostgresJSON(encoding:)` (a
/// `JSONEncoder` with sorted keys and unescaped slashes) writes for it.
///
/// For the bulk paths: a promotion records one event per change, and `JSONEncoder` costs about
/// 15 µs a value, a third of a 20,000-member promotion's own time. A test compares each
/// conforming type's text with the encoder's for hostile values.
public protocol JSONWritable: Encodable {
    /// The value's JSON text.
    var jsonText: String { get }
}

/// Writes one JSON object, field by field, in the order given: the caller gives the keys in
/// the order `JSONEncoder`'s `.sortedKeys` would.
public struct JSONObjectText {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    /// An empty object.
    public init() {}

    /// The object's text.
    public var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

    private mutating func key(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    /// A string field; a nil value writes nothing (as a synthesized `encodeIfPresent`).
    public mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        Self.append(string: value, to: &bytes)
    }

    /// An integer field.
    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number field, written as `JSONEncoder` writes a `Double` (an integral value without
    /// its `.0`); a value that is not finite writes `null` (the encoder throws there; the
    /// callers' values are scores, always finite).
    public mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// An array of integers.
    public mutating func field(_ name: StaticString, _ values: [Int]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (offset, value) in values.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: String(value).utf8)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string: quotes and backslashes escaped, control characters as `JSONEncoder`
    /// writes them (`\b \f \n \r \t`, else `\u00XX`), everything else as it is.
    static func append(string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0 ..< 0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
