import AssayTesting
import Foundation
import Postgres
import Testing

/// Listings, filter checks, empty exports and grade corrections, through the built binary.
@Suite("Listings, filters and grade corrections, end to end through the binary", .serialized)
struct OpsCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    /// The `evidence` domain's files: a pool policy on `evidence-core` (an essay, two short-text
    /// items, a true/false item; pass at 60 %).
    static func writeEvidenceDomain() throws -> URL {
        let root = try TemporaryFolder.make(prefix: "assay-ops-banks-")
        let domain = root.appendingPathComponent("evidence")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        try Data("""
            slug: evidence
            name: Evidence
            description: Evidence law.
            policy:
              required_banks: [evidence-core]
              validity_days: 365
              tiers:
                - name: member
                  min_score: 60

            """.utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        try Data("""
            slug: evidence-core
            title: Evidence
            domain: evidence
            language: en
            settings:
              items_per_screen: 4
              time_limit_minutes: 30
              pass_rule: {min_percent: 60}
            items:
              - {id: e1, type: essay, topic: t, difficulty: medium, points: 4, prompt: "Explain the rule against hearsay.", rubric: "Out-of-court statement offered for its truth."}
              - {id: s1, type: short_text, topic: t, difficulty: medium, prompt: "Name the hearsay exception for a startled declarant.", accept: [excited utterance]}
              - {id: s3, type: short_text, topic: t, difficulty: medium, prompt: "Name the older common-law term for it.", accept: [spontaneous exclamation]}
              - {id: t1, type: true_false, topic: t, difficulty: easy, prompt: "Hearsay is an out-of-court statement offered for its truth.", answer: true}

            """.utf8).write(to: domain.appendingPathComponent("core.yaml"))
        return root
    }

    init() throws {
        url = try TestDatabase.url(for: "cli_ops")
        let connection = try Connection(url)
        let migrated: Bool = try connection.query("SELECT to_regclass('public.screens') IS NOT NULL")[0].decode(0)
        if migrated, try connection.query("SELECT count(*)::int FROM banks WHERE slug = 'evidence-core'")[0].decode(0, as: Int.self) > 0 { return }
        let shipped = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(shipped.status == 0, "\(shipped.stderr)")
        let evidence = try CommandRun.assay(["bank", "sync", try Self.writeEvidenceDomain().path, "--database-url", url])
        #expect(evidence.status == 0, "\(evidence.stderr)")
        for (email, name, country) in [("ana@example.org", "Ana Ruiz", "ES"), ("taro@example.jp", "山田太郎", "JP"), ("jose@example.de", "José Müller", "DE")] {
            let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", name, "--country", country, "--languages", "en",
                                            "--domains", "evidence", "--degree", "jd", "--years", "7"], environment: env)
            #expect(add.status == 0, "\(add.stderr)")
        }
        // A name that came in from outside with a terminal escape in it.
        try connection.execute("""
            INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
            VALUES ('esc@example.org', E'Eve \\x1B[2JSmith', 'FR', '{fr}', 'phd', 3)
            """)
    }

    func run(_ arguments: [String], stdin: String = "") throws -> CommandResult {
        try CommandRun.assay(arguments, environment: env, stdin: stdin)
    }

    /// Takes evidence-core as a new candidate: s1 right with a trailing full stop, s3 a near
    /// miss, t1 right, the essay written. Returns the screen id.
    func takeEvidenceScreen() throws -> Int {
        let email = "cand-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let add = try run(["intake", "add", "--email", email, "--name", "Candidate", "--country", "US", "--languages", "en",
                           "--domains", "evidence", "--degree", "jd", "--years", "6"])
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try run(["screen", "invite", email, "--bank", "evidence-core", "--format", "json"])
        #expect(invite.status == 0, "\(invite.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        let screen = try #require(json["screen_id"] as? Int)
        let code = try #require(json["code"] as? String)
        let keys = try Connection(url).query("""
            SELECT i.item_key FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1 ORDER BY si.position
            """, [screen]).map { try $0.decode("item_key", as: String.self) }
        let answers = ["e1": "It keeps out statements made out of court\noffered for their truth.\n.", "s1": "Excited utterance.",
                       "s3": "spontaneous exclamaton", "t1": "true"]
        let input = (["y"] + keys.map { answers[$0] ?? "" }).joined(separator: "\n") + "\n"
        let take = try run(["screen", "take", code], stdin: input)
        #expect(take.status == 0, "\(take.stdout)\(take.stderr)")
        return screen
    }

    @Test("experts list: a header, columns aligned by display width, outside text escaped, and a note when --limit cuts it")
    func expertsTable() throws {
        let list = try run(["experts", "list", "--limit", "2"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.trimmingCharacters(in: .whitespaces).hasPrefix("ID  NAME") == true, "\(list.stdout)")
        #expect(lines.count == 4, "header, two rows, note: \(list.stdout)")
        #expect(lines.last?.hasPrefix("showing 2 of ") == true && lines.last?.hasSuffix(" (--limit)") == true)
        let all = try run(["experts", "list", "--limit", "100"])
        #expect(!all.stdout.contains("(--limit)"), "nothing was cut")
        #expect(!all.stdout.contains("\u{1B}"), "the escape sequence is not printed raw")
        #expect(all.stdout.contains("Eve \\u{1B}[2JSmith"))
        // The EMAIL column starts at the same terminal column on every row, whatever the script of the name.
        let rows = all.stdout.split(separator: "\n").map(String.init).filter { $0.contains("@example.") || $0.contains("EMAIL") }
        let header = try #require(rows.first)
        let emailColumn = try #require(header.range(of: "EMAIL")).lowerBound
        let column = String(header[..<emailColumn]).displayWidthForTest
        for row in rows.dropFirst() {
            let at = try #require(row.range(of: #"[^ ]+@example\.[a-z]+"#, options: .regularExpression)).lowerBound
            #expect(String(row[..<at]).displayWidthForTest == column, "\(row)")
        }
        let csv = try run(["experts", "list", "--limit", "1", "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").count == 2 && csv.stderr.contains("showing 1 of "), "the note goes to stderr, the CSV stays clean")
    }

    @Test("listings' JSON: the rows under their name with shown, total and truncated; snake_case keys only")
    func listingJSON() throws {
        for (command, name) in [(["experts", "list"], "experts"), (["screen", "list"], "screens"), (["pool", "list"], "members"), (["review", "list"], "reviews")] {
            let result = try run(command + ["--format", "json", "--limit", "1"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(command)")
            #expect(object[name] is [Any], "\(command)")
            #expect(object["total"] is Int && object["shown"] is Int && object["truncated"] is Bool, "\(command)")
            let keys = result.stdout.matches(of: try Regex(#""([^"]+)" :"#)).map { String(result.stdout[$0.range]) }
            #expect(keys.allSatisfy { $0 == $0.lowercased() }, "\(command): \(keys.filter { $0 != $0.lowercased() })")
        }
    }

    @Test("a wrong filter is exit 2 naming what exists and the nearest value; nothing is listed", arguments: [
        (["experts", "list", "--domain", "evidense"], "--domain: no domain 'evidense'", "did you mean 'evidence'?"),
        (["experts", "list", "--domain", "astrology"], "--domain: no domain 'astrology'", "did you mean"),
        (["experts", "list", "--status", "pased"], "no application status 'pased'", "did you mean 'passed'?"),
        (["experts", "list", "--country", "UK"], "--country", "did you mean 'GB'?"),
        (["pool", "list", "--tier", "gold"], "--tier: no tier 'gold' in any domain's policy", "did you mean"),
        (["pool", "list", "--domain", "medicine", "--tier", "member"], "no tier 'member' in the medicine policy", "did you mean"),
        (["pool", "list", "--language", "jp"], "--language", "did you mean 'ja'?"),
        (["screen", "list", "--bank", "evidence-cor"], "--bank: no bank 'evidence-cor'", "did you mean 'evidence-core'?"),
        (["screen", "list", "--status", "in-progress"], "no screen status 'in-progress'", "did you mean 'in_progress'?"),
        (["review", "list", "--bank", "lawcore"], "--bank: no bank 'lawcore'", "did you mean 'law-core'?"),
        (["roster", "export", "--min-tier", "gold"], "--min-tier: no tier 'gold'", "did you mean"),
        (["roster", "export", "--domain", "astrology"], "--domain: no domain 'astrology'", "did you mean"),
        (["pool", "promote", "--domain", "evidance", "--dry-run"], "--domain: no domain 'evidance'", "did you mean 'evidence'?"),
    ])
    func wrongFilters(_ arguments: [String], _ message: String, _ hint: String) throws {
        let result = try run(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains(hint), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test("a roster export that matches nobody says so with exit 2 and writes nothing; --allow-empty writes the empty roster")
    func emptyExport() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-ops-roster-")
        let out = folder.appendingPathComponent("roster.csv").path
        let refused = try run(["roster", "export", "--domain", "law", "--out", out])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("no active pool member matches --domain law"))
        #expect(refused.stderr.contains("--allow-empty"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let allowed = try run(["roster", "export", "--domain", "law", "--allow-empty", "--out", out])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 1, "the header only")
    }

    @Test("review list, grade and a corrected grade: near misses wait, the final result is printed, the old grade stays in the events")
    func reviewAndRegrade() throws {
        let screen = try takeEvidenceScreen()
        let list = try run(["review", "list", "--bank", "evidence-core"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init).filter { $0.contains("evidence-core") }
        #expect(lines.count == 2, "\(list.stdout)")
        #expect(list.stdout.hasPrefix("SCREEN  ITEM  BANK"))
        #expect(lines.contains { $0.contains(" s3 ") && $0.contains("near miss") && $0.contains("spontaneous exclamaton") })
        #expect(lines.contains { $0.contains(" e1 ") && $0.contains("essay") })
        let full = try run(["review", "list", "--bank", "evidence-core", "--full"])
        #expect(full.stdout.contains("near:   1 edit from 'spontaneous exclamation'"))
        #expect(full.stdout.contains("rubric: accepted: spontaneous exclamation"))
        #expect(full.stdout.contains("rubric: Out-of-court statement offered for its truth."))

        let first = try run(["review", "grade", String(screen), "s3", "--points", "1", "--note", "a typo"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("graded screen \(screen) item"), "\(first.stdout)")
        #expect(first.stdout.contains("1 more answer to grade before the result is final"))
        let second = try run(["review", "grade", String(screen), "e1", "--points", "3"])
        #expect(second.stdout.contains("screen \(screen) final result: 85.7%, passed"), "\(second.stdout)")

        let again = try run(["review", "grade", String(screen), "e1", "--points", "4"])
        #expect(again.status == 2 && again.stderr.contains("already graded (3 points by "), "\(again.stderr)")
        #expect(again.stderr.contains("assay: hint: to correct it: assay review grade \(screen)"))
        let noReason = try run(["review", "grade", String(screen), "e1", "--points", "0", "--regrade"])
        #expect(noReason.status == 2 && noReason.stderr.contains("--regrade needs --reason"), "\(noReason.stderr)")
        let reasonAlone = try run(["review", "grade", String(screen), "e1", "--points", "0", "--reason", "x"])
        #expect(reasonAlone.status == 2 && reasonAlone.stderr.contains("--reason goes with --regrade"))
        let tooMany = try run(["review", "grade", String(screen), "e1", "--points", "9", "--regrade", "--reason", "x"])
        #expect(tooMany.status == 2 && tooMany.stderr.contains("--points: must be between 0 and 4"), "\(tooMany.stderr)")

        let regrade = try run(["review", "grade", String(screen), "e1", "--points", "0", "--regrade", "--reason", "second reader: misstates the rule"])
        #expect(regrade.status == 0, "\(regrade.stderr)")
        #expect(regrade.stdout.contains("3 → 0 of 4 points (was graded by "), "\(regrade.stdout)")
        #expect(regrade.stdout.contains("screen \(screen) re-scored: 85.7%, passed → 42.9%, failed"), "\(regrade.stdout)")

        let show = try run(["screen", "show", String(screen)])
        #expect(!show.stdout.contains("needs review"), "\(show.stdout)")
        #expect(show.stdout.contains("graded by "))
        #expect(show.stdout.contains("accepted: spontaneous exclamation"))
        #expect(show.stdout.contains("accepted: excited utterance"))
        #expect(show.stdout.contains("key: true"))

        let email: String = try Connection(url).query("SELECT e.email FROM screens s JOIN experts e ON e.id = s.expert_id WHERE s.id = $1", [screen])[0].decode(0)
        let profile = try run(["experts", "show", email, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(profile.stdout.utf8)) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]])
        let event = try #require(events.first { $0["action"] as? String == "review.regrade" })
        let details = try #require(event["details"] as? [String: Any], "details are a nested object, not a string")
        #expect(details["previous_points"] as? Double == 3 && details["points"] as? Double == 0)
        #expect(event["reason"] as? String == "second reader: misstates the rule")
        let rescore = try #require(events.first { $0["action"] as? String == "screen.rescore" }?["details"] as? [String: Any])
        #expect(rescore["previous_passed"] as? Bool == true && rescore["passed"] as? Bool == false)
    }

    @Test("screen list: scores to one decimal and integrity flags in words; the JSON has them as objects")
    func screenFlags() throws {
        let screen = try takeEvidenceScreen()
        try Connection(url).execute("UPDATE screens SET flags = $2::jsonb WHERE id = $1",
                                    [screen, #"[{"flag": "fast_answers", "positions": "1,2,3"}, {"flag": "long_gap", "positions": "4"}]"#])
        let list = try run(["screen", "list", "--bank", "evidence-core"])
        let header = try #require(list.stdout.split(separator: "\n").first).split(separator: " ")
        #expect(header == ["ID", "STATUS", "BANK", "EXPERT", "SCORE", "RESULT", "FLAGS"], "\(list.stdout)")
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains("fast answers") })
        #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("\(screen) "))
        #expect(line.contains("fast answers on 3/4 items; long pause before item 4"), "\(line)")
        let json = try run(["screen", "list", "--bank", "evidence-core", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let row = try #require((object["screens"] as? [[String: Any]])?.first { $0["id"] as? Int == screen })
        let flags = try #require(row["flags"] as? [[String: Any]])
        #expect(flags.first?["flag"] as? String == "fast_answers" && flags.first?["positions"] as? [Int] == [1, 2, 3])
        #expect(row["item_count"] as? Int == 4)
    }
}

extension String {
    /// Terminal columns, as the listings count them (wide CJK characters two, combining marks none).
    var displayWidthForTest: Int {
        reduce(0) { width, character in
            guard let first = character.unicodeScalars.first else { return width }
            let wide = (0x1100...0x115F).contains(first.value) || (0x2E80...0xA4CF).contains(first.value) || (0xAC00...0xD7A3).contains(first.value)
                || (0xF900...0xFAFF).contains(first.value) || (0xFF00...0xFF60).contains(first.value)
            return width + (wide ? 2 : 1)
        }
    }
}
