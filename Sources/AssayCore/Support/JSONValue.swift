import Foundation

/// Any JSON value, kept as its structure: stored JSON (an event's details) re-encoded as a
/// nested object in `--format json`, never as JSON inside a string.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; its keys sorted when encoded.
    case object([String: JSONValue])

    /// Parses JSON text; a text that is not JSON becomes a ``string(_:)`` of itself.
    ///
    /// - Parameter text: the JSON text (e.g. `events.details`).
    public init(parsing text: String) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            self = value
        } else {
            self = .string(text)
        }
    }

    /// A string value written as a literal.
    ///
    /// - Parameter value: the string.
    public init(stringLiteral value: String) { self = .string(value) }

    /// The same value with every object key in snake_case (`expertID` → `expert_id`,
    /// `evidenceScreens` → `evidence_screens`), as every `--format json` writes its keys; keys
    /// already in snake_case are unchanged.
    public var snakeCased: JSONValue {
        switch self {
        case .array(let values): .array(values.map(\.snakeCased))
        case .object(let members):
            .object(Dictionary(members.map { (Self.snakeCase($0.key), $0.value.snakeCased) }) { first, _ in first })
        default: self
        }
    }

    /// A key in snake_case: a lower-case letter or digit followed by an upper-case letter, or an
    /// upper-case letter followed by an upper-case and a lower-case one, gets an underscore
    /// between them; then everything is lower-cased (`expertID` → `expert_id`, `HTTPServer` →
    /// `http_server`).
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        var result = ""
        for (index, character) in characters.enumerated() {
            if index > 0, character.isUppercase {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) { result.append("_") }
            }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }

    /// Decodes any JSON value.
    ///
    /// - Throws: `DecodingError` when the input is not JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as it is (whole numbers without a fraction).
    ///
    /// - Throws: `EncodingError` for a non-finite number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value as compact JSON-like text for one line of people's output (`key=value, …`
    /// for an object).
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): value
        case .array(let value): "[" + value.map(\.description).joined(separator: ", ") + "]"
        case .object(let value): value.keys.sorted().map { "\($0)=\(value[$0]?.description ?? "")" }.joined(separator: ", ")
        }
    }
}
