import AssayTesting
import Foundation
import Testing

@Suite("assay demo and roster export, end to end through the binary", .serialized)
struct DemoCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the demo runs the whole pipeline on a small sample, twice with the same result, and writes a roster")
    func demo() throws {
        let home = try TemporaryFolder.make(prefix: "assay-demo-")
        defer { _ = try? CommandRun.assay(["db", "stop"], environment: ["ASSAY_HOME": home.appendingPathComponent("c").path]); try? FileManager.default.removeItem(at: home) }
        let lines = try String(contentsOf: Self.repository.appendingPathComponent("examples/applications.csv"), encoding: .utf8).split(separator: "\n")
        let sample = home.appendingPathComponent("sample.csv")
        try Data((lines.prefix(31).joined(separator: "\n") + "\nX-1,Bad Row,not-an-email,FR,fr,law,jd,3,demo,,\n").utf8).write(to: sample)
        let roster = home.appendingPathComponent("roster.csv")
        let env = ["ASSAY_HOME": home.appendingPathComponent("c").path]
        let args = ["demo", "--applications", sample.path, "--roster", roster.path]
        let first = try CommandRun.assay(args, environment: env, directory: Self.repository.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("funnel per domain"))
        #expect(first.stdout.contains("rejected line 32: email"))
        // The simulated client closes the loop: outcomes back by pseudonym, then the validity report.
        #expect(first.stdout.contains("sent back by pseudonym and imported, 0 rejected"), "\(first.stdout)")
        #expect(first.stdout.contains("does the screen predict the simulated client's gold accuracy?"))
        #expect(first.stdout.contains("against gold_accuracy"))
        let csv = try String(contentsOf: roster, encoding: .utf8)
        #expect(csv.hasPrefix("expert_id,name,email"))
        let second = try CommandRun.assay(args, environment: env, directory: Self.repository.path)
        #expect(second.status == 0, "\(second.stderr)")
        func funnel(_ text: String) -> String { String(text[text.range(of: "funnel per domain")!.lowerBound...]) }
        #expect(funnel(second.stdout) == funnel(first.stdout), "the demo resets its database: the same seed gives the same funnel")
        // Roster export from the command line: pseudonymization is refused without a key.
        let url = try CommandRun.assay(["db", "url"], environment: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "/assay?", with: "/assay_demo?")
        let refused = try CommandRun.assay(["roster", "export", "--pseudonymize", "--database-url", url])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("ASSAY_PSEUDONYM_KEY"))
        let pseudonymous = try CommandRun.assay(["roster", "export", "--pseudonymize", "--format", "json", "--database-url", url],
                                                environment: ["ASSAY_PSEUDONYM_KEY": "a-demo-key-of-enough-length"])
        #expect(pseudonymous.status == 0, "\(pseudonymous.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(pseudonymous.stdout.utf8)) is [Any])
        #expect(!pseudonymous.stdout.contains("@example.org"))
    }
}
