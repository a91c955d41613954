import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("COPY fed from a thread of its own")
struct CopyFeederTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_copy_feeder")
    }

    @Test("chunks queued ahead arrive whole and in order; two COPYs fed from one loop both complete")
    func twoCopies() throws {
        let first = try Connection(url)
        let second = try Connection(url)
        try first.executeScript("DROP TABLE IF EXISTS fed_a, fed_b; CREATE TABLE fed_a (id int, name text); CREATE TABLE fed_b (id int)")
        var counts = (0, 0)
        counts.0 = try first.copyIn("COPY fed_a FROM STDIN", feederLabel: "test.a", pending: 2, sendBuffer: 1 << 20) { a in
            counts.1 = try second.copyIn("COPY fed_b FROM STDIN", feederLabel: "test.b") { b in
                for chunk in 0 ..< 200 {
                    // Rows split across chunks on purpose: the feeder sends bytes, not rows.
                    let rows = (chunk * 100 ..< chunk * 100 + 100).map { "\($0)\tname \($0)\n" }.joined()
                    let bytes = Array(rows.utf8)
                    try a.send(Array(bytes[..<7]))
                    try a.send(Array(bytes[7...]))
                    try b.send(Array((chunk * 100 ..< chunk * 100 + 100).map { "\($0)\n" }.joined().utf8))
                }
            }
        }
        #expect(counts.0 == 20_000 && counts.1 == 20_000)
        let ordered: Int = try first.query("SELECT count(*)::int AS n FROM fed_a WHERE name = 'name ' || id")[0].decode("n")
        #expect(ordered == 20_000)
    }

    @Test("a refusal by the server while chunks are queued ends the COPY with the server's error, and the connection stays usable")
    func serverRefusal() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS fed_unique; CREATE TABLE fed_unique (id int PRIMARY KEY)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY fed_unique FROM STDIN", feederLabel: "test.unique") { feeder in
                try feeder.send(Array("1\n1\n".utf8))
                for chunk in 0 ..< 2000 {
                    try feeder.send(Array((10 + chunk * 100 ..< 10 + chunk * 100 + 100).map { "\($0)\n" }.joined().utf8))
                    usleep(100)
                }
            }
        }
        #expect(error.code == .uniqueViolation)
        #expect(try connection.query("SELECT count(*)::int AS n FROM fed_unique")[0].decode("n", as: Int.self) == 0)
    }

    @Test("a body that throws drops what is queued, aborts the COPY and rethrows; a feeder kept past its COPY refuses to send")
    func bodyFailure() throws {
        let connection = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS fed_aborted; CREATE TABLE fed_aborted (id int)")
        var kept: CopyFeeder?
        #expect(throws: Boom.self) {
            try connection.copyIn("COPY fed_aborted FROM STDIN", feederLabel: "test.aborted") { feeder in
                kept = feeder
                for i in 0 ..< 50 { try feeder.send(Array("\(i)\n".utf8)) }
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT count(*)::int AS n FROM fed_aborted")[0].decode("n", as: Int.self) == 0)
        let feeder = try #require(kept)
        let late = try #require(throws: PostgresError.self) { try feeder.send(Array("1\n".utf8)) }
        #expect(late.kind == .usage)
    }

    @Test("a body told by other means that the server refused the COPY gets the server's own error back")
    func endedByServer() throws {
        let connection = try Connection(url)
        let watcher = try Connection(url)
        try connection.executeScript("DROP TABLE IF EXISTS fed_watched; CREATE TABLE fed_watched (id int)")
        let pid: Int = try connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        try connection.execute("BEGIN")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY fed_watched FROM STDIN", feederLabel: "test.watched") { feeder in
                // A bad first row, in a message that libpq sends whole at once (it sends 8 KB
                // blocks: 5 bytes of message header + 16,379 bytes of data are two of them).
                try feeder.send(Array(("xx\n" + String(repeating: "1\n", count: 8188)).utf8))
                for _ in 0 ..< 500 {
                    let aborted: Int = try watcher.query("""
                        SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'idle in transaction (aborted)'
                        """, [pid])[0].decode("n")
                    if aborted == 1 { throw feeder.endedByServer() }
                    usleep(10_000)
                }
                Issue.record("the server did not refuse the COPY within 5 s")
            }
        }
        #expect(error.code == .invalidTextRepresentation)
        try connection.execute("ROLLBACK")
    }
}
