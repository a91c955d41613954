import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Binary COPY data")
struct BinaryCopyEncoderTests {
    let connection: Connection

    init() throws {
        connection = try Connection(try TestDatabase.url(for: "pg_binary_copy"))
    }

    struct Row: Equatable {
        var small: Int32, big: Int64, text: String?, micros: Int64?, list: [String]
    }

    @Test("every field type reads back as the server stores it: extremes, NULLs, Unicode, empty arrays, instants before 2000")
    func roundTrip() throws {
        try connection.executeScript("DROP TABLE IF EXISTS binary_rows; CREATE TABLE binary_rows (n int, small int4, big int8, t text, at timestamptz, list text[])")
        let rows = [
            Row(small: 0, big: 0, text: "", micros: 0, list: []),
            Row(small: .max, big: .max, text: "Zoë, 日本 \"quoted\" back\\slash\ttab\nline", micros: 946_684_800_000_000, list: ["fr", "en", ""]),
            Row(small: .min, big: .min, text: nil, micros: nil, list: ["🧪"]),
            Row(small: -1, big: -1, text: "x", micros: -3_155_673_600_000_000, list: ["a,b", "{c}", "d\"e"]),
        ]
        var encoder = BinaryCopyEncoder(output: [UInt8]())
        encoder.appendHeader()
        for (index, row) in rows.enumerated() {
            encoder.startRow(fields: 6)
            encoder.appendInt4(Int32(index))
            encoder.appendInt4(row.small)
            encoder.appendInt8(row.big)
            if let text = row.text { encoder.appendText(text) } else { encoder.appendNull() }
            if let micros = row.micros { encoder.appendTimestamp(microsecondsSince2000: micros) } else { encoder.appendNull() }
            let bytes = row.list.map { Array($0.utf8) }
            var pointers: [UnsafeBufferPointer<UInt8>] = []
            for element in bytes { element.withUnsafeBufferPointer { pointers.append($0) } }
            withExtendedLifetime(bytes) { encoder.appendTextArray(pointers) }
        }
        encoder.appendTrailer()
        let copied = try connection.copyIn("COPY binary_rows (n, small, big, t, at, list) FROM STDIN (FORMAT binary)") { try $0.write(encoder.output) }
        #expect(copied == rows.count)
        let back = try connection.query("""
            SELECT small, big, t, ((extract(epoch FROM at) - 946684800) * 1000000)::bigint AS micros, list FROM binary_rows ORDER BY n
            """).map { row in
            Row(small: try row.decode("small"), big: try row.decode("big"), text: try row.decode("t"), micros: try row.decode("micros"),
                list: try row.decode("list"))
        }
        #expect(back == rows)
        let dimensions: Int = try connection.query("SELECT count(*)::int AS n FROM binary_rows WHERE array_ndims(list) = 1 AND array_lower(list, 1) = 1")[0].decode("n")
        #expect(dimensions == 3, "non-empty arrays are one-dimensional from 1")
    }

    @Test("a field of the wrong width or type is refused by the server, not misread")
    func wrongField() throws {
        try connection.executeScript("DROP TABLE IF EXISTS binary_strict; CREATE TABLE binary_strict (big int8, list int4[])")
        var narrow = BinaryCopyEncoder(output: [UInt8]())
        narrow.appendHeader()
        narrow.startRow(fields: 2)
        narrow.appendInt4(7)
        narrow.appendNull()
        let width = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY binary_strict FROM STDIN (FORMAT binary)") { try $0.write(narrow.output) }
        }
        #expect(width.kind == .server)
        var texts = BinaryCopyEncoder(output: [UInt8]())
        texts.appendHeader()
        texts.startRow(fields: 2)
        texts.appendInt8(7)
        texts.appendTextArray([UnsafeBufferPointer<UInt8>]())
        let type = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY binary_strict FROM STDIN (FORMAT binary)") { try $0.write(texts.output) }
        }
        #expect(type.kind == .server)
        #expect(try connection.query("SELECT count(*)::int AS n FROM binary_strict")[0].decode("n", as: Int.self) == 0)
    }
}
