import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("bad option values are usage errors that name the flag, before any database work", .serialized)
struct OptionValidationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// A server that does not exist: a command that tried to reach it would fail with exit 1.
    static let nowhere = "postgresql:///assay?host=/nonexistent-assay-dir"
    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    /// The shipped banks, one applicant and one invited screen, so that the commands below would
    /// have something to change if a bad value got through.
    init() throws {
        url = try TestDatabase.url(for: "cli_options")
        let connection = try Connection(url)
        let migrated: Bool = try connection.query("SELECT to_regclass('public.screens') IS NOT NULL")[0].decode(0)
        if migrated, try connection.query("SELECT count(*)::int FROM screens")[0].decode(0, as: Int.self) > 0 { return }
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
        let add = try CommandRun.assay(Self.add([:]), environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", "valid@example.org", "--bank", "medicine-core", "--seed", "3"], environment: env)
        #expect(invite.status == 0, "\(invite.stderr)")
    }

    /// A valid `intake add` of valid@example.org, with the values of some options replaced
    /// (options it does not have are added).
    static func add(_ replacements: KeyValuePairs<String, String>) -> [String] {
        var arguments = ["intake", "add", "--email", "valid@example.org", "--name", "Valid Person", "--country", "FR", "--languages", "fr,en",
                         "--domains", "medicine", "--degree", "md", "--years", "5"]
        for (option, value) in replacements {
            if let index = arguments.firstIndex(of: option) { arguments[index + 1] = value } else { arguments += [option, value] }
        }
        return arguments
    }

    /// Every table a command could write to, counted.
    func fingerprint() throws -> [Int] {
        let row = try Connection(url).query("""
            SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM experts)::int AS experts,
                   (SELECT count(*) FROM applications)::int AS applications, (SELECT count(*) FROM screens)::int AS screens,
                   (SELECT count(*) FROM screen_items)::int AS items, (SELECT count(*) FROM pool_members)::int AS members,
                   (SELECT count(*) FROM calibrations)::int AS calibrations,
                   (SELECT coalesce(sum(extra_minutes), 0) FROM screens)::int AS extra,
                   (SELECT count(*) FROM screens WHERE status = 'voided')::int AS voided
            """)[0]
        return try ["events", "experts", "applications", "screens", "items", "members", "calibrations", "extra", "voided"].map { try row.decode($0) }
    }

    /// A bad value, the flag the message must name, and a word of the expected explanation.
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var flag: String
        var says: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: add(["--degree": "wizard"]), flag: "--degree", says: "phd"),
        Case(arguments: add(["--country": "XX"]), flag: "--country", says: "ISO 3166-1"),
        Case(arguments: add(["--languages": "fr,xx"]), flag: "--languages", says: "ISO 639-1"),
        Case(arguments: add(["--languages": " , "]), flag: "--languages", says: "ISO 639-1"),
        Case(arguments: add(["--domains": "medicine,Not A Domain"]), flag: "--domains", says: "domains"),
        Case(arguments: add(["--years": "71"]), flag: "--years", says: "0 to 70"),
        Case(arguments: add(["--years": "five"]), flag: "--years", says: "0 to 70"),
        Case(arguments: add(["--name": " "]), flag: "--name", says: "empty"),
        Case(arguments: add(["--name": "Line\nbreak"]), flag: "--name", says: "control character"),
        Case(arguments: add(["--format": "xml"]), flag: "--format", says: "'text' and 'json'"),
        Case(arguments: ["intake", "import", "applicants.csv", "--format", "xlsx"], flag: "--format", says: "csv"),
        Case(arguments: ["intake", "import", "applicants.csv", "--output", "csv"], flag: "--output", says: "'text' and 'json'"),
        Case(arguments: ["experts", "list", "--status", "hired"], flag: "--status", says: "received"),
        Case(arguments: ["experts", "list", "--country", "France"], flag: "--country", says: "ISO 3166-1"),
        Case(arguments: ["experts", "list", "--format", "html"], flag: "--format", says: "'table', 'json' or 'csv'"),
        Case(arguments: ["screen", "invite", "valid@example.org", "--bank", "physics-core", "--expires", "30m"], flag: "--expires", says: "between 1 hour and 365 days"),
        Case(arguments: ["screen", "invite", "valid@example.org", "--bank", "physics-core", "--expires", "366d"], flag: "--expires", says: "between 1 hour and 365 days"),
        Case(arguments: ["screen", "invite", "valid@example.org", "--bank", "physics-core", "--expires", "soon"], flag: "--expires", says: "7d, 36h, 90m"),
        Case(arguments: ["screen", "invite", "valid@example.org", "--bank", "physics-core", "--seed=-1"], flag: "--seed", says: "--seed"),
        Case(arguments: ["screen", "list", "--status", "open"], flag: "--status", says: "in_progress"),
        Case(arguments: ["screen", "list", "--limit", "0"], flag: "--limit", says: "at least 1"),
        Case(arguments: ["screen", "extend", "1", "--minutes", "0"], flag: "--minutes", says: "between 1 and 1440"),
        Case(arguments: ["screen", "extend", "1", "--minutes", "1441"], flag: "--minutes", says: "between 1 and 1440"),
        Case(arguments: ["screen", "void", "1", "--reason", "  "], flag: "--reason", says: "empty"),
        Case(arguments: ["review", "grade", "1", "1", "--points=-1"], flag: "--points", says: "from 0"),
        Case(arguments: ["review", "grade", "1", "1", "--points", "nan"], flag: "--points", says: "from 0"),
        Case(arguments: ["review", "list", "--format", "csv"], flag: "--format", says: "'table' and 'json'"),
        Case(arguments: ["pool", "promote", "--domain", "Medicine & Law"], flag: "--domain", says: "domain"),
        Case(arguments: ["pool", "list", "--status", "pooled"], flag: "--status", says: "suspended"),
        Case(arguments: ["pool", "list", "--tier", "top tier"], flag: "--tier", says: "tier"),
        Case(arguments: ["pool", "list", "--language", "french"], flag: "--language", says: "ISO 639-1"),
        Case(arguments: ["pool", "suspend", "valid@example.org", "--domain", "medicine", "--reason", ""], flag: "--reason", says: "empty"),
        Case(arguments: ["roster", "export", "--format", "xml"], flag: "--format", says: "'csv', 'jsonl' or 'json'"),
        Case(arguments: ["roster", "export", "--min-tier", "Expert!"], flag: "--min-tier", says: "tier"),
        Case(arguments: ["roster", "export", "--country", "ZZ"], flag: "--country", says: "ISO 3166-1"),
        Case(arguments: ["bank", "stats", "physics-core", "--format", "csv"], flag: "--format", says: "'table', 'json' or 'html'"),
        Case(arguments: ["bank", "calibrate", "physics-core", "--model", "3pl"], flag: "--model", says: "rasch"),
        Case(arguments: ["bank", "calibrate", "physics-core", "--min-responses", "0"], flag: "--min-responses", says: "at least 1"),
        Case(arguments: ["db", "status", "--format", "yaml"], flag: "--format", says: "'text' and 'json'"),
    ]

    @Test("exit 2 with the flag, the reason and the usage line; nothing written, and the server never asked", arguments: cases)
    func refused(_ bad: Case) throws {
        let before = try fingerprint()
        let result = try CommandRun.assay(bad.arguments, environment: env, directory: Self.repository.path)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(bad.flag), "\(result.stderr)")
        #expect(result.stderr.contains(bad.says), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: assay "), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(try fingerprint() == before, "nothing was written")
        // The same command pointed at a server that does not exist still fails as bad usage:
        // it was refused before any connection was tried.
        let offline = try CommandRun.assay(bad.arguments + ["--database-url", Self.nowhere], directory: Self.repository.path)
        #expect(offline.status == 2, "\(offline.stderr)")
        #expect(!offline.stderr.contains("could not connect"), "\(offline.stderr)")
    }

    @Test("every degree, upper or lower case, is accepted by --degree and stored in lower case",
          arguments: ["none", "bachelor", "master", "phd", "md", "jd", "other", "PhD"])
    func degrees(_ degree: String) throws {
        let email = "degree-\(degree.lowercased())-\(degree == degree.lowercased() ? "l" : "u")@example.org"
        let result = try CommandRun.assay(Self.add(["--email": email, "--degree": degree]), environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let stored: String = try Connection(url).query("SELECT highest_degree FROM experts WHERE email = $1", [email])[0].decode(0)
        #expect(stored == degree.lowercased())
    }

    @Test("codes are normalized before the service sees them: --country fr, --languages ' FR , en,fr', --domains Medicine")
    func normalizedCodes() throws {
        let email = "normalized@example.org"
        let arguments = Self.add(["--email": email, "--country": "fr", "--languages": " FR , en,fr", "--domains": "Medicine"])
        let result = try CommandRun.assay(arguments, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let row = try Connection(url).query("""
            SELECT e.country, e.languages, a.domains FROM experts e JOIN applications a ON a.expert_id = e.id WHERE e.email = $1
            """, [email])[0]
        #expect(try row.decode("country", as: String.self) == "FR")
        #expect(try row.decode("languages", as: [String].self) == ["fr", "en"])
        #expect(try row.decode("domains", as: [String].self) == ["medicine"])
    }

    @Test("the --status values of experts list, screen list and pool list are the statuses the schema allows")
    func statusesMatchTheSchema() throws {
        let connection = try Connection(url)
        func allowed(_ table: String) throws -> Set<String> {
            let definitions = try connection.query("""
                SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
                WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%status%'
                """, [table]).map { try $0.decode("def", as: String.self) }
            let definition = try #require(definitions.first)
            let quoted = try Regex(#"'([a-z_]+)'"#)
            return Set(definition.matches(of: quoted).map { String(definition[$0.range].dropFirst().dropLast()) })
        }
        /// The values the command's error message offers for a bad --status: quoted on the
        /// first line when few, one `  - value` line each when many.
        func offered(_ command: [String]) throws -> Set<String> {
            let probe = try CommandRun.assay(command + ["--status", "no-such-status", "--database-url", Self.nowhere])
            #expect(probe.status == 2, "\(probe.stderr)")
            let lines = probe.stderr.components(separatedBy: "\n").prefix { !$0.hasPrefix("Help:") }
            let quoted = try Regex(#"'([a-z_]+)'"#)
            var values = Set(lines.first.map { line in line.matches(of: quoted).map { String(line[$0.range].dropFirst().dropLast()) } } ?? [])
            values.formUnion(lines.dropFirst().compactMap { $0.hasPrefix("  - ") ? String($0.dropFirst(4)) : nil })
            return values.subtracting(["no-such-status"])
        }
        #expect(try offered(["experts", "list"]) == allowed("applications"))
        #expect(try offered(["screen", "list"]) == allowed("screens"))
        // The pool shows members past their expiry date as expired (a state of the view, not of the table).
        #expect(try offered(["pool", "list"]) == allowed("pool_members").union(["expired"]))
    }
}
