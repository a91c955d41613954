@testable import AssayCore
import IntakeEngine
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing

/// Writes `text` to a new temporary file with the given extension.
func temporaryFile(_ text: String, extension ext: String = "csv") throws -> String {
    let path = "\(TemporaryFolder.root)/assay-intake-\(UUID().uuidString).\(ext)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

let intakeHeader = "external_id,full_name,email,country,languages,domains,highest_degree,years_experience,source,applied_at,resume_text\n"

@Suite("Validating applicants")
struct ApplicantValidatorTests {
    let validator = ApplicantValidator(knownDomains: ["medicine", "law"], defaultSource: "file.csv")
    static let good: [String: String] = [
        "external_id": "X1", "full_name": "  Zoë Ünal ", "email": " Zoe.Unal@Example.ORG ", "country": "fr",
        "languages": "FR; en;fr", "domains": "medicine", "highest_degree": "MD", "years_experience": "12",
        "source": "", "applied_at": "2026-03-01T09:30:00+01:00", "resume_text": "",
    ]

    @Test("a good row is normalized: trimmed, email lower-cased, country upper-cased, codes de-duplicated")
    func normalizes() throws {
        let record = try validator.validate(ApplicantInput(fields: Self.good)).get()
        #expect(record.email == "zoe.unal@example.org")
        #expect(record.fullName == "Zoë Ünal")
        #expect(record.country == "FR")
        #expect(record.languages == ["fr", "en"])
        #expect(record.highestDegree == "md")
        #expect(record.source == "file.csv")
        #expect(record.appliedAt == "2026-03-01T09:30:00+01:00")
        #expect(record.resumeText == nil)
    }

    @Test("each rule rejects its field with a reason", arguments: [
        ("email", "jane.example.org"), ("email", "jane@localhost"), ("email", "ja ne@example.org"), ("email", "a@b@example.org"),
        ("country", "XX"), ("country", "FRA"), ("country", ""),
        ("languages", "english"), ("languages", "xx"), ("languages", ""),
        ("domains", "astrology"), ("domains", ""),
        ("highest_degree", "doctorate"), ("years_experience", "71"), ("years_experience", "-1"), ("years_experience", "ten"),
        ("applied_at", "2026-02-30"), ("applied_at", "01/03/2026"), ("applied_at", "2026-03-01T09:30"),
        ("external_id", ""), ("full_name", "   "),
    ])
    func rejects(field: String, value: String) {
        var fields = Self.good
        fields[field] = value
        guard case .failure(let problem) = validator.validate(ApplicantInput(fields: fields)) else {
            Issue.record("\(field)=\(value) was accepted")
            return
        }
        #expect(problem.field == field)
        #expect(!problem.reason.isEmpty)
    }

    @Test("ISO 8601 forms that are accepted", arguments: ["2026-03-01", "2026-03-01T09:30:00Z", "2026-03-01 09:30:00.123+05:30", "2024-02-29T00:00Z", "2026-03-01T09:30:00-0800"])
    func dates(text: String) {
        #expect(ISO8601Text.normalize(text) != nil)
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

    func importFile(_ path: String, format: Intake.Format = .csv, source: String? = nil, rejects: String? = nil, dryRun: Bool = false) throws -> Intake.Summary {
        try Intake(connection: Connection(url)).importFile(.init(path: path, format: format, source: source, rejectsPath: rejects, dryRun: dryRun, actor: "tester"))
    }

    @Test("invalid rows go to the rejects file with their original line, field, reason and row; valid rows are imported")
    func rejectsWithLines() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let csv = intakeHeader + """
            \(tag)-1,"Doe, Jane",jane-\(tag)@example.org,US,en;es,medicine,phd,10,s,,"multi
            line résumé"
            \(tag)-2,Bad,bad-at-example.org,US,en,law,jd,3,s,,
            \(tag)-3,Bob,bob-\(tag)@example.org,ZZ,en,law,jd,3,s,,
            \(tag)-4,Too,too-\(tag)@example.org,US,en,law,jd,3,s
            \(tag)-5,Eve,eve-\(tag)@example.org,US,en,law,jd,3,s,,

            """
        let path = try temporaryFile(csv)
        let rejects = path + ".rejects.csv"
        let summary = try importFile(path, rejects: rejects)
        #expect(summary.rowsRead == 5)
        #expect(summary.rowsRejected == 3)
        #expect(summary.newExperts == 2)
        let lines = summary.firstRejections.map(\.line)
        #expect(lines == [4, 5, 6], "rows are numbered by file line, counting the quoted line break")
        #expect(summary.firstRejections.map(\.field) == ["email", "country", "(row)"])
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written.hasPrefix("line,field,reason,row\n"))
        #expect(written.contains("bad-at-example.org"))
        #expect(!FileManager.default.fileExists(atPath: rejects + ".partial"))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%\(tag)%"]) == 2)
    }

    @Test("every rejected row reaches the rejects file, past its 64 KB write buffer, in file order")
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
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2001)
        #expect(lines.dropFirst().map { Int($0.prefix { $0 != "," })! } == (0 ..< 3000).filter { $0 % 3 != 0 }.map { $0 + 2 })
    }

    @Test("re-running an import changes nothing and says so; the same email from another source joins the same expert")
    func idempotenceAndDedupe() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let first = try temporaryFile(intakeHeader + """
            \(tag)-1,Ana,ana-\(tag)@example.org,ES,es,medicine,md,8,linkedin,2026-01-02,
            \(tag)-2,Ben,ben-\(tag)@example.org,DE,de,law,jd,4,linkedin,,
            \(tag)-2,Ben,ben-\(tag)@example.org,DE,de,law,jd,4,linkedin,,

            """)
        let summary = try importFile(first)
        #expect((summary.rowsRead, summary.newExperts, summary.applicationsMerged, summary.duplicatesSkipped) == (3, 2, 0, 1))
        let again = try importFile(first)
        #expect((again.newExperts, again.applicationsMerged, again.duplicatesSkipped) == (0, 0, 3))
        // The same person through another source, with another language and domain.
        let second = try temporaryFile(intakeHeader + "R-\(tag),Ana María,ANA-\(tag)@Example.org,ES,en,chemistry,md,8,referral,,\n")
        let merged = try importFile(second)
        #expect((merged.newExperts, merged.applicationsMerged) == (0, 1))
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["ana-\(tag)@example.org"]) == 1)
        #expect(try count("SELECT count(*)::int FROM applications a JOIN experts e ON e.id = a.expert_id WHERE e.email = $1", ["ana-\(tag)@example.org"]) == 2)
        let languages: [String] = try Connection(url).query("SELECT languages FROM experts WHERE email = $1", ["ana-\(tag)@example.org"])[0].decode(0)
        #expect(languages == ["en", "es"], "languages are unioned")
    }

    @Test("a bad header is refused before anything is written, naming the column", arguments: [
        ("external_id,full_name,email,country,languages,domains,highest_degree,years_experience,nickname\n", "unknown column 'nickname'"),
        ("external_id,full_name,country,languages,domains,highest_degree,years_experience\n", "required column email"),
        ("external_id,email,email,full_name,country,languages,domains,highest_degree,years_experience\n", "appears twice"),
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
        #expect(error.description.contains("cannot read the file") && error.description.contains("directory"), "\(error)")
        #expect(try count("SELECT count(*)::int FROM events") == before)
    }

    @Test("a dry run validates and counts but writes nothing")
    func dryRun() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile(intakeHeader + "\(tag),Dry,dry-\(tag)@example.org,US,en,law,jd,3,s,,\n")
        let events = try count("SELECT count(*)::int FROM events")
        let summary = try importFile(path, dryRun: true)
        #expect(summary.dryRun && summary.newExperts == 1)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email = $1", ["dry-\(tag)@example.org"]) == 0)
        #expect(try count("SELECT count(*)::int FROM events") == events)
    }

    @Test("JSON Lines with arrays, numbers and unknown keys")
    func jsonLines() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let path = try temporaryFile("""
            {"external_id": "\(tag)-1", "full_name": "Li Wei", "email": "li-\(tag)@example.org", "country": "CN", "languages": ["zh", "en"], "domains": ["physics"], "highest_degree": "phd", "years_experience": 9}
            {"external_id": "\(tag)-2", "full_name": "X", "email": "x-\(tag)@example.org", "country": "CN", "languages": ["zh"], "domains": ["physics"], "highest_degree": "phd", "years_experience": 9, "twitter": "@x"}
            not json
            {"external_id": "\(tag)-3", "full_name": "Y", "email": "y-\(tag)@example.org", "country": "CN", "languages": "zh", "domains": ["physics"], "highest_degree": "phd", "years_experience": 9.5}
            """, extension: "jsonl")
        let summary = try importFile(path, format: .jsonl)
        #expect(summary.rowsRead == 4)
        #expect(summary.newExperts == 1)
        #expect(summary.firstRejections.map(\.line) == [2, 3, 4])
        #expect(summary.firstRejections.map(\.field) == ["twitter", "(row)", "years_experience"] || summary.firstRejections.map(\.field) == ["twitter", "(row)", "languages"])
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
            // Every 20th row repeats the previous person with a new application.
            let person = i % 20 == 19 ? i - 1 : i
            text += "\(tag)-\(i),Person \(person),p\(person)-\(tag)@example.org,FR,fr;en,medicine,md,\(i % 40),bulk,,\n"
        }
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try importFile(path)
        #expect(summary.rowsRead == 100_000)
        #expect(summary.newExperts == 95_000)
        #expect(summary.applicationsMerged == 5_000)
        #expect(try count("SELECT count(*)::int FROM experts WHERE email LIKE $1", ["%-\(tag)@example.org"]) == 95_000)
    }

    @Test("adding one applicant reports new, then known; bad input names the option")
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
        #expect(try count("SELECT count(*)::int FROM events WHERE action = 'intake.add' AND subject_id = $1", [first.expertID]) == 2)
        fields["country"] = "Italy"
        let error = try #require(throws: AssayError.self) {
            try intake.add(ApplicantInput(fields: fields, lists: ["languages": ["it"], "domains": ["law"]]), actor: "tester")
        }
        #expect(error.description.hasPrefix("--country"))
    }
}

