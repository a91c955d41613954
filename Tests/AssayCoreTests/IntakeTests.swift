@testable import AssayCore
import IntakeEngine
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Writes `text` to a new temporary file with the given extension.
func temporaryFile(_ text: String, extension ext: String = "csv") throws -> String {
    let path = "\(TemporaryFolder.root)/assay-intake-\(UUID().uuidString).\(ext)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

let intakeHeader = "external_id,full_name,email,country,languages,domains,highest_degree,years_experience,source,applied_at,resume_text\n"

@Suite("Validating applicants")
struct ApplicantValidatorTests {
    let validator = ApplicantValidator(knownDomains: ["medicine", "law", "mathematics", "software-engineering"], defaultSource: "file.csv")
    static let good: [String: String] = [
        "external_id": "X1", "full_name": "  Zoë Ünal ", "email": " Zoe.Unal@Example.ORG ", "country": "fr",
        "languages": "FR; en,fr", "domains": "medicine", "highest_degree": "MD", "years_experience": "12",
        "source": "", "applied_at": "2026-03-01T09:30:00+01:00", "resume_text": "", "phone": "+33 (0)6 12-34.56 78",
    ]

    func problems(_ fields: [String: String]) -> [FieldProblem] {
        guard case .failure(let problems) = validator.validate(ApplicantInput(fields: fields)) else { return [] }
        return problems.problems
    }

    @Test("a good row is normalized: trimmed, email lower-cased, country upper-cased, codes de-duplicated, phone to digits")
    func normalizes() throws {
        let record = try validator.validate(ApplicantInput(fields: Self.good)).get()
        #expect(record.email == "zoe.unal@example.org")
        #expect(record.fullName == "Zoë Ünal")
        #expect(record.country == "FR")
        #expect(record.languages == ["fr", "en"])
        #expect(record.highestDegree == "md")
        #expect(record.phone == "+330612345678")
        #expect(record.source == "file.csv")
        #expect(record.appliedAt == "2026-03-01T09:30:00+01:00")
        #expect(record.resumeText == nil)
    }

    @Test("only email, name, country and domains are required; an unsaid external id is the email and the domains")
    func optionalFields() throws {
        let record = try validator.validate(ApplicantInput(fields: ["email": "A@Example.org", "full_name": "A", "country": "GB",
                                                                    "domains": "medicine;law"])).get()
        #expect(record.externalID == "a@example.org:law+medicine")
        #expect(record.languages.isEmpty && record.highestDegree == nil && record.yearsExperience == nil && record.phone == nil)
        let empty = try validator.validate(ApplicantInput(fields: ["email": "a@example.org", "full_name": "A", "country": "GB", "domains": "law",
                                                                   "languages": " ", "highest_degree": "", "years_experience": "", "external_id": ""])).get()
        #expect(empty.externalID == "a@example.org:law" && empty.languages.isEmpty && empty.yearsExperience == nil)
        #expect(ApplicantValidator.defaultExternalID(email: "a@example.org", domains: ["law", "medicine"])
                == ApplicantValidator.defaultExternalID(email: "a@example.org", domains: ["medicine", "law", "law"]))
    }

    @Test("each rule rejects its field with a reason", arguments: [
        ("email", "jane.example.org"), ("email", "jane@localhost"), ("email", "ja ne@example.org"), ("email", "a@b@example.org"), ("email", ""),
        ("country", "XX"), ("country", "FRA"), ("country", ""),
        ("languages", "english"), ("languages", "xx"),
        ("domains", "astrology"), ("domains", ""),
        ("highest_degree", "doctorate"), ("years_experience", "71"), ("years_experience", "-1"), ("years_experience", "ten"),
        ("applied_at", "2026-02-30"), ("applied_at", "01/03/2026"), ("applied_at", "2026-03-01T09:30"),
        ("full_name", "   "), ("phone", "call me"), ("phone", "12"), ("phone", "+33 6 12 34 56 78 90 12 34"), ("external_id", "a\u{7}b"),
    ])
    func rejects(field: String, value: String) {
        var fields = Self.good
        fields[field] = value
        let found = problems(fields)
        #expect(found.map(\.field) == [field], "\(field)=\(value)")
        #expect(!(found.first?.reason.isEmpty ?? true))
    }

    @Test("every problem of a row is reported at once, each with its field")
    func everyProblem() {
        var fields = Self.good
        fields["email"] = "nope"
        fields["country"] = "France"
        fields["years_experience"] = "many"
        fields["domains"] = "astrology"
        #expect(problems(fields).map(\.field) == ["email", "country", "domains", "years_experience"])
    }

    @Test("country names, language names and common degrees come with a suggestion", arguments: [
        ("country", "France", "did you mean FR?"), ("country", "UK", "did you mean GB?"), ("country", "United States", "did you mean US?"),
        ("country", "Deutschland", "did you mean DE?"), ("country", "côte d'ivoire", "did you mean CI?"), ("country", "FRA", "did you mean FR?"),
        ("languages", "English", "did you mean en?"), ("languages", "français", "did you mean fr?"), ("languages", "deu", "did you mean de?"),
        ("highest_degree", "MSc", "did you mean master?"), ("highest_degree", "Ph.D.", "did you mean phd?"), ("highest_degree", "Bachelor's", "did you mean bachelor?"),
        ("domains", "maths", "did you mean mathematics?"), ("domains", "software engineering", "did you mean software-engineering?"),
        ("years_experience", "5 years", "did you mean 5?"),
    ])
    func suggestions(field: String, value: String, words: String) {
        var fields = Self.good
        fields[field] = value
        let reason = problems(fields).first?.reason ?? ""
        #expect(reason.contains(words), "\(value): \(reason)")
    }

    @Test("a value shown in a reason cannot act on a terminal")
    func visibleReasons() {
        var fields = Self.good
        fields["country"] = "\u{1B}]52;c;ZXZpbA==\u{7}"
        let reason = problems(fields).first?.reason ?? ""
        #expect(!reason.unicodeScalars.contains { $0.value < 0x20 }, "\(reason)")
        #expect(reason.contains("\\u{1B}"))
    }

    @Test("a cell a spreadsheet would run as a formula, neutralised with an apostrophe by a rejects file, reads as the value again")
    func neutralisedCells() throws {
        var fields = Self.good
        fields["phone"] = "'+33 6 12 34 56 78"
        fields["full_name"] = "'-Dash Name"
        let record = try validator.validate(ApplicantInput(fields: fields)).get()
        #expect(record.phone == "+33612345678")
        #expect(record.fullName == "-Dash Name")
        fields["full_name"] = "'Quoted"
        #expect(try validator.validate(ApplicantInput(fields: fields)).get().fullName == "'Quoted", "an apostrophe before text is the name's own")
    }

    @Test("ISO 8601 forms that are accepted", arguments: ["2026-03-01", "2026-03-01T09:30:00Z", "2026-03-01 09:30:00.123+05:30", "2024-02-29T00:00Z", "2026-03-01T09:30:00-0800"])
    func dates(text: String) {
        #expect(ISO8601Text.normalize(text) != nil)
    }
}

