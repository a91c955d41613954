@testable import IntakeEngine
import AssayTesting
import Foundation
import Psychometrics
import Testing

/// Writes `text` to a new temporary file.
func temporaryCSV(_ text: String) throws -> String {
    let path = "\(TemporaryFolder.root)/assay-engine-\(UUID().uuidString).csv"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("The CSV reader")
struct CSVReaderTests {
    struct Record { var fields: [String]; var line: Int; var problem: String?; var raw: String }

    func records(_ text: String, chunk: Int = 1 << 22) throws -> [Record] {
        let path = try temporaryCSV(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, chunk: chunk)
        var all: [Record] = []
        while try reader.advance() {
            all.append(Record(fields: reader.fields, line: reader.recordLine, problem: reader.problem, raw: String(decoding: reader.raw, as: UTF8.self)))
        }
        return all
    }

    func strings(_ record: Record) -> [String] { record.fields }

    @Test("a record far longer than a chunk is read whole, and scanned a logarithmic number of times, not once per chunk")
    func longRecordIsLinear() throws {
        // An unterminated quote makes the rest of the file one record (the fuzzer's UTF-16 file of
        // 11 KB took seconds at 7-byte chunks, each chunk scanning the record again from its start).
        let long = String(repeating: "word, \"\"x\"\" ", count: 10_000)
        let path = try temporaryCSV("a,b\n1,\"" + long + "\"\n2,\"" + long)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, chunk: 7)
        #expect(try reader.advance())
        #expect(try reader.advance())
        #expect(reader.fields == ["1", long.replacingOccurrences(of: "\"\"", with: "\"")])
        #expect(try reader.advance())
        #expect(reader.problem != nil)
        #expect(try !reader.advance())
        // 2 × 130 KB at 7 bytes a chunk: about 37,000 scans when each chunk rescanned the record.
        #expect(reader.scans < 200, "\(reader.scans) scans")
    }

    @Test("a line far longer than a chunk is searched a logarithmic number of times for its end")
    func longLineIsLinear() throws {
        let long = String(repeating: "x", count: 9 << 20)
        let path = try temporaryCSV("{}\n" + long + "\n{}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try LineReader(path: path)
        #expect(try lines.next()?.1 == Array("{}".utf8))
        #expect(try lines.next()?.1.count == 9 << 20)
        #expect(try lines.next()?.1 == Array("{}".utf8))
        #expect(try lines.next() == nil)
        // 1 MB chunks: 10 refills one chunk at a time, 5 when the buffer doubles.
        #expect(lines.refills <= 6, "\(lines.refills) refills")
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks, and lines are counted across them")
    func quoted() throws {
        let all = try records("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here\n")
        #expect(all.count == 3)
        #expect(strings(all[1]) == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(all[1].line == 2)
        #expect(all[2].line == 4)
        #expect(all.allSatisfy { $0.problem == nil })
        #expect(all[1].raw == "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"")
    }

    @Test("records longer than the read buffer and many records across buffer boundaries")
    func largeRecords() throws {
        let long = String(repeating: "é,\"\"", count: 1_500_000)
        var text = "a,b\n\"\(long)\",x\n"
        for i in 0..<200_000 { text += "\(i),\"q\"\"\(i)\"\n" }
        let all = try records(text)
        #expect(all.count == 200_002)
        #expect(all[1].fields.count == 2)
        #expect(all[1].fields.first == String(repeating: "é,\"", count: 1_500_000), "the long field differs")
        #expect(all[1].fields.last == "x")
        #expect(all[200_001].fields == ["199999", "q\"199999"])
        #expect(all[200_001].line == 200_002)
    }

    @Test("tiny reads, which put every byte at the end of a buffer, give the same records as one read", arguments: [1, 2, 3, 5, 8, 13, 64])
    func bufferEnds(chunk: Int) throws {
        var rng = SplitMix64(seed: UInt64(chunk))
        let pieces = ["a", "b", ",", "\"", "\"\"", "\n", "\r", "\r\n", "é", "x y"]
        for trial in 0 ..< 400 {
            var text = trial % 5 == 0 ? "\u{FEFF}" : ""
            for _ in 0 ..< Int(rng.next() % 40) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let whole = try records(text)
            let tiny = try records(text, chunk: chunk)
            #expect(tiny.map(\.fields) == whole.map(\.fields) && tiny.map(\.line) == whole.map(\.line)
                    && tiny.map(\.problem) == whole.map(\.problem) && tiny.map(\.raw) == whole.map(\.raw), "\(Array(text.utf8))")
        }
    }

    @Test("CRLF and LF line ends, a byte-order mark, and a missing final newline")
    func lineEnds() throws {
        let all = try records("\u{FEFF}a,b\r\n1,\"2\"\r\n3,4")
        #expect(all.map(strings) == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test("empty fields and a quoted empty field")
    func empties() throws {
        #expect(try records(",,\"\"\n").map(strings) == [["", "", ""]])
    }

    @Test("malformed quoting is reported on its record, not guessed", arguments: [
        ("a,b\"c\n", "a quote inside an unquoted field"),
        ("\"ab\"c,d\n", "text after the closing quote"),
        ("\"never closed,x\n", "not closed"),
    ])
    func malformed(text: String, problem: String) throws {
        let all = try records(text)
        #expect(all.first?.problem?.contains(problem) == true, "\(String(describing: all.first?.problem))")
    }

    @Test("UTF-8 text of every script survives")
    func unicode() throws {
        #expect(try records("Zoë,日本,عربي,🧪\n").map(strings) == [["Zoë", "日本", "عربي", "🧪"]])
    }
}
