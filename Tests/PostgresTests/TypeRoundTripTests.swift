import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Bound parameters and decoded columns")
struct TypeRoundTripTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pg_types"))
    }

    /// Binds `value` as `$1`, selects it back cast to `sqlType`, and decodes it.
    func roundTrip<T: PostgresEncodable & PostgresDecodable>(_ value: T, _ sqlType: String) throws -> T {
        let rows = try connection.query("SELECT $1::\(sqlType) AS v", [value])
        return try rows[0].decode("v", as: T.self)
    }

    @Test("integers keep every value, including the extremes", arguments: [0, 1, -1, 42, Int.max, Int.min])
    func integers(value: Int) throws {
        #expect(try roundTrip(value, "bigint") == value)
        #expect(try roundTrip(Int64(value), "bigint") == Int64(value))
    }

    @Test("Int32 binds as integer", arguments: [Int32.max, Int32.min, 0])
    func int32(value: Int32) throws {
        #expect(try roundTrip(value, "integer") == value)
    }

    @Test("doubles keep full precision and the special values",
          arguments: [0.0, -0.0, 1.0 / 3.0, .pi, 1e-300, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity])
    func doubles(value: Double) throws {
        #expect(try roundTrip(value, "double precision") == value)
    }

    @Test("NaN survives a round trip")
    func notANumber() throws {
        #expect(try roundTrip(Double.nan, "double precision").isNaN)
    }

    @Test("booleans", arguments: [true, false])
    func booleans(value: Bool) throws {
        #expect(try roundTrip(value, "boolean") == value)
    }

    @Test("strings keep unicode, quotes, backslashes and whitespace",
          arguments: ["", "plain", "Zoë Ünal-Łukasiewicz", "日本語のテキスト", "emoji 🧪🩺", "it's \"quoted\" \\ back\\slash", "tab\tnew\nline\r\n"])
    func strings(value: String) throws {
        #expect(try roundTrip(value, "text") == value)
    }

    @Test("a string holding NUL is refused before it reaches the server")
    func nulInString() throws {
        #expect(throws: PostgresError.self) { try connection.query("SELECT $1::text", ["a\u{0}b"]) }
    }

    @Test("dates keep microseconds, across eras and time zones",
          arguments: [0.0, 1_795_000_000.123456, -1_000_000_000.5, -62_135_596_800.0, 253_402_300_799.999999, -100_000_000_000.0])
    func dates(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let back = try roundTrip(date, "timestamptz")
        #expect(abs(back.timeIntervalSince1970 - seconds) < 1e-6 * max(1, abs(seconds) / 1e9))
    }

    @Test("the server's own clock decodes as a Date near ours")
    func serverNow() throws {
        let now: Date = try connection.query("SELECT now() AS t")[0].decode("t")
        #expect(abs(now.timeIntervalSinceNow) < 300)
    }

    @Test("timestamps written in another time zone decode to the same instant")
    func otherZone() throws {
        let rows = try connection.query("SELECT '2024-02-29 23:30:00.25-05:30'::timestamptz AS t")
        let date: Date = try rows[0].decode("t")
        #expect(date.timeIntervalSince1970 == 1_709_269_200.25)
    }

    @Test("text arrays keep empty strings, commas, quotes, braces, NULL-looking words and unicode",
          arguments: [[], [""], ["a", "b"], ["with,comma", "with \"quote\"", "{brace}", "back\\slash", "NULL", "null", " spaced ", "ελληνικά"]])
    func textArrays(value: [String]) throws {
        #expect(try roundTrip(value, "text[]") == value)
    }

    @Test("an array holding NULL cannot be decoded as [String]")
    func arrayWithNull() throws {
        let rows = try connection.query("SELECT ARRAY['a', NULL]::text[] AS v")
        #expect(throws: PostgresError.self) { _ = try rows[0].decode("v", as: [String].self) }
    }

    @Test("bytea keeps every byte value")
    func bytes() throws {
        let value = Data((0...255).map { UInt8($0) } + [0, 0, 255])
        #expect(try roundTrip(value, "bytea") == value)
        #expect(try roundTrip(Data(), "bytea") == Data())
    }

    @Test("JSON binds as jsonb and decodes Codable values")
    func json() throws {
        struct Payload: Codable, Equatable { var name: String; var scores: [Double]; var nested: [String: Bool] }
        let payload = Payload(name: "Zoë \"Z\"", scores: [1.5, -2], nested: ["ok": true])
        let back = try roundTrip(try PostgresJSON(encoding: payload), "jsonb")
        #expect(try back.decode(Payload.self) == payload)
        let invalid = PostgresJSON(text: "{not json")
        #expect(throws: PostgresError.self) { try connection.query("SELECT $1::jsonb", [invalid]) }
    }

    @Test("nil optionals bind NULL and NULL decodes as nil")
    func nulls() throws {
        let rows = try connection.query(
            "SELECT $1::bigint AS i, $2::text AS s, $3::timestamptz AS d, $4::text[] AS a, $5::bytea AS b, $6::jsonb AS j, $7::boolean AS f, $8::float8 AS x",
            [Int?.none, String?.none, Date?.none, [String]?.none, Data?.none, PostgresJSON?.none, Bool?.none, PostgresNull()])
        let row = rows[0]
        #expect(try row.decode("i", as: Int?.self) == nil)
        #expect(try row.decode("s", as: String?.self) == nil)
        #expect(try row.decode("d", as: Date?.self) == nil)
        #expect(try row.decode("a", as: [String]?.self) == nil)
        #expect(try row.decode("b", as: Data?.self) == nil)
        #expect(try row.decode("j", as: PostgresJSON?.self) == nil)
        #expect(try row.decode("f", as: Bool?.self) == nil)
        #expect(try row.decode("x", as: Double?.self) == nil)
        #expect(try row.isNull("i"))
    }

    @Test("an optional with a value binds the value")
    func someOptional() throws {
        #expect(try roundTrip(Int?.some(7), "bigint") == 7)
    }

    @Test("an unexpected NULL names the column and suggests an optional")
    func unexpectedNull() throws {
        let rows = try connection.query("SELECT NULL::text AS nickname")
        let error = try #require(throws: PostgresError.self) { _ = try rows[0].decode("nickname", as: String.self) }
        #expect(error.kind == .decoding)
        #expect(error.column == "nickname")
        #expect(error.message.contains("nickname") && error.message.contains("NULL") && error.message.contains("String?"))
    }

    @Test("a type mismatch names the column, the expected and the actual type")
    func mismatch() throws {
        let rows = try connection.query("SELECT 42::integer AS years")
        let error = try #require(throws: PostgresError.self) { _ = try rows[0].decode("years", as: String.self) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("\"years\""))
        #expect(error.message.contains("String"))
        #expect(error.message.contains("integer"))
        let overflow = try connection.query("SELECT 3000000000::bigint AS big")
        #expect(throws: PostgresError.self) { _ = try overflow[0].decode("big", as: Int32.self) }
    }

    @Test("columns decode by index as well as by name; an unknown column is an error listing the real ones")
    func columnsByIndex() throws {
        let rows = try connection.query("SELECT 1::int AS a, 'two'::text AS b")
        #expect(try rows[0].decode(0, as: Int.self) == 1)
        #expect(try rows[0].decode(1, as: String.self) == "two")
        #expect(rows.columns == ["a", "b"])
        let error = try #require(throws: PostgresError.self) { _ = try rows[0].decode("c", as: Int.self) }
        #expect(error.message.contains("a, b"))
        #expect(throws: PostgresError.self) { _ = try rows[0].decode(5, as: Int.self) }
    }

    @Test("numeric columns decode as Double")
    func numeric() throws {
        let rows = try connection.query("SELECT 12345.678::numeric AS n")
        #expect(try rows[0].decode("n", as: Double.self) == 12345.678)
    }

    @Test("a table stores and returns every supported type in one row")
    func tableRoundTrip() throws {
        try connection.execute("DROP TABLE IF EXISTS everything")
        try connection.execute("""
            CREATE TABLE everything (i bigint, d double precision, b boolean, s text, t timestamptz,
                                     a text[], y bytea, j jsonb)
            """)
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        let inserted = try connection.execute(
            "INSERT INTO everything VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [Int.max, 2.5, true, "Ñandú", date, ["x", "y,z"], Data([1, 2, 3]), PostgresJSON(text: #"{"k": [1, 2]}"#)])
        #expect(inserted == 1)
        let row = try connection.query("SELECT * FROM everything")[0]
        #expect(try row.decode("i", as: Int.self) == .max)
        #expect(try row.decode("d", as: Double.self) == 2.5)
        #expect(try row.decode("b", as: Bool.self))
        #expect(try row.decode("s", as: String.self) == "Ñandú")
        #expect(try row.decode("t", as: Date.self) == date)
        #expect(try row.decode("a", as: [String].self) == ["x", "y,z"])
        #expect(try row.decode("y", as: Data.self) == Data([1, 2, 3]))
        #expect(try row.decode("j", as: PostgresJSON.self).text == #"{"k": [1, 2]}"#)
    }
}

@Suite("Large values")
struct LargeValueTests {
    @Test("a 1 MB string survives a round trip")
    func largeString() throws {
        let connection = try Connection(try TestDatabase.url(for: "pg_types"))
        let value = String(repeating: "abcdé", count: 200_000)
        let back: String = try connection.query("SELECT $1::text AS v", [value])[0].decode("v")
        #expect(back == value)
    }
}
