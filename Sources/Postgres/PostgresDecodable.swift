public import Foundation

/// One value of a result row as the server sent it (text representation), with its column's
/// name and type, handed to ``PostgresDecodable/decode(from:)``.
///
/// Its bytes are valid only during the call that receives it: do not keep the cell. Not `Sendable`.
public struct PostgresCell {
    /// The value's bytes in PostgreSQL's text representation.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The column's type.
    public let dataType: PostgresDataType
    /// The column's name (for error messages).
    public let column: String

    init(bytes: UnsafeBufferPointer<UInt8>, dataType: PostgresDataType, column: String) {
        self.bytes = bytes
        self.dataType = dataType
        self.column = column
    }

    /// The bytes as a `String` (UTF-8).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// An error saying this column cannot be decoded as `expected`.
    public func mismatch(expected: String) -> PostgresError {
        PostgresError(
            kind: .decoding,
            message: "column \"\(column)\": expected \(expected), but the column is \(dataType)",
            column: column)
    }

    /// An error saying the value is malformed for the type.
    public func malformed(expected: String) -> PostgresError {
        PostgresError(
            kind: .decoding,
            message: "column \"\(column)\" (\(dataType)): the value is not a valid \(expected)",
            column: column)
    }
}

/// A Swift type that a result column can be decoded into.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Double`, `Bool`, `String`, `Date`, `Data`,
/// ``PostgresJSON``, one-dimensional arrays of any ``PostgresArrayElement`` (`[Int]`,
/// `[String]`, `[Double?]` …), and `Optional` of any of them (which alone accepts NULL; an
/// array's NULL elements need an optional element type).
public protocol PostgresDecodable {
    /// Decodes a non-NULL value.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/decoding`` naming the column, the
    ///   expected type and the column's actual type when they do not match.
    static func decode(from cell: PostgresCell) throws -> Self
    /// The value for SQL NULL.
    ///
    /// - Throws: for every non-optional type, an error naming the column.
    static func decodeNull(column: String, dataType: PostgresDataType) throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull(column: String, dataType: PostgresDataType) throws -> Self {
        throw PostgresError(
            kind: .decoding,
            message: "column \"\(column)\" (\(dataType)) is NULL, but \(Self.self) cannot hold NULL; decode it as \(Self.self)?",
            column: column)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Self { try Wrapped.decode(from: cell) }
    public static func decodeNull(column: String, dataType: PostgresDataType) throws -> Self { nil }
}

private func decodeInteger<T: FixedWidthInteger>(_ cell: PostgresCell, as: T.Type) throws -> T {
    guard [.int2, .int4, .int8, .oidType].contains(cell.dataType) else {
        throw cell.mismatch(expected: "\(T.self) (smallint, integer or bigint)")
    }
    var value: T = 0
    var negative = false
    var index = 0
    let bytes = cell.bytes
    if bytes.first == UInt8(ascii: "-") { negative = true; index = 1 }
    guard index < bytes.count else { throw cell.malformed(expected: "integer") }
    while index < bytes.count {
        let byte = bytes[index]
        guard byte >= 48, byte <= 57 else { throw cell.malformed(expected: "integer") }
        let digit = T(byte - 48)
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
        guard !o1, !o2 else {
            throw PostgresError(
                kind: .decoding, message: "column \"\(cell.column)\": the value does not fit in \(T.self)",
                column: cell.column)
        }
        value = next
        index += 1
    }
    return value
}

extension Int: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int { try decodeInteger(cell, as: Int.self) }
}

extension Int64: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int64 { try decodeInteger(cell, as: Int64.self) }
}

extension Int32: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int32 { try decodeInteger(cell, as: Int32.self) }
}

extension Double: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Double {
        guard [.float4, .float8, .numeric, .int2, .int4, .int8].contains(cell.dataType) else {
            throw cell.mismatch(expected: "Double (real, double precision, numeric or an integer type)")
        }
        let text = cell.string
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw cell.malformed(expected: "number") }
            return value
        }
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Bool {
        guard cell.dataType == .bool else { throw cell.mismatch(expected: "Bool (boolean)") }
        switch cell.bytes.first {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw cell.malformed(expected: "boolean")
        }
    }
}

extension String: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> String {
        guard [.text, .varchar, .bpchar, .name, .unknown, .uuid].contains(cell.dataType) || cell.dataType.oid >= 16384 else {
            throw cell.mismatch(expected: "String (text, varchar, char, name or uuid)")
        }
        return cell.string
    }
}

extension Date: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Date {
        guard [.timestamptz, .timestamp, .date].contains(cell.dataType) else {
            throw cell.mismatch(expected: "Date (timestamp with time zone, timestamp or date)")
        }
        guard let date = PostgresTimestamp.parse(cell.bytes) else { throw cell.malformed(expected: "ISO timestamp") }
        return date
    }
}

extension Data: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Data {
        guard cell.dataType == .bytea else { throw cell.mismatch(expected: "Data (bytea)") }
        let bytes = cell.bytes
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw cell.malformed(expected: "bytea in hex format")
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let hi = nibble(bytes[index]), let lo = nibble(bytes[index + 1]) else {
                throw cell.malformed(expected: "bytea in hex format")
            }
            out.append(hi << 4 | lo)
            index += 2
        }
        return out
    }
}

extension PostgresJSON: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> PostgresJSON {
        guard cell.dataType == .json || cell.dataType == .jsonb else { throw cell.mismatch(expected: "PostgresJSON (json or jsonb)") }
        return PostgresJSON(text: cell.string)
    }
}