@Suite("Matching a header to the fields")
struct ColumnMapTests {
    @Test("common header names map by themselves, in any case and with or without accents", arguments: [
        ("E-mail", "email"), ("Email Address", "email"), ("Courriel", "email"), ("Name", "full_name"), ("Full Name", "full_name"),
        ("fullName", "full_name"), ("Country code", "country"), ("Pays", "country"), ("Language", "languages"), ("Domain", "domains"),
        ("Expertise", "domains"), ("Degree", "highest_degree"), ("Highest Degree", "highest_degree"), ("Diplôme", "highest_degree"),
        ("Years", "years_experience"), ("Years of experience", "years_experience"), ("Années d'expérience", "years_experience"),
        ("Mobile", "phone"), ("Phone number", "phone"), ("Téléphone", "phone"), ("Candidate ID", "external_id"), ("Résumé", "resume_text"),
        ("CV", "resume_text"), ("Date applied", "applied_at"), ("Channel", "source"),
    ])
    func synonyms(header: String, field: String) {
        #expect(ColumnMap.field(named: header) == field)
    }

    @Test("unknown columns are named once and ignored; _ columns silently; a split name makes the full name")
    func ignoredAndSplitName() throws {
        let map = try ColumnMap(header: ["First Name", "Last Name", "E-mail", "Phone", "Country", "Domain", "Notes", "LinkedIn", "_line", "_reason", ""])
        #expect(map.ignored == ["Notes", "LinkedIn"])
        #expect(map.firstNameColumn == 0 && map.lastNameColumn == 1)
        #expect(map.column(of: "email") == 2 && map.column(of: "phone") == 3)
    }

