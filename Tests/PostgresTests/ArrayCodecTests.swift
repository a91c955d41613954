import AssayTesting
import Foundation
import Postgres
import Testing

/// Strings that an array literal must quote or escape to keep them as they are.
let trickyStrings: [String] = [
    "", " ", "  two  ", "plain", "NULL", "null", "NuLl", "NULL ", "\"NULL\"", "a,b", ",", "{", "}", "{a,b}", "{}",
    "\"", "\"\"", "\\", "\\\\", "\\\"", "end\\", "it's", "a \"quoted\" \\ back\\slash, {brace}", "tab\there",
    "new\nline", "cr\r\n", "\u{0B}vt\u{0C}ff", "[0:1]={x}", "=", "Zoë Ünal-Łukasiewicz", "日本語のテキスト", "emoji 🧪🩺",
    "\u{00A0}nbsp\u{00A0}", "ελληνικά",
]

@Suite("Array parameters and array columns")
struct ArrayCodecTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pg_arrays"))
    }

    /// Binds `value` as `$1`, selects it back cast to `sqlType`, and decodes it.
    func roundTrip<T: PostgresEncodable & PostgresDecodable>(_ value: T, _ sqlType: String) throws -> T {
        try connection.query("SELECT $1::\(sqlType) AS v", [value]).one().decode("v", as: T.self)
    }

    /// The elements of a bound text[] as the server sees them, read one by one as text (so the
    /// array decoder plays no part).
    func serverElements(_ value: [String?]) throws -> [String?] {
        try connection.query("SELECT e FROM unnest($1::text[]) WITH ORDINALITY AS u(e, n) ORDER BY n", [value])
            .map { try $0.decode("e", as: String?.self) }
    }

    // MARK: Round trips

    @Test("[Int32] binds as integer[] and keeps the extremes", arguments: [[], [0], [Int32.min, -1, 0, 1, Int32.max]])
    func int32Arrays(value: [Int32]) throws {
        #expect(try roundTrip(value, "int[]") == value)
        #expect(try connection.query("SELECT pg_typeof($1)::text AS t", [value]).one().decode("t", as: String.self) == "integer[]")
    }

    @Test("[Int] and [Int64] bind as bigint[] and keep the extremes", arguments: [[], [42], [Int.min, -1, 0, 1, Int.max]])
    func int64Arrays(value: [Int]) throws {
        #expect(try roundTrip(value, "bigint[]") == value)
        #expect(try roundTrip(value.map(Int64.init), "bigint[]") == value.map(Int64.init))
        #expect(try connection.query("SELECT pg_typeof($1)::text AS t", [value]).one().decode("t", as: String.self) == "bigint[]")
    }

    @Test("[Double] keeps full precision, signed zero, infinities and NaN")
    func doubleArrays() throws {
        let value: [Double] = [0, -0.0, 1.0 / 3.0, .pi, 1e-300, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               .infinity, -.infinity, .nan]
        let back = try roundTrip(value, "float8[]")
        #expect(back.count == value.count)
        for (sent, received) in zip(value, back) {
            if sent.isNaN { #expect(received.isNaN) } else { #expect(received.bitPattern == sent.bitPattern, "\(sent)") }
        }
        #expect(try roundTrip([Double](), "float8[]") == [])
    }

    @Test("[Bool] and [Bool?] keep true, false and NULL")
    func boolArrays() throws {
        #expect(try roundTrip([true, false, true], "boolean[]") == [true, false, true])
        #expect(try roundTrip([Bool?.none, true, nil, false], "boolean[]") == [nil, true, nil, false])
        let seen = try connection.query("SELECT e::text FROM unnest($1::boolean[]) WITH ORDINALITY u(e, n) ORDER BY n", [[true, nil, false] as [Bool?]])
            .map { try $0.decode("e", as: String?.self) }
        #expect(seen == ["true", nil, "false"])
    }

    @Test("text arrays keep every tricky string, one at a time", arguments: trickyStrings)
    func oneTrickyString(value: String) throws {
        #expect(try roundTrip([value], "text[]") == [value])
        #expect(try serverElements([value]) == [value])
        #expect(try roundTrip(["x", value, "y"], "text[]") == ["x", value, "y"])
    }

    @Test("the server reads every tricky string of a text[] parameter as it was sent, NULL elements included")
    func serverReadsTrickyStrings() throws {
        let value: [String?] = trickyStrings + [nil, "NULL", nil]
        #expect(try serverElements(value) == value)
        #expect(try roundTrip(value, "text[]") == value)
        #expect(try roundTrip(trickyStrings, "varchar[]") == trickyStrings)
    }

    @Test("arrays the server builds from separate values decode to those values")
    func decodesServerBuiltArrays() throws {
        let value: [String?] = trickyStrings + [nil]
        let placeholders = (1...value.count).map { "$\($0)::text" }.joined(separator: ", ")
        let rows = try connection.query("SELECT ARRAY[\(placeholders)] AS v", value.map { $0 as any PostgresEncodable })
        #expect(try rows.one().decode("v", as: [String?].self) == value)
        let numbers = try connection.query("SELECT ARRAY[$1::float8, $2, $3, $4] AS v", [0.1, -2.5e-10, Double.infinity, Double?.none])
        #expect(try numbers.one().decode("v", as: [Double?].self) == [0.1, -2.5e-10, .infinity, nil])
    }

    @Test("the string NULL and a NULL element stay distinct in both directions")
    func nullWordAndNullElement() throws {
        let value: [String?] = ["NULL", nil, "null", nil]
        #expect(try serverElements(value) == value)
        let flags = try connection.query("SELECT ($1::text[])[1] IS NULL AS a, ($1::text[])[2] IS NULL AS b", [value]).one()
        #expect(try flags.decode("a", as: Bool.self) == false)
        #expect(try flags.decode("b", as: Bool.self) == true)
        let fromServer = try connection.query("SELECT ARRAY['NULL', NULL]::text[] AS v").one().decode("v", as: [String?].self)
        #expect(fromServer == ["NULL", nil])
    }

    @Test("[Int32?] keeps NULL elements and their positions")
    func optionalIntegers() throws {
        #expect(try roundTrip([Int32?.none], "int[]") == [nil])
        #expect(try roundTrip([1, nil, 3] as [Int32?], "int[]") == [1, nil, 3])
        #expect(try roundTrip([nil, Int.max, nil] as [Int?], "bigint[]") == [nil, .max, nil])
        let nulls: Int = try connection.query("SELECT array_position($1::int[], NULL) AS p", [[1, nil, 3] as [Int32?]]).one().decode("p")
        #expect(nulls == 2)
    }

    @Test("an array stored in a table comes back as it went in")
    func tableColumns() throws {
        try connection.executeScript("""
            SELECT pg_advisory_xact_lock(7010);
            CREATE TABLE IF NOT EXISTS arrays_table (k text PRIMARY KEY, ints integer[], bigs bigint[], tags text[], flags boolean[], xs float8[])
            """)
        let key = "row-\(UInt64.random(in: 0...UInt64.max))"
        try connection.execute(
            "INSERT INTO arrays_table VALUES ($1, $2, $3, $4, $5, $6)",
            [key, [Int32(7), -8] as [Int32], [Int64.min] as [Int64], ["a,b", "", "NULL"], [false] as [Bool], [Double]()])
        let row = try connection.query("SELECT * FROM arrays_table WHERE k = $1", [key]).one()
        #expect(try row.decode("ints", as: [Int32].self) == [7, -8])
        #expect(try row.decode("ints", as: [Int].self) == [7, -8])
        #expect(try row.decode("bigs", as: [Int64].self) == [.min])
        #expect(try row.decode("tags", as: [String].self) == ["a,b", "", "NULL"])
        #expect(try row.decode("flags", as: [Bool].self) == [false])
        #expect(try row.decode("xs", as: [Double].self) == [])
    }

    // MARK: In statements

    @Test("[Int] binds to $1::int[] and the server casts it")
    func castToIntegerArray() throws {
        let sum: Int = try connection.query("SELECT sum(x)::bigint AS s FROM unnest($1::int[]) AS x", [[1, 2, 3, -4] as [Int]]).one().decode("s")
        #expect(sum == 2)
        // A bigint that does not fit in integer is refused by the server, not truncated.
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT $1::int[] AS v", [[3_000_000_000] as [Int]])
        }
        #expect(error.kind == .server)
        #expect(error.code?.rawValue == "22003")
    }

    @Test("= ANY($1) matches the listed ids, and an empty list matches none")
    func anyOfArray() throws {
        let matching = try connection.query(
            "SELECT x FROM generate_series(1, 10) AS x WHERE x = ANY($1) ORDER BY x", [[2, 5, 99] as [Int]]).map { try $0.decode("x", as: Int.self) }
        #expect(matching == [2, 5])
        let int32Matching = try connection.query(
            "SELECT x FROM generate_series(1, 10) AS x WHERE x = ANY($1) ORDER BY x", [[10, 1] as [Int32]]).map { try $0.decode("x", as: Int32.self) }
        #expect(int32Matching == [1, 10])
        let none = try connection.query("SELECT x FROM generate_series(1, 10) AS x WHERE x = ANY($1)", [[Int]()])
        #expect(none.isEmpty)
        let words = try connection.query(
            "SELECT w FROM unnest(ARRAY['a,b', 'NULL', 'c']) AS w WHERE w = ANY($1) ORDER BY w", [["NULL", "a,b", "zzz"]]).map { try $0.decode("w", as: String.self) }
        #expect(words == ["NULL", "a,b"])
        let excluded = try connection.query(
            "SELECT x FROM generate_series(1, 4) AS x WHERE x <> ALL($1) ORDER BY x", [[2, 3] as [Int]]).map { try $0.decode("x", as: Int.self) }
        #expect(excluded == [1, 4])
    }

    @Test("array_agg results decode, in order, with their NULL elements")
    func arrayAggregates() throws {
        let row = try connection.query("""
            SELECT array_agg(x ORDER BY x) AS ints,
                   array_agg(CASE WHEN x % 2 = 0 THEN NULL ELSE 'v' || x END ORDER BY x) AS texts,
                   array_agg(x::float8 / 4 ORDER BY x) AS halves,
                   array_agg(x > 2 ORDER BY x) AS flags
            FROM generate_series(1, 5) AS x
            """).one()
        #expect(try row.decode("ints", as: [Int32].self) == [1, 2, 3, 4, 5])
        #expect(try row.decode("ints", as: [Int].self) == [1, 2, 3, 4, 5])
        #expect(try row.decode("texts", as: [String?].self) == ["v1", nil, "v3", nil, "v5"])
        #expect(try row.decode("halves", as: [Double].self) == [0.25, 0.5, 0.75, 1, 1.25])
        #expect(try row.decode("flags", as: [Bool].self) == [false, false, true, true, true])
    }

    @Test("numeric[], real[] and smallint[] columns decode into [Double] and [Int]")
    func widerElementTypes() throws {
        let row = try connection.query("SELECT ARRAY[1.5, -2]::numeric[] AS n, ARRAY[0.5]::real[] AS r, ARRAY[7, -7]::smallint[] AS s").one()
        #expect(try row.decode("n", as: [Double].self) == [1.5, -2])
        #expect(try row.decode("r", as: [Double].self) == [0.5])
        #expect(try row.decode("s", as: [Int].self) == [7, -7])
        #expect(try row.decode("s", as: [Double].self) == [7, -7])
    }

    // MARK: Empty and NULL arrays

    @Test("an empty array is not NULL, and decodes as []")
    func emptyArrays() throws {
        let row = try connection.query(
            "SELECT $1::int[] IS NULL AS isnull, cardinality($1::int[]) AS n, '{}'::int[] AS e, ARRAY[]::text[] AS t", [[Int32]()]).one()
        #expect(try row.decode("isnull", as: Bool.self) == false)
        #expect(try row.decode("n", as: Int.self) == 0)
        #expect(try row.decode("e", as: [Int32].self) == [])
        #expect(try row.decode("t", as: [String].self) == [])
        #expect(try row.decode("t", as: [String?].self) == [])
    }

    @Test("a nil array binds NULL; a NULL array decodes as nil, and into a non-optional array is an error")
    func nullArrays() throws {
        let row = try connection.query(
            "SELECT $1::bigint[] IS NULL AS isnull, $1::bigint[] AS v, (SELECT array_agg(x) FROM generate_series(1, 0) AS x) AS agg",
            [[Int]?.none]).one()
        #expect(try row.decode("isnull", as: Bool.self))
        #expect(try row.decode("v", as: [Int]?.self) == nil)
        #expect(try row.decode("agg", as: [Int32]?.self) == nil)
        let error = try #require(throws: PostgresError.self) { _ = try row.decode("agg", as: [Int32].self) }
        #expect(error.kind == .decoding)
        #expect(error.column == "agg")
        #expect(try roundTrip([Int32]?.some([4]), "int[]") == [4])
    }

    // MARK: Refusals

    @Test("a NULL element into a non-optional element type is an error naming the column, the element and the fix",
          arguments: ["SELECT ARRAY[1, NULL, 3]::int[] AS v", "SELECT ARRAY['a', NULL, 'c']::text[] AS v", "SELECT ARRAY[true, NULL]::bool[] AS v"])
    func nullElementIntoNonOptional(sql: String) throws {
        let row = try connection.query(sql).one()
        let errors: [PostgresError] = [
            try #require(throws: PostgresError.self) { _ = try row.decode("v", as: [Int32].self) },
            try #require(throws: PostgresError.self) { _ = try row.decode("v", as: [String].self) },
            try #require(throws: PostgresError.self) { _ = try row.decode("v", as: [Bool].self) },
        ]
        // Exactly one of the three element types matches the column; its error is about the NULL.
        let nullErrors = errors.filter { $0.message.contains("NULL") }
        #expect(nullErrors.count == 1)
        let error = try #require(nullErrors.first)
        #expect(error.kind == .decoding)
        #expect(error.column == "v")
        #expect(error.message.contains("element 2"))
        #expect(error.message.contains("?]"))
    }

    @Test("a multidimensional array is refused with an error that says so",
          arguments: ["SELECT ARRAY[[1, 2], [3, 4]] AS v", "SELECT '[0:1][1:2]={{1,2},{3,4}}'::int[] AS v", "SELECT ARRAY[[NULL]]::int[] AS v"])
    func multidimensional(sql: String) throws {
        let row = try connection.query(sql).one()
        let error = try #require(throws: PostgresError.self) { _ = try row.decode("v", as: [Int32?].self) }
        #expect(error.kind == .decoding)
        #expect(error.column == "v")
        #expect(error.message.contains("multidimensional"))
    }

    @Test("an array with a lower bound other than 1 decodes its elements in order")
    func lowerBound() throws {
        #expect(try connection.query("SELECT '[0:2]={7,8,9}'::int[] AS v").one().decode("v", as: [Int32].self) == [7, 8, 9])
        #expect(try connection.query(#"SELECT '[-1:0]={"a b",NULL}'::text[] AS v"#).one().decode("v", as: [String?].self) == ["a b", nil])
    }

    @Test("an array of the wrong element type, or no array at all, is a mismatch naming both types, even when empty")
    func mismatch() throws {
        let row = try connection.query("SELECT ARRAY['x']::text[] AS words, '{}'::text[] AS empty, 5 AS scalar, ARRAY[3000000000]::bigint[] AS big").one()
        let wrong = try #require(throws: PostgresError.self) { _ = try row.decode("words", as: [Int].self) }
        #expect(wrong.kind == .decoding)
        #expect(wrong.message.contains("[Int]") && wrong.message.contains("text[]") && wrong.message.contains("\"words\""))
        #expect(throws: PostgresError.self) { _ = try row.decode("empty", as: [Int].self) }
        #expect(throws: PostgresError.self) { _ = try row.decode("scalar", as: [Int].self) }
        #expect(throws: PostgresError.self) { _ = try row.decode("words", as: [Bool].self) }
        let overflow = try #require(throws: PostgresError.self) { _ = try row.decode("big", as: [Int32].self) }
        #expect(overflow.column == "big")
        #expect(overflow.message.contains("big[1]") && overflow.message.contains("Int32"))
        #expect(try row.decode("big", as: [Int].self) == [3_000_000_000])
    }

    @Test("a string element holding NUL is refused before it reaches the server, naming the element")
    func nulInElement() throws {
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT $1::text[]", [["ok", "a\u{0}b"]]) }
        #expect(error.kind == .encoding)
        #expect(error.message.contains("element 2"))
        #expect(connection.isOpen)
    }
}
