/// A Swift value that can be an element of a one-dimensional PostgreSQL array, so that `[Self]`
/// binds as an array parameter and decodes from an array column.
///
/// Conforming types and the array type `[Self]` binds as: `Int` and `Int64` (`bigint[]`),
/// `Int32` (`integer[]`), `Double` (`double precision[]`), `Bool` (`boolean[]`), `String`
/// (`text[]`), and `Optional` of any of them, whose `nil` elements are SQL NULL elements.
///
/// ```swift
/// let ids: [Int] = [3, 5, 8]
/// let rows = try connection.query("SELECT email FROM experts WHERE id = ANY($1)", [ids])
/// let scores: [Double?] = try connection.query("SELECT ARRAY[1.5, NULL]::float8[] AS s").one().decode("s")
/// ```
///
/// Arrays travel in PostgreSQL's text format, as every other parameter of this layer does; the
/// layer writes and reads the array literal, quoting and escaping each element, so callers
/// never build `{…}` text themselves. A NULL element decodes only into an optional element
/// type (`[Int?]`); into `[Int]` it is a ``PostgresError`` naming the column and the element.
/// Multidimensional arrays are refused when decoded, and cannot be expressed when encoded.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The array type that `[Self]` binds as, such as `integer[]` for `Int32`.
    static var postgresArrayDataType: PostgresDataType { get }

    /// Whether the elements of an array column of `elementType` (`integer` for an `integer[]`
    /// column) decode into `Self`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: `true` when ``PostgresDecodable/decode(from:)`` accepts cells of that type.
    static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    /// The wrapped type's array type: `[Int32?]` binds as `integer[]`, with NULL for `nil`.
    public static var postgresArrayDataType: PostgresDataType { Wrapped.postgresArrayDataType }

    /// Whatever the wrapped type decodes; NULL elements decode as `nil`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: the wrapped type's answer.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        Wrapped.decodesPostgresArrayElement(of: elementType)
    }
}

extension Int: PostgresArrayElement {
    /// `[Int]` binds as `bigint[]`.
    public static var postgresArrayDataType: PostgresDataType { .int8Array }

    /// `smallint[]`, `integer[]`, `bigint[]` and `oid[]` decode into `[Int]`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is an integer type.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        integerElementTypes.contains(elementType)
    }
}

extension Int64: PostgresArrayElement {
    /// `[Int64]` binds as `bigint[]`.
    public static var postgresArrayDataType: PostgresDataType { .int8Array }

    /// `smallint[]`, `integer[]`, `bigint[]` and `oid[]` decode into `[Int64]`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is an integer type.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        integerElementTypes.contains(elementType)
    }
}

extension Int32: PostgresArrayElement {
    /// `[Int32]` binds as `integer[]`.
    public static var postgresArrayDataType: PostgresDataType { .int4Array }

    /// `smallint[]`, `integer[]`, `bigint[]` and `oid[]` decode into `[Int32]`; an element
    /// too large for `Int32` is a decoding error.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is an integer type.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        integerElementTypes.contains(elementType)
    }
}

extension Double: PostgresArrayElement {
    /// `[Double]` binds as `double precision[]`.
    public static var postgresArrayDataType: PostgresDataType { .float8Array }

    /// `real[]`, `double precision[]`, `numeric[]` and the integer arrays decode into `[Double]`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is a numeric type.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        [.float4, .float8, .numeric, .int2, .int4, .int8].contains(elementType)
    }
}

extension Bool: PostgresArrayElement {
    /// `[Bool]` binds as `boolean[]`.
    public static var postgresArrayDataType: PostgresDataType { .boolArray }

    /// `boolean[]` decodes into `[Bool]`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is `boolean`.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        elementType == .bool
    }
}

extension String: PostgresArrayElement {
    /// `[String]` binds as `text[]`.
    public static var postgresArrayDataType: PostgresDataType { .textArray }

    /// `text[]`, `varchar[]`, `character[]`, `name[]` and `uuid[]` decode into `[String]`.
    ///
    /// - Parameter elementType: the element type of the column's array type.
    /// - Returns: whether it is a character type or `uuid`.
    public static func decodesPostgresArrayElement(of elementType: PostgresDataType) -> Bool {
        [.text, .varchar, .bpchar, .name, .uuid].contains(elementType)
    }
}

/// The element types whose arrays decode into the integer types.
private let integerElementTypes: Set<PostgresDataType> = [.int2, .int4, .int8, .oidType]