    @Test("every missing required column is named at once, with the header's own columns")
    func missing() {
        let error = #expect(throws: AssayError.self) { try ColumnMap(header: ["Name", "Phone", "Notes"], file: "x.csv") }
        #expect(error?.description.contains("required columns email, country, domains") == true, "\(String(describing: error))")
        #expect(error?.description.contains("'Notes'") == true)
        #expect(error?.line == 1)
    }

    @Test("--map maps any header, ignores one with an empty field, and is checked")
    func userMap() throws {
        let map = try ColumnMap(header: ["Mail", "Who", "Where", "Area", "Email"], userMap: ["mail": "email", "WHO": "full_name", "Where": "country",
                                                                                                "Area": "domains", "Email": ""])
        #expect(map.column(of: "email") == 0 && map.column(of: "full_name") == 1 && map.column(of: "domains") == 3)
        #expect(map.ignored.isEmpty)
        #expect(throws: AssayError.self) { try ColumnMap(header: ["Mail"], userMap: ["Mail": "mailbox"]) }
        #expect(throws: AssayError.self) { try ColumnMap(header: ["Email", "Name", "Country", "Domains"], userMap: ["Mobile": "phone"]) }
    }

    @Test("two columns for one field are refused, naming both and the way out")
    func twice() {
        let error = #expect(throws: AssayError.self) { try ColumnMap(header: ["Email", "E-mail", "Name", "Country", "Domains"]) }
        #expect(error?.description.contains("'Email' (column 1) and 'E-mail' (column 2) both mean email") == true, "\(String(describing: error))")
        #expect(error?.description.contains("--map 'E-mail='") == true)
    }
}

@Suite("Importing applicants", .serialized)
struct IntakeTests {
    let url: String

    init() throws {
        url = try TestDatabase.url(for: "intake")
        let connection = try Connection(url)
        try Migrator.shipped().migrate(connection)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try Catalog(connection: connection).sync(BankLinter.lint(path: root.appendingPathComponent("interview-banks").path), actor: "tester")
    }

    func count(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try Connection(url).query(sql, parameters)[0].decode(0)
    }

    func importFile(_ path: String, format: Intake.Format? = nil, source: String? = nil, rejects: String? = nil, dryRun: Bool = false,
                    strict: Bool = false, map: [String: String] = [:], encoding: Intake.Encoding? = nil, method: Intake.Method = .automatic) throws -> Intake.Summary {
        try Intake(connection: Connection(url)).importFile(.init(path: path, format: format, encoding: encoding, columnMap: map, source: source,
                                                                 rejectsPath: rejects, dryRun: dryRun, strict: strict, actor: "tester", method: method))
    }

    /// The records of a CSV file (the rejects file: UTF-8 with a byte-order mark).
    func csvRecords(_ path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[String]] {
        let reader = try CSVReader(path: path, delimiter: delimiter)
        var all: [[String]] = []
        while try reader.advance() { all.append(reader.fields) }
        return all
    }

