import AssayTesting
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Campaigns, flags and promotion, end to end through the binary", .serialized)
struct OpsScaleCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    init() throws {
        url = try TestDatabase.url(for: "cli_ops")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    /// A new expert applying to `domain`; returns the email.
    func applicant(_ domain: String, name: String = "Test Person") throws -> String {
        let email = "ops-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", name, "--country", "DE", "--languages", "de,en",
                                        "--domains", domain, "--degree", "md", "--years", "12"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        return email
    }

    /// Whether `text` holds something shaped like an invite code (8 groups of 4).
    func holdsCode(_ text: String) -> Bool {
        text.range(of: "[0-9A-Z]{4}(-[0-9A-Z]{4}){7}", options: .regularExpression) != nil
    }

    @Test("a campaign writes its codes to a 0600 CSV and prints none; it needs --out; a warning names who never applied for the bank's domain")
    func campaign() throws {
        let applicants = try (1...3).map { _ in try applicant("law") }
        let without = try CommandRun.assay(["screen", "invite", "--bank", "law-core", "--domain", "law", "--status", "received"], environment: env)
        #expect(without.status == 2)
        #expect(without.stderr.contains("--out"))
        let out = "\(TemporaryFolder.root)/assay-cli-codes-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try CommandRun.assay(["screen", "invite", "--bank", "law-core", "--domain", "law", "--status", "received", "--out", out], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("invited 3 expert(s) to law-core"))
        #expect(!holdsCode(result.stdout) && !holdsCode(result.stderr), "codes never reach the terminal")
        var status = stat()
        #expect(stat(out, &status) == 0 && status.st_mode & 0o777 == 0o600)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4 && lines[0] == "code,email,name,expires_at,screen_id")
        #expect(Set(lines.dropFirst().map { String($0.split(separator: ",")[1]) }) == Set(applicants))
        #expect(lines.dropFirst().allSatisfy { holdsCode(String($0)) })

        // From a file, with someone who applied elsewhere: invited, with a warning.
        let other = try applicant("finance")
        let list = "\(TemporaryFolder.root)/assay-cli-experts-\(UUID().uuidString).txt"
        try Data("\(other)\n".utf8).write(to: URL(fileURLWithPath: list))
        defer { try? FileManager.default.removeItem(atPath: list) }
        let file = try CommandRun.assay(["screen", "invite", "--bank", "law-core", "--experts", list, "--out", out], environment: env)
        #expect(file.status == 0, "\(file.stderr)")
        #expect(file.stderr.contains("warning: 1 invited expert(s) never applied for the domain of law-core: \(other)"))
        // The single invitation warns the same way, and still prints its code.
        let single = try CommandRun.assay(["screen", "invite", other, "--bank", "physics-core"], environment: env)
        #expect(single.status == 0 && holdsCode(single.stdout))
        #expect(single.stderr.contains("never applied for the domain of physics-core"))

        for arguments in [["--status", "bogus", "--domain", "law"], ["--domain", "law"], [other, "--domain", "law", "--status", "received"],
                          ["--experts", list, "--limit", "3"], ["--domain", "law", "--status", "received", "--limit", "0"]] {
            let refused = try CommandRun.assay(["screen", "invite", "--bank", "law-core", "--out", out] + arguments, environment: env)
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
        }
        let astrology = try CommandRun.assay(["screen", "invite", "--bank", "law-core", "--domain", "astrology", "--status", "received", "--out", out], environment: env)
        #expect(astrology.status == 2 && astrology.stderr.contains("--domain"), "\(astrology.stderr)")
    }

    @Test("a flagged passing screen is held by pool promote with its flag in words until staff clear it; the evidence chain and pool list show the flag")
    func flaggedScreen() throws {
        let email = try applicant("medicine")
        let invite = try CommandRun.assay(["screen", "invite", email, "--bank", "medicine-core", "--format", "json"], environment: env)
        let screen = try #require((try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])?["screen_id"] as? Int)
        // Taken and passed by a candidate who answered five questions faster than anyone reads.
        try Connection(url).execute("""
            UPDATE screens SET status = 'scored', started_at = now(), deadline = now() + interval '40 minutes', submitted_at = now(), submitted_by = 'candidate',
                scored_at = now(), score_percent = 95, passed = true, flags = '[{"flag": "fast_answers", "positions": "1,2,3,4,5", "items": "20"}]'
            WHERE id = $1
            """, [screen])
        let dry = try CommandRun.assay(["pool", "promote", "--domain", "medicine", "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("held back by integrity flags"))
        #expect(dry.stdout.contains("promote \(email) in medicine: expert, score 95.0 — screen \(screen): fast answers on 5/20 items"), "\(dry.stdout)")
        let promote = try CommandRun.assay(["pool", "promote", "--domain", "medicine"], environment: env)
        #expect(promote.status == 0 && promote.stdout.contains("held back by integrity flags (1)"), "\(promote.stdout)")
        #expect(!(try CommandRun.assay(["pool", "list", "--domain", "medicine"], environment: env)).stdout.contains(email))

        let empty = try CommandRun.assay(["screen", "clear-flags", String(screen), "--reason", " "], environment: env)
        #expect(empty.status == 2)
        let clear = try CommandRun.assay(["screen", "clear-flags", String(screen), "--reason", "timings checked: paper copy", "--actor", "lead"], environment: env)
        #expect(clear.status == 0, "\(clear.stderr)")
        #expect(clear.stdout.contains("screen \(screen): cleared fast answers on 5/20 items"))
        let twice = try CommandRun.assay(["screen", "clear-flags", String(screen), "--reason", "again"], environment: env)
        #expect(twice.status == 2 && twice.stderr.contains("already cleared by lead"))

        let after = try CommandRun.assay(["pool", "promote", "--domain", "medicine"], environment: env)
        #expect(after.stdout.contains("promote \(email) in medicine: expert"), "\(after.stdout)")
        let show = try CommandRun.assay(["experts", "show", email], environment: env)
        #expect(show.stdout.contains("→ integrity flags: fast answers on 5/20 items; cleared by lead"), "\(show.stdout)")
        #expect(show.stdout.contains("screen.clear_flags by lead: timings checked: paper copy"))
        let list = try CommandRun.assay(["pool", "list", "--domain", "medicine"], environment: env)
        #expect(list.stdout.contains("fast answers on 5/20 items (cleared)"), "\(list.stdout)")
        let json = try CommandRun.assay(["pool", "promote", "--domain", "medicine", "--dry-run", "--format", "json"], environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["changes"] is [Any] && object["held"] is [Any])
    }
}
