public import Foundation

/// A Swift value that can be bound as a statement parameter.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Double`, `Bool`, `String`, `Date` (as
/// `timestamptz`), `Data` (as `bytea`), ``PostgresJSON`` (as `jsonb`), ``PostgresNull``, arrays
/// of any ``PostgresArrayElement`` (`[Int]` as `bigint[]`, `[String]` as `text[]`, `[Int32?]`
/// as `integer[]` with NULL elements …), and `Optional` of any of them (`nil` binds SQL NULL).
///
/// Values are always sent as bound parameters, never spliced into SQL text.
public protocol PostgresEncodable {
    /// The parameter type sent to the server, so that it need not guess.
    var postgresDataType: PostgresDataType { get }
    /// The value in PostgreSQL's wire representation, or `nil` for SQL NULL.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/encoding`` when the value cannot be
    ///   represented (for example a string containing NUL).
    func postgresBinding() throws -> PostgresBinding?
}

/// A parameter's encoded bytes and whether they are PostgreSQL's text or binary representation.
public struct PostgresBinding: Sendable {
    /// The encoded value.
    public var bytes: [UInt8]
    /// `true` for the binary representation, `false` for text.
    public var isBinary: Bool

    /// Wraps encoded bytes.
    public init(bytes: [UInt8], isBinary: Bool) {
        self.bytes = bytes
        self.isBinary = isBinary
    }

    static func text(_ string: String) throws -> PostgresBinding {
        let bytes = Array(string.utf8)
        if bytes.contains(0) {
            throw PostgresError(
                kind: .encoding,
                message: "a string parameter contains a NUL character, which PostgreSQL text cannot store")
        }
        return PostgresBinding(bytes: bytes, isBinary: false)
    }
}

/// SQL NULL of an unspecified type, for parameter lists: `[PostgresNull(), 1]`.
public struct PostgresNull: PostgresEncodable, Sendable {
    /// Creates a NULL parameter.
    public init() {}
    public var postgresDataType: PostgresDataType { .unknown }
    public func postgresBinding() throws -> PostgresBinding? { nil }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresDataType: PostgresDataType {
        switch self {
        case .some(let value): value.postgresDataType
        case .none: .unknown
        }
    }
    public func postgresBinding() throws -> PostgresBinding? {
        switch self {
        case .some(let value): try value.postgresBinding()
        case .none: nil
        }
    }
}

extension Int: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .int8 }
    public func postgresBinding() throws -> PostgresBinding? { PostgresBinding(bytes: Array(String(self).utf8), isBinary: false) }
}

extension Int64: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .int8 }
    public func postgresBinding() throws -> PostgresBinding? { PostgresBinding(bytes: Array(String(self).utf8), isBinary: false) }
}

extension Int32: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .int4 }
    public func postgresBinding() throws -> PostgresBinding? { PostgresBinding(bytes: Array(String(self).utf8), isBinary: false) }
}

extension Double: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .float8 }
    public func postgresBinding() throws -> PostgresBinding? {
        let text: String
        if isNaN {
            text = "NaN"
        } else if isInfinite {
            text = self < 0 ? "-Infinity" : "Infinity"
        } else {
            text = String(self)  // shortest representation that round-trips
        }
        return PostgresBinding(bytes: Array(text.utf8), isBinary: false)
    }
}

extension Bool: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .bool }
    public func postgresBinding() throws -> PostgresBinding? { PostgresBinding(bytes: self ? [0x74] : [0x66], isBinary: false) }
}

extension String: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .text }
    public func postgresBinding() throws -> PostgresBinding? { try PostgresBinding.text(self) }
}

extension Substring: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .text }
    public func postgresBinding() throws -> PostgresBinding? { try PostgresBinding.text(String(self)) }
}

extension Data: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .bytea }
    public func postgresBinding() throws -> PostgresBinding? { PostgresBinding(bytes: [UInt8](self), isBinary: true) }
}

extension Date: PostgresEncodable {
    public var postgresDataType: PostgresDataType { .timestamptz }
    public func postgresBinding() throws -> PostgresBinding? {
        guard let text = PostgresTimestamp.format(self) else {
            throw PostgresError(kind: .encoding, message: "a date parameter is not a finite point in time")
        }
        return PostgresBinding(bytes: Array(text.utf8), isBinary: false)
    }
}

/// A JSON document, bound as `jsonb` and decoded from `json` or `jsonb` columns.
///
/// Holds the JSON text; ``init(encoding:)`` and ``decode(_:)`` convert to and from `Codable`
/// values. `Sendable`.
public struct PostgresJSON: PostgresEncodable, Sendable, Hashable {
    /// The JSON text.
    public var text: String

    /// Wraps JSON text as is. The server checks that it is valid when it is bound.
    public init(text: String) { self.text = text }

    /// Encodes a value with `JSONEncoder` (sorted keys, so equal values give equal text).
    ///
    /// - Throws: the encoder's error.
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text with `JSONDecoder`.
    ///
    /// - Throws: the decoder's error.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    public var postgresDataType: PostgresDataType { .jsonb }
    public func postgresBinding() throws -> PostgresBinding? { try PostgresBinding.text(text) }
}
