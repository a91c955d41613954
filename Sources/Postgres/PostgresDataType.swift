/// A PostgreSQL data type, identified by its OID in `pg_type`.
///
/// Only the built-in types this layer encodes or decodes have names here; any other OID is
/// still representable. `Sendable`.
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public let oid: UInt32
    /// Wraps an OID.
    public init(oid: UInt32) { self.oid = oid }

    /// `bool`
    public static let bool = PostgresDataType(oid: 16)
    /// `bytea`
    public static let bytea = PostgresDataType(oid: 17)
    /// `name`
    public static let name = PostgresDataType(oid: 19)
    /// `bigint`
    public static let int8 = PostgresDataType(oid: 20)
    /// `smallint`
    public static let int2 = PostgresDataType(oid: 21)
    /// `integer`
    public static let int4 = PostgresDataType(oid: 23)
    /// `text`
    public static let text = PostgresDataType(oid: 25)
    /// `oid`
    public static let oidType = PostgresDataType(oid: 26)
    /// `json`
    public static let json = PostgresDataType(oid: 114)
    /// `real`
    public static let float4 = PostgresDataType(oid: 700)
    /// `double precision`
    public static let float8 = PostgresDataType(oid: 701)
    /// `unknown` (an untyped literal)
    public static let unknown = PostgresDataType(oid: 705)
    /// `character(n)`
    public static let bpchar = PostgresDataType(oid: 1042)
    /// `character varying`
    public static let varchar = PostgresDataType(oid: 1043)
    /// `date`
    public static let date = PostgresDataType(oid: 1082)
    /// `timestamp without time zone`
    public static let timestamp = PostgresDataType(oid: 1114)
    /// `timestamp with time zone`
    public static let timestamptz = PostgresDataType(oid: 1184)
    /// `numeric`
    public static let numeric = PostgresDataType(oid: 1700)
    /// `uuid`
    public static let uuid = PostgresDataType(oid: 2950)
    /// `jsonb`
    public static let jsonb = PostgresDataType(oid: 3802)
    /// `text[]`
    public static let textArray = PostgresDataType(oid: 1009)
    /// `character varying[]`
    public static let varcharArray = PostgresDataType(oid: 1015)
    /// `bpchar[]`
    public static let bpcharArray = PostgresDataType(oid: 1014)
    /// `name[]`
    public static let nameArray = PostgresDataType(oid: 1003)
    /// `boolean[]`
    public static let boolArray = PostgresDataType(oid: 1000)
    /// `smallint[]`
    public static let int2Array = PostgresDataType(oid: 1005)
    /// `integer[]`
    public static let int4Array = PostgresDataType(oid: 1007)
    /// `bigint[]`
    public static let int8Array = PostgresDataType(oid: 1016)
    /// `oid[]`
    public static let oidArray = PostgresDataType(oid: 1028)
    /// `real[]`
    public static let float4Array = PostgresDataType(oid: 1021)
    /// `double precision[]`
    public static let float8Array = PostgresDataType(oid: 1022)
    /// `numeric[]`
    public static let numericArray = PostgresDataType(oid: 1231)
    /// `uuid[]`
    public static let uuidArray = PostgresDataType(oid: 2951)

    /// For an array type this layer names, the type of its elements (`integer` for
    /// `integer[]`); `nil` for any other type.
    public var arrayElementType: PostgresDataType? {
        switch oid {
        case 1000: .bool
        case 1005: .int2
        case 1007: .int4
        case 1016: .int8
        case 1028: .oidType
        case 1021: .float4
        case 1022: .float8
        case 1231: .numeric
        case 1009: .text
        case 1015: .varchar
        case 1014: .bpchar
        case 1003: .name
        case 2951: .uuid
        default: nil
        }
    }

    /// The SQL name of the type, or `oid <n>` for one this layer does not name.
    public var description: String {
        switch oid {
        case 16: "boolean"
        case 17: "bytea"
        case 19: "name"
        case 20: "bigint"
        case 21: "smallint"
        case 23: "integer"
        case 25: "text"
        case 26: "oid"
        case 114: "json"
        case 700: "real"
        case 701: "double precision"
        case 705: "unknown"
        case 1042: "character"
        case 1043: "character varying"
        case 1082: "date"
        case 1114: "timestamp without time zone"
        case 1184: "timestamp with time zone"
        case 1700: "numeric"
        case 2950: "uuid"
        case 3802: "jsonb"
        case 1009: "text[]"
        case 1015: "character varying[]"
        case 1014: "character[]"
        case 1003: "name[]"
        case 1000: "boolean[]"
        case 1005: "smallint[]"
        case 1007: "integer[]"
        case 1016: "bigint[]"
        case 1028: "oid[]"
        case 1021: "real[]"
        case 1022: "double precision[]"
        case 1231: "numeric[]"
        case 2951: "uuid[]"
        default: "oid \(oid)"
        }
    }
}
