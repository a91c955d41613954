import AssayTesting
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every file assay writes for its user (issue 15, item 2): `--rejects` and every `--out` never
/// replace a folder, never overwrite an input, never follow a symbolic link, are created 0600 when
/// they hold personal data, and are refused before any work is done.
@Suite("Output files of every command, end to end through the binary", .serialized)
struct OutputFileCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let header = "external_id,full_name,email,country,languages,domains,highest_degree,years_experience,source,applied_at,resume_text\n"
    let url: String
    let folder: URL
    var env: [String: String] { ["DATABASE_URL": url] }

    init() throws {
        url = try TestDatabase.url(for: "cli_output_files")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
        folder = try TemporaryFolder.make(prefix: "assay-outputs-")
    }

    /// An applicants file with one valid row and one rejected row whose first cell is a formula.
    func applicants(tag: String) throws -> String {
        let path = folder.appendingPathComponent("applicants-\(tag).csv").path
        try (Self.header
             + "\(tag)-1,Ann Valid,ann-\(tag)@example.org,FR,fr,medicine,md,5,web,,\n"
             + "=1+2-\(tag),Bad Country,bad-\(tag)@example.org,ZZ,fr,medicine,md,5,web,,\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func imported(_ tag: String) throws -> Int {
        try Connection(url).query("SELECT count(*)::int FROM applications WHERE external_id LIKE $1", ["\(tag)-%"])[0].decode(0)
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// A folder with a file inside, which must survive.
    func keptFolder(_ name: String) throws -> URL {
        let kept = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        try "keep me".write(to: kept.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        return kept
    }

    func intact(_ kept: URL) -> Bool {
        (try? String(contentsOf: kept.appendingPathComponent("inside.txt"), encoding: .utf8)) == "keep me"
    }

    @Test("intake import --rejects naming an existing folder, with or without a trailing slash, is refused before the import; the folder is untouched")
    func rejectsFolder() throws {
        for (index, suffix) in ["", "/"].enumerated() {
            let tag = "rf\(index)-\(UUID().uuidString.prefix(6).lowercased())"
            let input = try applicants(tag: tag)
            let kept = try keptFolder("rejects-\(index)")
            let result = try CommandRun.assay(["intake", "import", input, "--quiet", "--rejects", kept.path + suffix], environment: env)
            #expect(result.status == 2, "\(suffix): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("folder"), "\(result.stderr)")
            #expect(intact(kept), "the folder and its file are still there")
            #expect(try imported(tag) == 0, "refused before anything was imported")
        }
    }

    @Test("intake import --rejects naming the input file is refused and the input is unchanged")
    func rejectsInput() throws {
        let tag = "ri-\(UUID().uuidString.prefix(6).lowercased())"
        let input = try applicants(tag: tag)
        let before = try String(contentsOfFile: input, encoding: .utf8)
        // The same file by another name too (a hard link): the check is on the file, not the name.
        let alias = folder.appendingPathComponent("same-\(tag).csv").path
        #expect(link(input, alias) == 0)
        for rejects in [input, alias] {
            let result = try CommandRun.assay(["intake", "import", input, "--quiet", "--rejects", rejects], environment: env)
            #expect(result.status == 2, "\(rejects): \(result.stderr)")
            #expect(result.stderr.contains("is the input"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == before)
        #expect(try imported(tag) == 0)
    }

    @Test("intake import --rejects never follows a symbolic link, even to a file that could be written")
    func rejectsSymlink() throws {
        let tag = "rl-\(UUID().uuidString.prefix(6).lowercased())"
        let input = try applicants(tag: tag)
        let target = folder.appendingPathComponent("precious-\(tag).txt").path
        try "precious".write(toFile: target, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("rejects-link-\(tag).csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let result = try CommandRun.assay(["intake", "import", input, "--quiet", "--rejects", link], environment: env)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("symbolic link"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
    }

    @Test("a rejects file is created 0600 whatever the umask, and its formula cells are neutralised")
    func rejectsMode() throws {
        let tag = "rm-\(UUID().uuidString.prefix(6).lowercased())"
        let input = try applicants(tag: tag)
        let rejects = folder.appendingPathComponent("rejects-\(tag).csv").path
        let result = try CommandRun.run("/bin/sh", ["-c", "umask 000 && exec \"$0\" \"$@\"", CommandRun.assayPath, "intake", "import", input,
                                                     "--quiet", "--rejects", rejects],
                                        environment: CommandRun.cleanEnvironment.merging(env) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try mode(rejects) == 0o600)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("\"'=1+2-\(tag)\",Bad Country"), "the external id starts with '=': written with an apostrophe\n\(text)")
        #expect(!text.split(separator: "\n").contains { $0.split(separator: ",").contains { $0.hasPrefix("=") } })
        #expect(try imported(tag) == 1)
    }

    @Test("bank stats --out refuses a folder and a symbolic link; statistics are not personal data (0644 less the umask)")
    func statsOut() throws {
        // A few scored screens, so that the statistics themselves succeed.
        let connection = try Connection(url)
        let scored: Int = try connection.query("SELECT count(*)::int FROM screens WHERE bank_slug = 'medicine-core'")[0].decode(0)
        if scored == 0 {
            let keys: [String] = try connection.query("""
                SELECT i.item_key FROM banks b JOIN bank_items bi ON bi.bank_id = b.id JOIN items i ON i.id = bi.item_id
                WHERE b.slug = 'medicine-core' AND b.is_current AND i.type = 'true_false' ORDER BY bi.position LIMIT 4
                """).map { try $0.decode("item_key") }
            let sittings = (0..<6).map { person in
                StoredResponsesFixture.Sitting(points: Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Double((person + $0) % 2)) }))
            }
            try StoredResponsesFixture.insert(sittings, bank: "medicine-core", on: connection)
        }
        let kept = try keptFolder("stats-folder")
        for out in [kept.path, kept.path + "/"] {
            let result = try CommandRun.assay(["bank", "stats", "medicine-core", "--format", "html", "--out", out], environment: env)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(intact(kept))
        }
        let target = folder.appendingPathComponent("stats-target.txt").path
        try "precious".write(toFile: target, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("stats-link.html").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let result = try CommandRun.assay(["bank", "stats", "medicine-core", "--out", link], environment: env)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
        let page = folder.appendingPathComponent("stats.html").path
        let written = try CommandRun.run("/bin/sh", ["-c", "umask 022 && exec \"$0\" \"$@\"", CommandRun.assayPath, "bank", "stats", "medicine-core",
                                                      "--format", "html", "--out", page], environment: CommandRun.cleanEnvironment.merging(env) { $1 })
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try mode(page) == 0o644)
    }

    @Test("bank import-gift --out never overwrites its GIFT file, a folder or a link; a bank file is not personal data (0644 less the umask)")
    func importGiftOut() throws {
        let gift = folder.appendingPathComponent("q.gift").path
        let source = "::q1:: 2 + 2 = {=4 ~3 ~5}\n"
        try source.write(toFile: gift, atomically: true, encoding: .utf8)
        let kept = try keptFolder("gift-folder")
        let link = folder.appendingPathComponent("gift-link.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: gift)
        for out in [gift, kept.path, kept.path + "/", link] {
            let result = try CommandRun.assay(["bank", "import-gift", gift, "--domain", "medicine", "--bank", "gift-out", "--out", out])
            #expect(result.status == 2, "\(out): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: gift, encoding: .utf8) == source)
        #expect(intact(kept))
        let yaml = folder.appendingPathComponent("gift.yaml").path
        let result = try CommandRun.run("/bin/sh", ["-c", "umask 022 && exec \"$0\" \"$@\"", CommandRun.assayPath, "bank", "import-gift", gift,
                                                     "--domain", "medicine", "--bank", "gift-out", "--out", yaml], environment: CommandRun.cleanEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try mode(yaml) == 0o644)
        #expect(try String(contentsOfFile: yaml, encoding: .utf8).contains("slug: \"gift-out\""))
    }

    @Test("bank export-gift --out keeps its rule: an existing file is never replaced, a link never followed")
    func exportGiftOut() throws {
        let bankFile = Self.repository.appendingPathComponent("interview-banks/medicine/core.yaml").path
        let existing = folder.appendingPathComponent("existing.gift").path
        try "old".write(toFile: existing, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("export-link.gift").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.appendingPathComponent("nowhere.gift").path)
        for out in [existing, link, bankFile] {
            let result = try CommandRun.assay(["bank", "export-gift", bankFile, "--out", out])
            #expect(result.status == 2, "\(out): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "old")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nowhere.gift").path))
    }

    @Test("irt commands: --out never overwrites an input; simulate never writes through a link in --out-dir; person estimates are 0600")
    func irtOutputs() throws {
        let run = folder.appendingPathComponent("irt")
        let simulate = try CommandRun.assay(["irt", "simulate", "--persons", "60", "--items", "5", "--seed", "3", "--out-dir", run.path])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let responses = run.appendingPathComponent("responses.csv").path
        let before = try String(contentsOfFile: responses, encoding: .utf8)
        let calibrate = try CommandRun.assay(["irt", "calibrate", "--responses", responses, "--out", responses])
        #expect(calibrate.status == 2, "\(calibrate.stderr)")
        #expect(try String(contentsOfFile: responses, encoding: .utf8) == before)

        let items = run.appendingPathComponent("items.csv").path
        #expect(try CommandRun.assay(["irt", "calibrate", "--responses", responses, "--out", items]).status == 0)
        let scores = run.appendingPathComponent("scores.csv").path
        let score = try CommandRun.run("/bin/sh", ["-c", "umask 000 && exec \"$0\" \"$@\"", CommandRun.assayPath, "irt", "score", "--items", items,
                                                    "--responses", responses, "--out", scores], environment: CommandRun.cleanEnvironment)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(try mode(scores) == 0o600)
        for out in [items, responses] {
            #expect(try CommandRun.assay(["irt", "score", "--items", items, "--responses", responses, "--out", out]).status == 2, "\(out)")
        }

        let linked = folder.appendingPathComponent("irt-linked")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("irt-target.txt").path
        try "precious".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: linked.appendingPathComponent("responses.csv").path, withDestinationPath: target)
        let refused = try CommandRun.assay(["irt", "simulate", "--persons", "10", "--items", "3", "--out-dir", linked.path])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
        #expect(!FileManager.default.fileExists(atPath: linked.appendingPathComponent("true_items.csv").path), "none of the three is written")
    }
}