@Suite("The fast CSV path agrees with the validator")
struct CSVStagerAgreementTests {
    /// Field values, good and bad, that a generated row draws from.
    static let values: [String: [String]] = [
        "external_id": ["A1", " A2 ", "", "x\ty", String(repeating: "z", count: 201), "é-1"],
        "full_name": ["Jane Doe", "  Zoë  ", "", "Tab\tName", "Ünal, Ali", "\u{00A0}Nbsp", "Line\nBreak", "日本 太郎", "x\u{0085}y"],
        "email": ["jane@example.org", " JANE@Example.ORG ", "a.b+c@sub.example.co", "a..b@example.org", ".a@example.org", "a@example", "a@-x.org",
                  "a@x-.org", "a@x..org", "a@x.o", "a@x.o2", "é@example.org", "a@b@c.org", "", "a@example.org.", "a_b@ex-ample.org"],
        "country": ["FR", "fr", " us ", "XX", "F", "FRA", "", "Fr"],
        "languages": ["en", "EN;fr", " en ; fr ;en", "", ";", "xx", "english", "en;;de", "é"],
        "domains": ["medicine", "Law", "medicine;law;medicine", "", "astrology", " physics "],
        "highest_degree": ["phd", "PhD", " md ", "doctorate", ""],
        "years_experience": ["0", "70", "71", "-1", "+5", "05", "", "five", "-0", "1000000"],
        "source": ["", "linkedin", " ref ", "a\\b"],
        "applied_at": ["", "2026-03-01", "2026-02-29", "2024-02-29T10:00:00Z", "2026-03-01T09:30", "2026-03-01 09:30:00.1234567+05:30", "2026-13-01", " 2026-03-01 "],
        "resume_text": ["", "   ", "Text, with \"quotes\"\nand lines", "back\\slash\ttab", "é ending é"],
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
        var stager = CSVApplicantStager(header: reader.fields, validator: validator)
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
            "\(batch.strings(row.domains))", batch.string(row.highestDegree), String(row.yearsExperience), batch.string(row.source),
            batch.string(row.externalID), row.appliedAt.map { String($0) } ?? "now", row.resumeText.map { batch.string($0) } ?? "<null>"]
}

func csvQuoted(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") || text.hasSuffix(" ")
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}
