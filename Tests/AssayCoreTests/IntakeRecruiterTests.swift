@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import IntakeEngine
import Postgres
import Testing

/// The files recruiters really have, and the duplicates they really make, through both ways an
/// import decides (in memory and through staging).
@Suite("Intake of recruiters' files", .serialized)
struct IntakeRecruiterTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "intake_recruiter")
        let connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
    }

    func count(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try Connection(url).query(sql, parameters)[0].decode(0)
    }

    func run(_ path: String, source: String? = nil, rejects: String? = nil, strict: Bool = false, map: [String: String] = [:],
             encoding: Intake.Encoding? = nil, method: Intake.Method = .automatic) throws -> Intake.Summary {
        try Intake(connection: Connection(url)).importFile(.init(path: path, encoding: encoding, columnMap: map, source: source, rejectsPath: rejects,
                                                                 strict: strict, actor: "tester", method: method))
    }

    func bytesFile(_ bytes: [UInt8], extension ext: String = "csv") throws -> String {
        let path = "\(TemporaryFolder.root)/assay-recruiter-\(UUID().uuidString).\(ext)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A spreadsheet export as Excel writes it in a French locale: byte-order mark, ';' between
    /// fields, CRLF, its own header names, extra columns.
    func excelExport(tag: String) -> String {
        let rows = [
            "First Name;Last Name;E-mail;Phone;Country;Languages;Domain;Degree;Years of experience;Notes;LinkedIn",
            "Amélie;Dubois;amelie-\(tag)@example.org;+33 6 12 34 56 78;FR;\"fr;en\";medicine;MD;9;great;https://linkedin.example/a",
            "Bob;Stone;bob-\(tag)@example.org;;UK;en;law;JD;12;;",
            "Chen;Li;chen-\(tag)@example.org;;CN;zh,en;physics;PhD;x;;",
            "Dee;Ray;dee-\(tag)@example.org;;US;English;maths;MSc;4;;",
            "Eve;Moss;eve-\(tag)@example.org;;IE;;law;;;;",
        ]
        return "\u{FEFF}" + rows.joined(separator: "\r\n") + "\r\n"
    }

    @Test("a ';' spreadsheet export with a byte-order mark, CRLF, Excel headers and extra columns imports; extras are named once")
    func excelFile() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile(excelExport(tag: tag))
        let summary = try run(path)
        #expect(summary.rowsRead == 5)
        #expect(summary.newExperts == 2, "Amélie and Eve")
        #expect(summary.rowsRejected == 3)
        #expect(summary.ignoredColumns == ["Notes", "LinkedIn"])
        #expect(summary.firstRejections.map(\.field) == ["Country", "Years of experience", "Languages", "Domain", "Degree"],
                "problems are named by the file's own headers")
        #expect(summary.firstRejections.first?.reason.contains("did you mean GB?") == true)
        let amelie = try Connection(url).query("SELECT full_name, phone, languages, highest_degree, years_experience FROM experts WHERE email = $1",
                                               ["amelie-\(tag)@example.org"])[0]
        #expect(try amelie.decode("full_name", as: String.self) == "Amélie Dubois", "first and last name make the full name")
        #expect(try amelie.decode("phone", as: String?.self) == "+33612345678")
        #expect(try amelie.decode("languages", as: [String].self) == ["fr", "en"])
        let eve = try Connection(url).query("SELECT languages, highest_degree, years_experience FROM experts WHERE email = $1", ["eve-\(tag)@example.org"])[0]
        #expect(try eve.decode("languages", as: [String].self) == [] && eve.decode("highest_degree", as: String?.self) == nil
                && eve.decode("years_experience", as: Int?.self) == nil, "what the file does not say is unknown, not invented")
        #expect(try count("SELECT count(*)::int FROM applications WHERE external_id = $1", ["amelie-\(tag)@example.org:medicine"]) == 1)
    }

    @Test("the rejects file of a spreadsheet export is fixed in the spreadsheet and imports as it is", arguments: [Intake.Method.automatic, .merge])
    func rejectsRoundTrip(method: Intake.Method) throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        var text = excelExport(tag: tag)
        // A rejected row whose phone starts like a formula: neutralised in the rejects file, restored on import.
        text += "Fay;Lee;fay-\(tag)@example.org;+44 20 7946 0000;England;en;law;phd;3;=cmd|' /c calc'!A0;\r\n"
        let path = try temporaryFile(text)
        let rejects = path + ".rejects.csv"
        let first = try run(path, rejects: rejects, method: method)
        #expect(first.rowsRejected == 4)
        #expect(try #require(FileManager.default.contents(atPath: rejects)).starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark")
        var fixed = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(fixed.hasPrefix("First Name;Last Name;E-mail;"), "the input's own header and delimiter")
        #expect(fixed.contains("\"'+44 20 7946 0000\""), "a cell starting with + is neutralised")
        #expect(fixed.contains("\"'=cmd|' /c calc'!A0\""))
        #expect(fixed.contains(";_line;_field;_reason\n"))
        fixed = fixed.replacingOccurrences(of: ";UK;", with: ";GB;").replacingOccurrences(of: ";x;", with: ";7;")
            .replacingOccurrences(of: ";English;maths;MSc;", with: ";en;mathematics;master;").replacingOccurrences(of: ";England;", with: ";GB;")
        let fixedPath = try temporaryFile(fixed)
        let second = try run(fixedPath, source: first.source, rejects: fixedPath + ".rejects.csv", method: method)
        #expect(second.rowsRejected == 0, "\(second.firstRejections)")
        #expect(second.newExperts == 4)
        #expect(second.ignoredColumns == ["Notes", "LinkedIn"], "the _ columns are ignored silently")
        #expect(try Connection(url).query("SELECT phone FROM experts WHERE email = $1", ["fay-\(tag)@example.org"])[0].decode(0) == "+442079460000")
        #expect(try count("SELECT count(*)::int FROM applications WHERE source = $1 AND external_id LIKE $2", [first.source, "%-\(tag)@example.org:%"]) == 6,
                "the rows join the first file's source, as the printed next step says")
    }

    @Test("UTF-16 with a byte-order mark is read; without one, and Windows-1252, are refused once with the option to give, and read with it")
    func encodings() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let text = "email\tfull_name\tcountry\tdomains\r\nunal-\(tag)@example.org\tÜnal Çağrı\tTR\tlaw\r\n"
        let withMark = try bytesFile([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(try run(withMark).newExperts == 1)
        #expect(try Connection(url).query("SELECT full_name FROM experts WHERE email = $1", ["unal-\(tag)@example.org"])[0].decode(0) == "Ünal Çağrı")
        let other = text.replacingOccurrences(of: "unal-", with: "unal2-")
        let withoutMark = try bytesFile(other.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let events = try count("SELECT count(*)::int FROM events")
        let error = try #require(throws: AssayError.self) { try run(withoutMark) }
        #expect(error.description.contains("--encoding utf-16le") && !error.description.contains("\u{0}"), "\(error)")
        #expect(try run(withoutMark, encoding: .utf16LittleEndian).newExperts == 1)
        let windows = try bytesFile(Array("email;full_name;country;domains\nzoe-\(tag)@example.org;Zo".utf8) + [0xEB] + Array(";FR;law\n".utf8))
        let refused = try #require(throws: AssayError.self) { try run(windows) }
        #expect(refused.description.contains("line 2") && refused.description.contains("'ë'") && refused.description.contains("--encoding windows-1252"),
                "\(refused)")
        #expect(try count("SELECT count(*)::int FROM events") == events + 1, "a refused file writes nothing")
        #expect(try run(windows, encoding: .windows1252).newExperts == 1)
        #expect(try Connection(url).query("SELECT full_name FROM experts WHERE email = $1", ["zoe-\(tag)@example.org"])[0].decode(0) == "Zoë")
    }

    @Test("a UTF-16 JSON Lines file is decoded whole: no NUL byte in any message, no half import")
    func utf16JSONLines() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let lines = (0 ..< 3).map { #"{"email": "j\#($0)-\#(tag)@example.org", "full_name": "J \#($0)", "country": "FR", "domains": ["law"]}"# }
        let text = lines.joined(separator: "\n") + "\n{\"email\": \"bad\"}\n"
        let path = try bytesFile([0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, extension: "jsonl")
        let summary = try run(path)
        #expect(summary.newExperts == 3 && summary.rowsRejected == 1)
        #expect(!summary.firstRejections.contains { $0.reason.contains("\u{0}") || $0.field.contains("\u{0}") })
        let noMark = try bytesFile(Array(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), extension: "jsonl")
        let error = try #require(throws: AssayError.self) { try run(noMark) }
        #expect(error.description.contains("UTF-16") && !error.description.contains("\u{0}"))
    }

    @Test("a spreadsheet workbook or a binary file is refused with what to do")
    func notText() throws {
        let workbook = try bytesFile([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], extension: "csv")
        let error = try #require(throws: AssayError.self) { try run(workbook) }
        #expect(error.description.contains("CSV UTF-8"))
    }

    @Test("--map maps any header and ignores another")
    func userMap() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("Mailbox,Who,Where,Area,Email\nm-\(tag)@example.org,Mo,PT,law,ignored\n")
        let summary = try run(path, map: ["Mailbox": "email", "Who": "full_name", "Where": "country", "Area": "domains", "Email": ""])
        #expect(summary.newExperts == 1 && summary.ignoredColumns.isEmpty)
    }

    @Test("a person with an open application in a domain gets no second one from another source or file; a closed one does not count")
    func openApplications() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let first = try temporaryFile("email,full_name,country,domains\np-\(tag)@example.org,P,FR,medicine\nq-\(tag)@example.org,Q,FR,law\n")
        #expect(try run(first).newExperts == 2)
        // The same rows under another name (the default source is the file's name), and a referral.
        let renamed = try temporaryFile("email,full_name,country,domains,source\np-\(tag)@example.org,P,FR,medicine,\nq-\(tag)@example.org,Q,FR,law,referral\n")
        let again = try run(renamed)
        #expect((again.newApplications, again.openApplicationExists) == (0, 2))
        #expect(again.firstDuplicates.first?.reason.contains("already has an open application for medicine") == true)
        // Q's application is closed (rejected): Q may apply again; P's is open, but P adds physics.
        try Connection(url).execute("UPDATE applications SET status = 'rejected' WHERE expert_id = (SELECT id FROM experts WHERE email = $1)", ["q-\(tag)@example.org"])
        let third = try temporaryFile("email,full_name,country,domains\np-\(tag)@example.org,P,FR,medicine;physics\nq-\(tag)@example.org,Q,FR,law\n")
        let summary = try run(third)
        #expect(summary.applicationsForKnownExperts == 2)
        let domains: [String] = try Connection(url).query("""
            SELECT a.domains FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1 ORDER BY a.id DESC LIMIT 1
            """, ["p-\(tag)@example.org"])[0].decode(0)
        #expect(domains == ["physics"], "the new application claims only what P does not already apply for")
        #expect(try count("SELECT count(*)::int FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1", ["p-\(tag)@example.org"]) == 2)
    }

    @Test("a person repeated within a file: later rows add only new domains, and say which row's values were kept")
    func repeatedPerson() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("""
            email,full_name,country,domains,years
            r-\(tag)@example.org,R First,FR,law,5
            r-\(tag)@example.org,R Second,DE,law,9
            R-\(tag)@Example.org,R Third,FR,physics,5

            """)
        let summary = try run(path)
        #expect((summary.newExperts, summary.applicationsForKnownExperts, summary.repeatedInFile) == (1, 1, 1))
        let note = try #require(summary.firstDuplicates.first)
        #expect(note.line == 3 && note.reason.contains("the values of line 2 were kept"), "\(note)")
        let row = try Connection(url).query("SELECT full_name, country, years_experience FROM experts WHERE email = $1", ["r-\(tag)@example.org"])[0]
        #expect(try row.decode("full_name", as: String.self) == "R First" && row.decode("country", as: String.self) == "FR")
    }

    @Test("a different person on an existing source and external id is rejected with its reason, in the rejects file; the same person is already imported")
    func conflicts() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let first = try temporaryFile("external_id,email,full_name,country,domains\n\(tag)-1,a-\(tag)@example.org,A,FR,law\n")
        #expect(try run(first, source: "ats").newExperts == 1)
        let second = try temporaryFile("""
            external_id,email,full_name,country,domains
            \(tag)-1,b-\(tag)@example.org,B,FR,law
            \(tag)-1,a-\(tag)@example.org,A,FR,law
            \(tag)-2,c-\(tag)@example.org,C,FR,law
            \(tag)-2,d-\(tag)@example.org,D,FR,law

            """)
        let rejects = second + ".rejects.csv"
        let summary = try run(second, source: "ats", rejects: rejects)
        #expect((summary.newExperts, summary.alreadyImported, summary.conflicts, summary.rowsRejected) == (1, 1, 2, 2))
        #expect(summary.firstRejections.map(\.line) == [2, 5])
        #expect(summary.firstRejections[0].reason.contains("another person's application"))
        #expect(summary.firstRejections[1].reason.contains("an earlier row of this file"))
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written.contains("b-\(tag)@example.org") && written.contains("d-\(tag)@example.org") && !written.contains("c-\(tag)@example.org"))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email IN ($1, $2)", ["b-\(tag)@example.org", "d-\(tag)@example.org"]) == 0)
    }

    @Test("--strict writes nothing when a row is rejected, and still writes the rejects file", arguments: [Intake.Method.automatic, .merge])
    func strict(method: Intake.Method) throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("email,full_name,country,domains\ns1-\(tag)@example.org,S,FR,law\ns2-\(tag)@example.org,S,XX,law\n")
        let rejects = path + ".rejects.csv"
        let events = try count("SELECT count(*)::int FROM events")
        let summary = try run(path, rejects: rejects, strict: true, method: method)
        #expect(summary.refusedAsStrict && !summary.written && summary.newExperts == 1 && summary.rowsRejected == 1)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 0)
        #expect(try count("SELECT count(*)::int FROM events") == events)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).contains("s2-\(tag)@example.org"))
        #expect(try count("SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database()") == 0)
        let clean = try temporaryFile("email,full_name,country,domains\ns3-\(tag)@example.org,S,FR,law\n")
        #expect(try run(clean, strict: true, method: method).newExperts == 1)
    }

    @Test("people merged into another: their email leads to the person kept; the merge moves applications with an event")
    func mergedPeople() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let number = String(UInt32.random(in: 10_000_000 ... 99_999_999))
        let path = try temporaryFile("""
            email,full_name,country,domains,phone,languages
            jane.doe.\(tag)+x@gmail.com,Jane Doe,FR,law,06 \(number),fr
            j.a.n.e.doe\(tag)@googlemail.com,DOE Jane,FR,physics,,en
            other-\(tag)@example.org,Someone \(tag),DE,law,+33 6 \(number),de

            """)
        #expect(try run(path).newExperts == 3)
        let connection = try Connection(url)
        let report = try ExpertDuplicates(connection: connection).find(limit: 1000)
        let group = try #require(report.groups.first { $0.members.contains { $0.email == "jane.doe.\(tag)+x@gmail.com" } })
        #expect(Set(group.members.map(\.email)) == ["jane.doe.\(tag)+x@gmail.com", "j.a.n.e.doe\(tag)@googlemail.com", "other-\(tag)@example.org"])
        #expect(Set(group.reasons) == ["same mailbox (email without dots or +tag)", "same name and country", "same phone"])
        let keep = group.members[0], other = group.members[1]
        #expect(throws: AssayError.self) { try ExpertMerger(connection: connection).merge(keep: String(keep.id), other: String(other.id), reason: " ", actor: "tester") }
        let result = try ExpertMerger(connection: connection).merge(keep: keep.email, other: String(other.id), reason: "gmail alias", actor: "tester")
        #expect(result.applicationsMoved == 1)
        #expect(try count("SELECT count(*)::int FROM applications WHERE expert_id = $1", [keep.id]) == 2)
        #expect(try count("SELECT count(*)::int FROM events WHERE action = 'experts.merge' AND subject_id = $1 AND reason = 'gmail alias'", [keep.id]) == 1)
        let languages: [String] = try connection.query("SELECT languages FROM experts WHERE id = $1", [keep.id])[0].decode(0)
        #expect(languages == ["en", "fr"])
        let again = try #require(throws: AssayError.self) {
            try ExpertMerger(connection: connection).merge(keep: String(keep.id), other: String(other.id), reason: "again", actor: "tester")
        }
        #expect(again.description.contains("already merged"))
        // An import that meets the merged email adds to the person kept.
        let later = try temporaryFile("email,full_name,country,domains\n\(other.email),DOE Jane,FR,chemistry\n")
        let summary = try run(later)
        #expect(summary.applicationsForKnownExperts == 1 && summary.newExperts == 0)
        #expect(try count("SELECT count(*)::int FROM applications WHERE expert_id = $1", [keep.id]) == 3)
        #expect(try ExpertDirectory(connection: connection).list(.init(limit: 100_000)).contains { $0.id == other.id } == false)
        #expect(try ExpertReference(other.email).resolve(on: connection) == keep.id)
        // merged_into must name an expert that exists, and the expert kept keeps its id
        // (checked by triggers since migration 026, as the foreign key did).
        func refused(_ sql: String) -> PostgresError? {
            do {
                try connection.withTransaction(rollingBack: true) { tx in try tx.executeScript(sql) }
                return nil
            } catch {
                return error as? PostgresError
            }
        }
        let dangling = refused("UPDATE experts SET merged_into = 987654321 WHERE id = \(group.members[2].id)")
        #expect(dangling?.code == .foreignKeyViolation)
        #expect(dangling?.message.contains("expert 987654321 (merged_into of expert \(group.members[2].id)) does not exist") == true, "\(dangling?.message ?? "")")
        let born = refused("INSERT INTO experts (email, full_name, country, languages, merged_into) VALUES ('born-\(tag)@example.org', 'Born', 'FR', '{fr}', 987654321)")
        #expect(born?.code == .foreignKeyViolation)
        let renumbered = refused("UPDATE experts SET id = 987654321 WHERE id = \(keep.id)")
        #expect(renumbered?.code == .foreignKeyViolation)
        #expect(renumbered?.message.contains("has experts merged into it") == true, "\(renumbered?.message ?? "")")
        #expect(refused("UPDATE experts SET merged_into = \(keep.id) WHERE id = \(group.members[2].id)") == nil)
        #expect(refused("INSERT INTO experts (email, full_name, country, languages, merged_into) VALUES ('born-\(tag)@example.org', 'Born', 'FR', '{fr}', \(keep.id))") == nil)
    }
}