    @Test("invalid rows go to the rejects file with the input's header, their original cells, line, fields and reasons; valid rows are imported")
    func rejectsWithLines() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let csv = intakeHeader + """
            \(tag)-1,"Doe, Jane",jane-\(tag)@example.org,US,en;es,medicine,phd,10,s,,"multi
            line résumé"
            \(tag)-2,Bad,bad-at-example.org,US,en,law,jd,3,s,,
            \(tag)-3,Bob,bob-\(tag)@example.org,ZZ,en,law,jd,99,s,,
            \(tag)-4,Too,too-\(tag)@example.org,US,en,law,jd,3,s
            \(tag)-5,Eve,eve-\(tag)@example.org,US,en,law,jd,3,s,,

            """
        let path = try temporaryFile(csv)
        let rejects = path + ".rejects.csv"
        let summary = try importFile(path, rejects: rejects)
        #expect(summary.rowsRead == 5)
        #expect(summary.rowsRejected == 3 && summary.rowsInvalid == 3)
        #expect(summary.newExperts == 2)
        #expect(summary.firstRejections.map(\.line) == [4, 5, 5, 6], "rows are numbered by file line, counting the quoted line break")
        #expect(summary.firstRejections.map(\.field) == ["email", "country", "years_experience", "(row)"])
        let bytes = try #require(FileManager.default.contents(atPath: rejects))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "a byte-order mark, so that spreadsheets read accents right")
        let records = try csvRecords(rejects)
        #expect(records.first == intakeHeader.dropLast().split(separator: ",").map(String.init) + ["_line", "_field", "_reason"])
        #expect(records.count == 4, "one line per rejected row")
        #expect(records[1].prefix(3) == ["\(tag)-2", "Bad", "bad-at-example.org"])
        #expect(records[2].suffix(3).dropLast() == ["5", "country; years_experience"])
        #expect(records[2].last?.contains("country: 'ZZ' is not") == true && records[2].last?.contains("years_experience: '99'") == true)
        #expect(records[3][records[3].count - 3] == "6" && records[3][records[3].count - 2] == "(row)")
        var mode = stat()
        #expect(stat(rejects, &mode) == 0 && mode.st_mode & 0o777 == 0o600, "rejects hold personal data")
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%\(tag)%"]) == 2)
    }

    @Test("every rejected row reaches the rejects file, past its write buffer, in file order")
    func manyRejects() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let padding = String(repeating: "x", count: 120)
        var csv = intakeHeader
        for row in 0 ..< 3000 {
            csv += row % 3 == 0 ? "\(tag)-\(row),Good \(row),good\(row)-\(tag)@example.org,US,en,law,jd,3,s,,\n"
                                : "\(tag)-\(row),Bad \(row),bad\(row)-\(tag)@example.org,XX,en,law,jd,3,s,,\(padding)\n"
        }
        let path = try temporaryFile(csv)
        let rejects = path + ".rejects.csv"
        defer { try? FileManager.default.removeItem(atPath: rejects) }
        let summary = try importFile(path, rejects: rejects)
        #expect(summary.rowsRejected == 2000 && summary.newExperts == 1000)
        let records = try csvRecords(rejects)
        #expect(records.count == 2001)
        let lines: [Int?] = records.dropFirst().map { (record: [String]) -> Int? in Int(record[record.count - 3]) }
        let expected: [Int?] = (0 ..< 3000).filter { $0 % 3 != 0 }.map { (row: Int) -> Int? in row + 2 }
        #expect(lines == expected)
    }

    @Test("re-running an import changes nothing and says so; the same person from another source joins the same expert")
    func idempotenceAndDedupe() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let first = try temporaryFile(intakeHeader + """
            \(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,linkedin,2026-01-02,
            \(tag)-2,Ben,ben-\(tag)@example.org,DE,de,law,jd,4,linkedin,,
            \(tag)-2,Ben,ben-\(tag)@example.org,DE,de,law,jd,4,linkedin,,

            """)
        let summary = try importFile(first)
        #expect((summary.rowsRead, summary.newExperts, summary.applicationsForKnownExperts, summary.repeatedInFile) == (3, 2, 0, 1))
        #expect(summary.firstDuplicates.map(\.line) == [4])
        #expect(summary.firstDuplicates.first?.reason.contains("the values of line 3 were kept") == true, "\(summary.firstDuplicates)")
        let again = try importFile(first)
        #expect((again.newExperts, again.applicationsForKnownExperts, again.alreadyImported) == (0, 0, 3))
        // The same person through another source, with another language and domain.
        let second = try temporaryFile(intakeHeader + "R-\(tag),Ana María,ANA-\(tag)@Example.org,ES,en,chemistry,md,8,referral,,\n")
        let merged = try importFile(second)
        #expect((merged.newExperts, merged.applicationsForKnownExperts) == (0, 1))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["ana-\(tag)@example.org"]) == 1)
        #expect(try count("SELECT count(*)::int FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1", ["ana-\(tag)@example.org"]) == 2)
        let languages: [String] = try Connection(url).query("SELECT languages FROM experts WHERE email = $1", ["ana-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "es"], "languages are unioned")
        #expect(try Connection(url).query("SELECT full_name FROM experts WHERE email = $1", ["ana-\(tag)@example.org"])[0].decode(0) == "Ana",
                "a known person keeps the values recorded first")
    }

    @Test("a header that names no required column or is empty is refused before anything is written, naming every missing column", arguments: [
        ("external_id,full_name,country,languages,highest_degree,years_experience\n", "required columns email, domains"),
        ("external_id,email,E-mail,full_name,country,domains\n", "both mean email"),
        ("", "empty"),
    ])
    func badHeader(header: String, words: String) throws {
        let path = try temporaryFile(header.isEmpty ? "" : header + "1,x,y@example.org,US,en,law,jd,3,z\n")
        let before = try count("SELECT count(*)::int FROM events")
        let error = try #require(throws: AssayError.self) { try importFile(path) }
        #expect(error.isBadInput)
        #expect(error.description.contains(words), "\(error)")
        #expect(error.line == 1)
        #expect(try count("SELECT count(*)::int FROM events") == before)
    }

    @Test("an unknown column is named once in the summary and ignored")
    func unknownColumn() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("email,full_name,country,domains,nickname,Phone 2\nu-\(tag)@example.org,U,US,law,uu,123\n")
        let summary = try importFile(path)
        #expect(summary.newExperts == 1 && summary.rowsRejected == 0)
        #expect(summary.ignoredColumns == ["nickname", "Phone 2"])
    }
    @Test("the binary timestamps the direct import sends are the instants PostgreSQL reads from the same text")
    func binaryTimestampsAgreeWithPostgreSQL() throws {
        var rng = SplitMix64(seed: 7)
        var texts = ["1900-01-01", "2000-01-01", "1999-12-31T23:59:59.999999Z", "2000-02-29T12:00:00+14:00", "2100-03-01T00:00:00-12:30",
                     "2999-12-31T23:59:59.999999+00:01", "2024-02-29T00:00Z", "2026-03-01T09:30:00.1234567-08:00", "1969-07-20T20:17:40Z"]
        for _ in 0 ..< 300 {
            let year = 1900 + Int(rng.next() % 1100), month = 1 + Int(rng.next() % 12), day = 1 + Int(rng.next() % 28)
            let fraction = rng.next() % 3 == 0 ? "" : "." + String(rng.next() % 1_000_000)
            let zone = ["Z", "+05:30", "-08:00", "+14:00", "-0330", "+01"][Int(rng.next() % 6)]
            texts.append(String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, Int(rng.next() % 24), Int(rng.next() % 60), Int(rng.next() % 60)) + fraction + zone)
        }
        let normalized = try texts.map { try #require(ISO8601Text.normalize($0), "\($0)") }
        let ours = try normalized.map { text in
            try #require(Array(text.utf8).withUnsafeBufferPointer { ISO8601Text.postgresMicroseconds(ofNormalized: $0) }, "\(text)")
        }
        let theirs: [Int64] = try Connection(url).query("""
            SELECT ((extract(epoch FROM t::timestamptz) - 946684800) * 1000000)::bigint AS micros
            FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n
            """, [normalized]).map { try $0.decode("micros") }
        #expect(ours == theirs)
        for bad in ["2026-03-01", "2026-03-01T09:30:00", "2026-13-01T00:00:00Z", "2026-03-01T09:30:00Z ", "2026-03-01T09:30:00+0530"] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { ISO8601Text.postgresMicroseconds(ofNormalized: $0) } == nil, "\(bad)")
        }
    }

    @Test("a path that cannot be read (a folder) is refused with the reason, before anything is written", arguments: [Intake.Format.csv, .jsonl])
    func unreadablePath(format: Intake.Format) throws {
        let folder = "\(TemporaryFolder.root)/assay-intake-folder-\(UUID().uuidString).\(format.rawValue)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = try count("SELECT count(*)::int FROM events")
        let error = try #require(throws: AssayError.self) { try importFile(folder, format: format) }
        #expect(error.isBadInput)
        #expect(error.file == folder)
        #expect(error.description.contains("is a folder"), "\(error)")
        #expect(try count("SELECT count(*)::int FROM events") == before)
    }

    @Test("a dry run validates and counts as the import would, but writes nothing", arguments: [Intake.Method.automatic, .merge])
    func dryRun(method: Intake.Method) throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let known = try temporaryFile(intakeHeader + "\(tag)-k,Known,known-\(tag)@example.org,US,en,law,jd,3,s,,\n")
        _ = try importFile(known)
        let path = try temporaryFile(intakeHeader + """
            \(tag),Dry,dry-\(tag)@example.org,US,en,law,jd,3,s,,
            \(tag)-k,Known,known-\(tag)@example.org,US,en,law,jd,3,s,,
            \(tag)-k2,Known,known-\(tag)@example.org,US,en,law,jd,3,s,,
            \(tag)-k3,Known,known-\(tag)@example.org,US,fr,medicine,jd,3,s,,
            \(tag)-x,Bad,bad,US,en,law,jd,3,s,,

            """)
        let events = try count("SELECT count(*)::int FROM events")
        let summary = try importFile(path, dryRun: true, method: method)
        #expect(summary.dryRun)
        #expect((summary.newExperts, summary.applicationsForKnownExperts, summary.alreadyImported, summary.openApplicationExists, summary.rowsRejected)
                == (1, 1, 1, 1, 1))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["dry-\(tag)@example.org"]) == 0)
        #expect(try count("SELECT count(*)::int FROM events") == events)
        let real = try importFile(path)
        #expect((real.newExperts, real.applicationsForKnownExperts, real.alreadyImported, real.openApplicationExists, real.rowsRejected)
                == (summary.newExperts, summary.applicationsForKnownExperts, summary.alreadyImported, summary.openApplicationExists, summary.rowsRejected))
    }

    @Test("JSON Lines with arrays, numbers, camel-case and unknown keys; numbers out of range and booleans are rejected where they are")
    func jsonLines() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("""
            {"external_id": "\(tag)-1", "full_name": "Li Wei", "email": "li-\(tag)@example.org", "country": "CN", "languages": ["zh", "en"], "domains": ["physics"], "highest_degree": "phd", "years_experience": 9}
            {"externalId": "\(tag)-2", "fullName": "X", "email": "x-\(tag)@example.org", "countryCode": "CN", "languages": "zh", "domains": ["physics"], "twitter": "@x", "phone": 33612345678}
            not json
            {"external_id": "\(tag)-3", "full_name": "Y", "email": "y-\(tag)@example.org", "country": "CN", "domains": ["physics"], "years_experience": 9.5}
            {"external_id": "\(tag)-4", "full_name": "Z", "email": "z-\(tag)@example.org", "country": "CN", "domains": ["physics"], "years_experience": 18446744073709551616}
            {"external_id": "\(tag)-5", "full_name": "W", "email": "w-\(tag)@example.org", "country": "CN", "domains": ["physics"], "years_experience": true}
            {"external_id": "\(tag)-6", "full_name": "V", "email": "v-\(tag)@example.org", "country": "CN", "domains": ["physics", 3], "years_experience": -3}
            ["an", "array"]
            """, extension: "jsonl")
        let rejects = path + ".rejects.jsonl"
        let summary = try importFile(path, rejects: rejects)
        #expect(summary.rowsRead == 8)
        #expect(summary.newExperts == 2)
        #expect(summary.ignoredColumns == ["twitter"])
        #expect(summary.firstRejections.map(\.line) == [3, 4, 5, 6, 7, 7, 8])
        #expect(summary.firstRejections.map(\.field) == ["(row)", "years_experience", "years_experience", "years_experience", "domains", "years_experience", "(row)"])
        #expect(summary.firstRejections[2].reason.contains("18446744073709551616"))
        #expect(summary.firstRejections[3].reason.contains("true"))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1 AND (years_experience IS NULL OR years_experience BETWEEN 0 AND 70)", ["%-\(tag)@example.org"]) == 2)
        #expect(try Connection(url).query("SELECT phone FROM experts WHERE email = $1", ["x-\(tag)@example.org"])[0].decode(0) == "33612345678")
        // The rejects file is JSON Lines: each rejected object with its _line, _field and _reason.
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(first["_line"] as? Int == 4 && first["_field"] as? String == "years_experience" && first["email"] as? String == "y-\(tag)@example.org")
    }

    @Test("every import leaves an event with who, what file and the counts; applications point to it")
    func auditEvent() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile(intakeHeader + "\(tag),Ev,ev-\(tag)@example.org,US,en,law,jd,3,s,,\n")
        let summary = try importFile(path)
        let event = try #require(summary.eventID)
        let row = try Connection(url).query("SELECT actor, action, details->>'file' AS file, details->>'new_experts' AS n FROM events WHERE id = $1", [event])[0]
        #expect(try row.decode("actor", as: String.self) == "tester")
        #expect(try row.decode("action", as: String.self) == "intake.import")
        #expect(try row.decode("file", as: String.self) == path)
        #expect(try row.decode("n", as: String.self) == "1")
        #expect(try count("SELECT count(*)::int FROM applications WHERE event_id = $1", [event]) == 1)
    }

    @Test("100,000 rows import in one go, each person once")
    func hundredThousand() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        var text = intakeHeader
        text.reserveCapacity(10_000_000)
        for i in 0..<100_000 {
            // Every 20th row repeats the previous person with an application in another domain.
            let person = i % 20 == 19 ? i - 1 : i
            text += "\(tag)-\(i),Person \(person),p\(person)-\(tag)@example.org,FR,fr;en,\(i % 20 == 19 ? "law" : "medicine"),md,\(i % 40),bulk,,\n"
        }
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try importFile(path)
        #expect(summary.rowsRead == 100_000)
        #expect(summary.newExperts == 95_000)
        #expect(summary.applicationsForKnownExperts == 5_000)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 95_000)
    }

    @Test("adding one applicant reports new, then known; an open application for the domain is not made twice; bad input names the option")
    func add() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let intake = Intake(connection: try Connection(url))
        var fields = ["email": "add-\(tag)@example.org", "full_name": "Add Me", "country": "IT", "highest_degree": "master",
                      "years_experience": "5", "external_id": "add-\(tag)", "source": "manual"]
        let first = try intake.add(ApplicantInput(fields: fields, lists: ["languages": ["it"], "domains": ["law"]]), actor: "tester")
        #expect(first.newExpert && first.newApplication)
        fields["external_id"] = "add2-\(tag)"
        let second = try intake.add(ApplicantInput(fields: fields, lists: ["languages": ["it"], "domains": ["finance"]]), actor: "tester")
        #expect(!second.newExpert && second.newApplication && second.expertID == first.expertID)
        fields["external_id"] = nil
        let third = try intake.add(ApplicantInput(fields: fields, lists: ["domains": ["law"]]), actor: "tester")
        #expect(!third.newApplication)
        #expect(third.reason?.contains("already has an open application for law") == true, "\(String(describing: third.reason))")
        #expect(try count("SELECT count(*)::int FROM events WHERE action = 'intake.add' AND subject_id = $1", [first.expertID]) == 3)
        // Only the required fields.
        let bare = try intake.add(ApplicantInput(fields: ["email": "bare-\(tag)@example.org", "full_name": "Bare", "country": "IT"],
                                                 lists: ["domains": ["law"]]), actor: "tester")
        #expect(bare.newExpert && bare.newApplication)
        #expect(try Connection(url).query("SELECT external_id FROM applications WHERE expert_id = $1", [bare.expertID])[0].decode(0) == "bare-\(tag)@example.org:law")
        fields["country"] = "Italy"
        let error = try #require(throws: AssayError.self) {
            try intake.add(ApplicantInput(fields: fields, lists: ["languages": ["it"], "domains": ["law"]]), actor: "tester")
        }
        #expect(error.description.hasPrefix("--country"))
        // Another person's source and external id: refused, nothing written.
        let other = try #require(throws: AssayError.self) {
            try intake.add(ApplicantInput(fields: ["email": "other-\(tag)@example.org", "full_name": "Other", "country": "IT", "external_id": "add-\(tag)",
                                                   "source": "manual"], lists: ["domains": ["law"]]), actor: "tester")
        }
        #expect(other.description.contains("another person"))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["other-\(tag)@example.org"]) == 0)
    }
}

