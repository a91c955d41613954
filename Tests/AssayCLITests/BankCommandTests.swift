import AssayTesting
import Foundation
import Testing

@Suite("assay bank, end to end through the binary")
struct BankCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("lint passes on the shipped banks and prints a summary")
    func lintShipped() throws {
        let result = try CommandRun.assay(["bank", "lint"], directory: Self.repository.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("8 bank(s)"))
        #expect(result.stdout.contains("0 error(s)"))
    }

    @Test("lint of a broken file exits 2 with file:line:column on stderr")
    func lintBroken() throws {
        let root = try TemporaryFolder.make(prefix: "assay-lint-")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("interview-banks/law"), to: root.appendingPathComponent("law"))
        let file = root.appendingPathComponent("law/core.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "difficulty: hard", with: "difficulty: brutal").utf8).write(to: file)
        let result = try CommandRun.assay(["bank", "lint", root.path])
        #expect(result.status == 2)
        let first = try #require(result.stderr.split(separator: "\n").first)
        #expect(first.range(of: #"law/core\.yaml:\d+:\d+: error: difficulty must be easy, medium or hard, not 'brutal'"#, options: .regularExpression) != nil, "\(first)")
    }

    @Test("sync loads the banks, a second sync changes nothing, and list and show read them back")
    func syncListShow() throws {
        let env = ["DATABASE_URL": try TestDatabase.url(for: "cli_bank")]
        let sync = try CommandRun.assay(["bank", "sync"], environment: env, directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("added: chemistry-core"))
        let again = try CommandRun.assay(["bank", "sync", "--format", "json"], environment: env, directory: Self.repository.path)
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect((report?["added"] as? [String])?.isEmpty == true)
        #expect((report?["unchanged"] as? [String])?.count == 8)
        let list = try CommandRun.assay(["bank", "list"], environment: env)
        #expect(list.stdout.contains("medicine-core"))
        let show = try CommandRun.assay(["bank", "show", "medicine-core"], environment: env)
        #expect(show.status == 0)
        #expect(show.stdout.contains("contains answer keys"))
        #expect(show.stdout.contains("correct: true"))
        let missing = try CommandRun.assay(["bank", "show", "no-such-bank"], environment: env)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no bank 'no-such-bank'"))
    }

    @Test("import-gift writes a bank that lints clean and reports what it could not convert, by line")
    func importGift() throws {
        let root = try TemporaryFolder.make(prefix: "assay-gift-")
        defer { try? FileManager.default.removeItem(at: root) }
        let domain = root.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        try Data("slug: demo\nname: Demo\ndescription: Demo.\n".utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        let gift = """
            $CATEGORY: $course$/Cardiology

            ::Q1:: Which drug is first-line for stable SVT after vagal manoeuvres fail? {=Adenosine ~Amiodarone ~Digoxin}

            ::Q2:: Aspirin is an anticoagulant. {F}

            ::Q3:: Atenolol is a {=beta blocker} and amlodipine a {=calcium channel blocker}.

            ::Q4:: Normal adult resting heart rate upper limit (beats/min)? {#100:5}
            """
        let giftFile = root.appendingPathComponent("cardio.gift")
        try Data(gift.utf8).write(to: giftFile)
        let out = domain.appendingPathComponent("cardio.yaml")
        let result = try CommandRun.assay(["bank", "import-gift", giftFile.path, "--domain", "demo", "--bank", "demo-cardio", "--out", out.path])
        #expect(result.status == 2, "embedded answers (two blocks) cannot be converted, so the exit code says so")
        #expect(result.stderr.contains("cardio.gift:7:"), "\(result.stderr)")
        let lint = try CommandRun.assay(["bank", "lint", root.path])
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(lint.stdout.contains("3 item(s)"))
    }
}
