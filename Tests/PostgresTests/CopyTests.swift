import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("COPY in and out")
struct CopyTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_copy")
    }

    @Test("100,000 rows stream in by chunks and stream back out unchanged")
    func roundTrip() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS bulk; CREATE TABLE bulk (id int PRIMARY KEY, name text, score float8)")
        let total = 100_000
        func line(_ i: Int) -> String { "\(i)\tnäme \(i) \\\\ tab\\there\t\(i * 3)\n" }
        var expectedChecksum = 0
        let copied = try connection.copyIn("COPY bulk (id, name, score) FROM STDIN") { writer in
            var chunk = ""
            for i in 1...total {
                chunk += line(i)
                if i % 1000 == 0 {
                    try writer.write(chunk)
                    chunk = ""
                }
            }
            try writer.write(chunk)
        }
        #expect(copied == total)
        for i in 1...total { expectedChecksum &+= line(i).utf8.reduce(0) { $0 &* 31 &+ Int($1) } &* i }

        var rows = 0
        var checksum = 0
        let exported = try connection.copyOut("COPY (SELECT id, name, score FROM bulk ORDER BY id) TO STDOUT") { chunk in
            rows += 1
            checksum &+= chunk.reduce(0) { $0 &* 31 &+ Int($1) } &* rows
        }
        #expect(exported == total)
        #expect(rows == total)
        #expect(checksum == expectedChecksum)
        let name: String = try connection.query("SELECT name FROM bulk WHERE id = 5")[0].decode("name")
        #expect(name == "näme 5 \\ tab\there")
    }

    @Test("a bad row in the middle fails the COPY with its line, and nothing is kept")
    func badRowInTheMiddle() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS strict_rows; CREATE TABLE strict_rows (id int, n int)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY strict_rows FROM STDIN WITH (FORMAT csv)") { writer in
                for i in 1...1000 {
                    try writer.write(i == 500 ? "500,not-a-number\n" : "\(i),\(i)\n")
                }
            }
        }
        #expect(error.kind == .server)
        #expect(error.code == .invalidTextRepresentation)
        #expect(error.context?.contains("line 500") == true)
        #expect(try connection.query("SELECT count(*) AS n FROM strict_rows")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.query("SELECT 1 AS ok")[0].decode("ok", as: Int.self) == 1)
    }

    @Test("a unique violation during COPY is reported after the data is sent")
    func uniqueViolationInCopy() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS unique_rows; CREATE TABLE unique_rows (id int PRIMARY KEY)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY unique_rows FROM STDIN") { writer in
                try writer.write("1\n2\n1\n")
            }
        }
        #expect(error.code == .uniqueViolation)
        #expect(error.constraint == "unique_rows_pkey")
    }

    @Test("an error thrown while feeding aborts the COPY and is rethrown")
    func bodyErrorAborts() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS aborted_rows; CREATE TABLE aborted_rows (id int)")
        #expect(throws: Boom.self) {
            try connection.copyIn("COPY aborted_rows FROM STDIN") { writer in
                try writer.write("1\n2\n")
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM aborted_rows")[0].decode("n", as: Int.self) == 0)
    }

    @Test("an error thrown by the sink cancels the export and leaves the connection usable")
    func sinkErrorCancels() throws {
        let connection = try Connection(url)
        var received = 0
        #expect(throws: Boom.self) {
            try connection.copyOut("COPY (SELECT g FROM generate_series(1, 1000000) g) TO STDOUT") { _ in
                received += 1
                if received == 10 { throw Boom() }
            }
        }
        #expect(received == 10)
        #expect(try connection.query("SELECT 3 AS three")[0].decode("three", as: Int.self) == 3)
    }

    @Test("a COPY the server rejects at once reports the server's error")
    func rejectedCopy() throws {
        let connection = try Connection(url)
        let error = try #require(throws: PostgresError.self) {
            try connection.copyOut("COPY no_such_table TO STDOUT") { _ in }
        }
        #expect(error.code == .undefinedTable)
        let usage = try #require(throws: PostgresError.self) {
            try connection.copyIn("SELECT 1") { _ in }
        }
        #expect(usage.kind == .usage)
    }
}
