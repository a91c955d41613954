@testable import IntakeEngine
import AssayTesting
import Foundation
import Testing

/// Writes bytes to a new temporary file.
func temporaryBytes(_ bytes: [UInt8], extension ext: String = "csv") throws -> String {
    let path = "\(TemporaryFolder.root)/assay-engine-\(UUID().uuidString).\(ext)"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("Encodings and delimiters of the files recruiters have")
struct EncodingTests {
    static let text = "external_id,full_name\r\n1,\"Zoë Ünal, €5\"\r\n2,𝔘𝔫𝔦 😀\r\n"

    func utf16(_ text: String, bigEndian: Bool, mark: Bool) -> [UInt8] {
        var bytes: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let pair = [UInt8(unit >> 8), UInt8(unit & 0xFF)]
            bytes += bigEndian ? pair : pair.reversed()
        }
        return bytes
    }

    func records(_ path: String, encoding: TextEncoding, delimiter: UInt8 = 44, chunk: Int = 1 << 22) throws -> [[String]] {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding, chunk: chunk)
        var all: [[String]] = []
        while try reader.advance() { all.append(reader.fields) }
        return all
    }

    @Test("UTF-16 in either byte order, with or without a mark, reads as the same records, even when every read splits a character",
          arguments: [(false, true), (true, true), (false, false), (true, false)], [1, 3, 4096])
    func utf16Files(order: (bigEndian: Bool, mark: Bool), chunk: Int) throws {
        let path = try temporaryBytes(utf16(Self.text, bigEndian: order.bigEndian, mark: order.mark))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let encoding: TextEncoding = order.mark ? .utf16 : (order.bigEndian ? .utf16BigEndian : .utf16LittleEndian)
        #expect(try records(path, encoding: encoding, chunk: chunk) == [["external_id", "full_name"], ["1", "Zoë Ünal, €5"], ["2", "𝔘𝔫𝔦 😀"]])
    }

    @Test("Windows-1252 and Latin-1 are read as what they say (é, €, curly quotes)")
    func singleByte() throws {
        let bytes: [UInt8] = Array("a,b\n".utf8) + [0xE9, 0x2C, 0x80, 0x93, 0x94, 0x0A]
        let path = try temporaryBytes(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try records(path, encoding: .windows1252) == [["a", "b"], ["é", "€\u{201C}\u{201D}"]])
        #expect(try records(path, encoding: .latin1)[1] == ["é", "\u{80}\u{93}\u{94}"])
    }

    @Test("a lone surrogate or an odd last byte becomes U+FFFD, never a crash")
    func brokenUTF16() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + utf16("a\n", bigEndian: false, mark: false) + [0x00, 0xD8, 0x41, 0x00, 0x0A, 0x00, 0x42]
        let path = try temporaryBytes(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try records(path, encoding: .utf16) == [["a"], ["\u{FFFD}A"], ["\u{FFFD}"]])
    }

    @Test("the start of a file tells its encoding", arguments: [
        ("utf-8", EncodingSniffer.Finding.utf8),
        ("utf-8 bom", .utf8),
        ("utf-16le bom", .utf16(bigEndian: false)),
        ("utf-16be bom", .utf16(bigEndian: true)),
        ("utf-16le", .utf16WithoutMark(bigEndian: false)),
        ("utf-16be", .utf16WithoutMark(bigEndian: true)),
        ("xlsx", .spreadsheetArchive),
        ("nul", .binary),
        ("windows-1252", .notUTF8(line: 2, byte: 0xE9, windows1252: "é")),
    ])
    func sniffing(kind: String, expected: EncodingSniffer.Finding) {
        let text = "email,full_name\njose@example.org,José\n"
        let bytes: [UInt8] = switch kind {
        case "utf-8": Array(text.utf8)
        case "utf-8 bom": [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case "utf-16le bom": utf16(text, bigEndian: false, mark: true)
        case "utf-16be bom": utf16(text, bigEndian: true, mark: true)
        case "utf-16le": utf16(text, bigEndian: false, mark: false)
        case "utf-16be": utf16(text, bigEndian: true, mark: false)
        case "xlsx": [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]
        case "nul": Array("a,b\n1,\u{0}2\n".utf8)
        default: Array("email,full_name\njose@example.org,Jos".utf8) + [0xE9, 0x0A]
        }
        #expect(EncodingSniffer.sniff(bytes, complete: true) == expected)
    }

    @Test("a character cut by the end of the window is not taken for a wrong byte")
    func windowEdge() {
        let bytes = Array("a,b\n".utf8) + [0xC3]
        #expect(EncodingSniffer.sniff(bytes, complete: false) == .utf8)
        #expect(EncodingSniffer.sniff(bytes, complete: true) != .utf8)
    }

    @Test("the delimiter is found in the header row, quotes and later lines aside", arguments: [
        ("a,b,c\n1;2;3;4;5\n", UInt8(ascii: ",")),
        ("First Name;Last Name;E-mail\n", UInt8(ascii: ";")),
        ("email\tname\tcountry\n", UInt8(ascii: "\t")),
        ("\"a;b\",c\n", UInt8(ascii: ",")),
        ("email\n", UInt8(ascii: ",")),
        ("\"Name, full\";Email;Country\n", UInt8(ascii: ";")),
    ])
    func delimiter(header: String, expected: UInt8) {
        #expect(CSVDelimiter.detect(in: Array(header.utf8)) == expected)
    }

    @Test("semicolon and tab files read like comma files, delimiters inside quotes kept", arguments: [UInt8(ascii: ";"), UInt8(ascii: "\t")])
    func otherDelimiters(delimiter: UInt8) throws {
        let d = String(UnicodeScalar(delimiter))
        let path = try temporaryBytes(Array("a\(d)b\(d)c\r\n\"x\(d) y\"\(d)plain, comma\(d)\r\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try records(path, encoding: .utf8, delimiter: delimiter, chunk: 3) == [["a", "b", "c"], ["x\(d) y", "plain, comma", ""]])
    }

    @Test("encoding names in the spellings people use", arguments: [
        ("UTF8", TextEncoding.utf8), ("utf-16", .utf16), ("UTF-16LE", .utf16LittleEndian), ("utf_16be", .utf16BigEndian),
        ("cp1252", .windows1252), ("Windows-1252", .windows1252), ("ISO-8859-1", .latin1), ("latin1", .latin1),
    ])
    func encodingNames(name: String, expected: TextEncoding) {
        #expect(TextEncoding(name: name) == expected)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }
}