@Suite("The fast CSV path agrees with the validator")
struct CSVStagerAgreementTests {
    /// Field values, good and bad, that a generated row draws from.
    static let values: [String: [String]] = [
        "external_id": ["A1", " A2 ", "", "x\ty", String(repeating: "z", count: 201), "é-1", "'=1+1"],
        "full_name": ["Jane Doe", "  Zoë  ", "", "Tab\tName", "Ünal, Ali", "\u{00A0}Nbsp", "Line\nBreak", "日本 太郎", "x\u{0085}y", "'-Dash", "'Quote"],
        "email": ["jane@example.org", " JANE@Example.ORG ", "a.b+c@sub.example.co", "a..b@example.org", ".a@example.org", "a@example", "a@-x.org",
                  "a@x-.org", "a@x..org", "a@x.o", "a@x.o2", "é@example.org", "a@b@c.org", "", "a@example.org.", "a_b@ex-ample.org"],
        "country": ["FR", "fr", " us ", "XX", "F", "FRA", "", "Fr"],
        "languages": ["en", "EN;fr", " en , fr ;en", "", ";", "xx", "english", "en;;de", "é"],
        "domains": ["medicine", "Law,medicine", "medicine;law;medicine", "", "astrology", " physics "],
        "highest_degree": ["phd", "PhD", " md ", "doctorate", ""],
        "phone": ["", "+33 6 12 34 56 78", "0033 (6) 12.34", "(00) 33 612345678", "06-12-34-56-78", "12", "+1 555 0100 ext 2", "'+44 20 7946 0000", "1234567890123456"],
        "years_experience": ["0", "70", "71", "-1", "+5", "05", "", "five", "-0", "1000000"],
        "source": ["", "linkedin", " ref ", "a\\b"],
        "applied_at": ["", "2026-03-01", "2026-02-29", "2024-02-29T10:00:00Z", "2026-03-01T09:30", "2026-03-01 09:30:00.1234567+05:30", "2026-13-01", " 2026-03-01 "],
        "resume_text": ["", "   ", "Text, with \"quotes\"\nand lines", "back\\slash\ttab", "é ending é", "'=HYPERLINK()"],
    ]

