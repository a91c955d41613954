import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Two COPY OUT at once")
struct CopyOutPairTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "pg_copy_pair")
    }

    struct Boom: Error {}

    @Test("each sink receives exactly its own COPY's rows, in order, while both run")
    func bothComplete() throws {
        let first = try Connection(url)
        let second = try first.openAnother()
        var firstRows: [String] = []
        var secondRows: [String] = []
        var switches = 0
        var last = 0
        try first.copyOut("COPY (SELECT 'a' || g FROM generate_series(1, 200000) g) TO STDOUT", alongside: second,
                          "COPY (SELECT 'b' || g FROM generate_series(1, 150000) g) TO STDOUT", to: { chunk in
                              firstRows.append(String(decoding: chunk, as: UTF8.self))
                              if last == 2 { switches += 1 }
                              last = 1
                          }, otherSink: { chunk in
                              secondRows.append(String(decoding: chunk, as: UTF8.self))
                              if last == 1 { switches += 1 }
                              last = 2
                          })
        #expect(firstRows == (1 ... 200_000).map { "a\($0)\n" })
        #expect(secondRows == (1 ... 150_000).map { "b\($0)\n" })
        // Read as they came, not one whole COPY after the other.
        #expect(switches > 1)
        #expect(try first.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(try second.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }

    @Test("a COPY the server refuses, on either side, throws the server's error and leaves both connections usable", arguments: [false, true])
    func refused(onOther: Bool) throws {
        let first = try Connection(url)
        let second = try first.openAnother()
        let good = "COPY (SELECT g FROM generate_series(1, 500000) g) TO STDOUT"
        let bad = "COPY no_such_table TO STDOUT"
        let error = try #require(throws: PostgresError.self) {
            try first.copyOut(onOther ? good : bad, alongside: second, onOther ? bad : good, to: { _ in }, otherSink: { _ in })
        }
        #expect(error.code == .undefinedTable)
        #expect(try first.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(try second.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }

    @Test("an error thrown by a sink cancels both COPYs, is rethrown, and leaves both connections usable")
    func sinkErrorCancelsBoth() throws {
        let first = try Connection(url)
        let second = try first.openAnother()
        var received = 0
        #expect(throws: Boom.self) {
            try first.copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT", alongside: second,
                              "COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT", to: { _ in }, otherSink: { _ in
                                  received += 1
                                  if received == 10 { throw Boom() }
                              })
        }
        #expect(received == 10)
        #expect(try first.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(try second.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }

    @Test("a statement that is not a COPY … TO STDOUT is refused as a usage error")
    func notACopy() throws {
        let first = try Connection(url)
        let second = try first.openAnother()
        let error = try #require(throws: PostgresError.self) {
            try first.copyOut("COPY (SELECT 1) TO STDOUT", alongside: second, "SELECT 1", to: { _ in }, otherSink: { _ in })
        }
        #expect(error.kind == .usage)
        #expect(try first.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(try second.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }
}
