import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Reading binary COPY data")
struct BinaryCopyDecoderTests {
    /// Decodes `data` fed in pieces of the given sizes (cycled), returning each row's fields as text (NULL as nil).
    func decode(_ data: [UInt8], pieces: [Int]) throws -> [[String?]] {
        var decoder = BinaryCopyDecoder()
        var rows: [[String?]] = []
        var offset = 0, index = 0
        while offset < data.count {
            let size = min(pieces[index % pieces.count], data.count - offset)
            try data[offset ..< offset + size].withUnsafeBytes { chunk in
                try decoder.feed(chunk) { fields in rows.append(fields.map { $0.map { String(decoding: $0, as: UTF8.self) } }) }
            }
            offset += size
            index += 1
        }
        #expect(decoder.finished)
        return rows
    }

    @Test("rows read back whole however the data is cut, NULLs and empty texts told apart", arguments: [[1], [2, 3], [7], [19, 1, 40], [1 << 20]])
    func pieces(pieces: [Int]) throws {
        var encoder = BinaryCopyEncoder(output: [UInt8]())
        encoder.appendHeader()
        let expected: [[String?]] = [["a", "", nil], ["Zoë 日本", "x,y", "\n"], [String(repeating: "z", count: 300), nil, "1"]]
        for row in expected {
            encoder.startRow(fields: 3)
            for field in row { if let field { encoder.appendText(field) } else { encoder.appendNull() } }
        }
        encoder.appendTrailer()
        #expect(try decode(encoder.output, pieces: pieces) == expected)
    }

    @Test("what the server sends reads back (bigint, text, NULL)")
    func fromServer() throws {
        let connection = try Connection(try TestDatabase.url(for: "pg_binary_copy_out"))
        var decoder = BinaryCopyDecoder()
        var rows: [(Int64?, String?)] = []
        try connection.copyOut("COPY (SELECT g::bigint, CASE WHEN g % 3 = 0 THEN NULL ELSE 'row ' || g END FROM generate_series(1, 5000) g) TO STDOUT (FORMAT binary)") { chunk in
            try decoder.feed(chunk) { fields in
                rows.append((fields[0].flatMap(BinaryCopyDecoder.int64), fields[1].map { String(decoding: $0, as: UTF8.self) }))
            }
        }
        #expect(decoder.finished)
        #expect(rows.count == 5000)
        #expect(rows.allSatisfy { row in row.0.map { $0 % 3 == 0 ? row.1 == nil : row.1 == "row \($0)" } ?? false })
    }

    @Test("data that is not binary COPY is refused")
    func notBinary() {
        var decoder = BinaryCopyDecoder()
        #expect(throws: PostgresError.self) {
            try Array("id\temail\n1\ta@example.org\n".utf8).withUnsafeBytes { try decoder.feed($0) { _ in } }
        }
    }
}