    @Test("random rows are staged identically by the fast path and by the validator", arguments: [1, 2, 3])
    func agreement(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let header = Array(Self.values.keys).sorted()
        var text = header.joined(separator: ",") + "\n"
        var inputs: [[String: String]] = []
        for _ in 0..<3000 {
            var row: [String: String] = [:]
            for name in header {
                let options = Self.values[name]!
                // Mostly good values, so that both valid and invalid rows are common.
                row[name] = rng.next() % 3 == 0 ? options[Int(rng.next() % UInt64(options.count))] : options[Int(rng.next() % 2)]
            }
            inputs.append(row)
            text += header.map { csvQuoted(row[$0]!) }.joined(separator: ",") + "\n"
        }
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let validator = ApplicantValidator(knownDomains: ["medicine", "law", "physics"], defaultSource: "file.csv")
        let reader = try CSVReader(path: path)
        #expect(try reader.advance())
        var stager = CSVApplicantStager(columns: try ColumnMap(header: reader.fields), validator: validator)
        var index = 0
        while try reader.advance() {
            var fast = StagedBatch()
            let outcome = stager.stage(reader, into: &fast)
            var reference = StagedBatch()
            switch validator.validate(ApplicantInput(fields: inputs[index])) {
            case .success(let record):
                #expect(reference.append(record, line: reader.recordLine) == nil)
                guard case .staged = outcome else { Issue.record("row \(index) \(inputs[index]): fast path rejected a valid row"); break }
                #expect(fields(fast) == fields(reference), "row \(index): \(inputs[index])")
            case .failure(let problem):
                guard case .rejected(let fastProblem) = outcome else { Issue.record("row \(index) \(inputs[index]): fast path accepted an invalid row (\(problem))"); break }
                #expect(fastProblem == problem)
            }
            index += 1
        }
        #expect(index == 3000)
    }
}

/// Every field of a batch's one row, as text.
func fields(_ batch: StagedBatch) -> [String] {
    guard batch.rows.count == 1, let row = batch.rows.first else { return ["\(batch.rows.count) rows"] }
    return [String(row.line), batch.string(row.email), batch.string(row.fullName), batch.string(row.country), "\(batch.strings(row.languages))",
            "\(batch.strings(row.domains))", row.highestDegree.map { batch.string($0) } ?? "<null>", row.yearsExperience.map { String($0) } ?? "<null>",
            row.phone.map { batch.string($0) } ?? "<null>", batch.string(row.source),
            batch.string(row.externalID), row.appliedAt.map { String($0) } ?? "now", row.resumeText.map { batch.string($0) } ?? "<null>"]
}

func csvQuoted(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") || text.hasSuffix(" ")
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}
