import AssayCore
import Foundation
import Testing

@Suite("Text from outside shown on a terminal")
struct VisibleTextTests {
    @Test("escape sequences, C1 controls and carriage returns are shown, not obeyed")
    func controls() {
        let title = "Dr \u{1B}]0;pwned\u{07}Smith"
        #expect(title.visibleSafe == "Dr \\u{1B}]0;pwned\\u{7}Smith")
        #expect("a\rb\u{0B}c\u{0C}d\u{85}e\u{9B}2J".visibleSafe == "a\\u{D}b\\u{B}c\\u{C}d\\u{85}e\\u{9B}2J")
        #expect("\u{1B}]52;c;ZXZpbA==\u{07}".visibleSafe.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        #expect("x\u{7F}".visibleSafe == "x\\u{7F}")
    }

    @Test("line breaks are escaped on one line and kept in paragraphs")
    func lineBreaks() {
        #expect("one\ntwo\tthree".visibleSafe == "one\\ntwo\\tthree")
        #expect("one\ntwo\tthree".visibleSafeLines == "one\ntwo\tthree")
        #expect("one\r\ntwo".visibleSafeLines == "one\\u{D}\ntwo")
    }

    @Test("bidi overrides, zero-width and format characters are shown")
    func invisible() {
        #expect("abc\u{202E}fed".visibleSafe == "abc\\u{202E}fed")
        #expect("pay\u{200B}pal".visibleSafe == "pay\\u{200B}pal")
        #expect("\u{FEFF}name\u{2066}x\u{2069}".visibleSafe == "\\u{FEFF}name\\u{2066}x\\u{2069}")
        #expect("a\u{2028}b".visibleSafe == "a\\u{2028}b")
        #expect("tag\u{E0041}".visibleSafe == "tag\\u{E0041}")
    }

    @Test("ordinary text of every script is untouched, joiners kept where scripts need them")
    func ordinary() {
        for text in ["Zoë Ñúñez", "محمد", "王小明", "Ελένη", "নমস্কার", "می‌خواهم", "👨‍👩‍👧", "C:\\path\\to", "100% — “quoted”"] {
            #expect(text.visibleSafe == text)
            #expect(VisibleText.isPlain(text))
        }
        #expect("a\u{200D}b".visibleSafe == "a\\u{200D}b")
    }
}

@Suite("CSV cells a spreadsheet would run")
struct CSVNeutralisationTests {
    @Test("formula starters get an apostrophe and quotes (OWASP)")
    func formulas() {
        #expect(CSVText.field("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(CSVText.field("+1+cmd|' /C calc'!A0") == "\"'+1+cmd|' /C calc'!A0\"")
        #expect(CSVText.field("-2+3") == "\"'-2+3\"")
        #expect(CSVText.field("@SUM(A1)") == "\"'@SUM(A1)\"")
        #expect(CSVText.field("\tx") == "\"'\tx\"")
        #expect(CSVText.field("\rx") == "\"'\rx\"")
    }

    @Test("numbers and ordinary text are written as they are")
    func plain() {
        for text in ["-3", "-0.25", "+44", "-1.5e-05", "Smith, Ann", "a-b", "", "x=1"] {
            #expect(CSVText.field(text) == CSVText.rawField(text))
        }
        #expect(CSVText.field("Smith, Ann") == "\"Smith, Ann\"")
        #expect(CSVText.field("--") == "\"'--\"")
    }
}

@Suite("Output files")
struct OutputFileTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "assay-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") || $0.hasSuffix(".partial") }
    }

    @Test("written whole on commit, 0600 for personal data, nothing before")
    func commit() throws {
        let path = folder + "/roster.csv"
        let file = try OutputFile(path: path, personalData: true)
        try file.write("email\nann@example.org\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        try file.commit()
        #expect(contents(path) == "email\nann@example.org\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try leftovers().isEmpty)
    }

    @Test("a discarded file leaves nothing and an existing file untouched")
    func discard() throws {
        let path = folder + "/roster.csv"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let file = try OutputFile(path: path, personalData: true)
        try file.write("new")
        file.discard()
        #expect(contents(path) == "old")
        #expect(try leftovers().isEmpty)
    }

    @Test("an existing regular file is replaced; refused when replacing is off")
    func replace() throws {
        let path = folder + "/out.gift"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let file = try OutputFile(path: path, personalData: false)
        try file.write("new")
        try file.commit()
        #expect(contents(path) == "new")
        #expect(throws: AssayError.self) { try OutputFile(path: path, personalData: false, replacing: false) }
    }

    @Test("folders, trailing slashes, links, the input and missing folders are refused")
    func refusals() throws {
        let sub = folder + "/rejects"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try "keep".write(toFile: sub + "/inside.txt", atomically: false, encoding: .utf8)
        let input = folder + "/applicants.csv"
        try "email\n".write(toFile: input, atomically: false, encoding: .utf8)
        let link = folder + "/link.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)

        for (path, words) in [(sub, "is a folder"), (sub + "/", "names a folder"), (folder + "/new/", "names a folder"),
                              (link, "symbolic link"), (input, "is the input"), (folder + "/missing/x.csv", "does not exist")] {
            let error = #expect(throws: AssayError.self) { try OutputFile(path: path, inputs: [input], personalData: true, field: "rejects") }
            #expect(error?.message.contains(words) == true, "\(path): \(error?.message ?? "")")
            #expect(error?.exitStatus == 2)
            #expect(error?.field == "rejects")
        }
        #expect(contents(sub + "/inside.txt") == "keep")
        #expect(contents(input) == "email\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == input)
    }

    @Test("while it is written the file has no name, so a killed export leaves nothing behind")
    func unnamedWhileWriting() throws {
        let path = folder + "/killed.csv"
        let file = try OutputFile(path: path, personalData: true)
        try file.write(String(repeating: "secret@example.org\n", count: 200_000))  // past the buffer: on disk now
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        file.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
