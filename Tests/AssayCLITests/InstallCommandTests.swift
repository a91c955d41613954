@testable import AssayCore
import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("Installed like a tool: install.sh, the shipped data from any folder, --version, db stop, the command reference", .serialized)
struct InstallCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("scripts/install.sh PREFIX installs the binary, its data and completion; from another folder it syncs the shipped banks, migrates, and runs the demo")
    func installAndRunElsewhere() throws {
        let prefix = try TemporaryFolder.make(prefix: "assay-prefix-")
        let elsewhere = try TemporaryFolder.make(prefix: "assay-elsewhere-")
        let home = try TemporaryFolder.make(prefix: "assay-installed-home-")
        defer {
            _ = try? CommandRun.run(prefix.appendingPathComponent("bin/assay").path, ["db", "stop"],
                                    environment: CommandRun.cleanEnvironment.merging(["ASSAY_HOME": home.path]) { $1 })
            for folder in [prefix, elsewhere, home] { try? FileManager.default.removeItem(at: folder) }
        }
        let install = try CommandRun.run("/bin/bash", [Self.repository.appendingPathComponent("scripts/install.sh").path, "--binary", CommandRun.assayPath, prefix.path],
                                         environment: CommandRun.cleanEnvironment, directory: elsewhere.path)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        #expect(install.stdout.contains("installed \(AssayVersion.current) as \(prefix.path)/bin/assay"))
        let share = prefix.appendingPathComponent("share/assay")
        for path in ["sql/001_core.sql", "interview-banks/medicine/domain.yaml", "interview-banks/law/core.yaml", "examples/applications.csv",
                     "../bash-completion/completions/assay", "../zsh/site-functions/_assay", "../fish/vendor_completions.d/assay.fish"] {
            #expect(FileManager.default.fileExists(atPath: share.appendingPathComponent(path).path), "\(path)")
        }
        let completion = try String(contentsOf: prefix.appendingPathComponent("share/bash-completion/completions/assay"), encoding: .utf8)
        #expect(completion.contains("assay") && completion.contains("roster"))

        let assay = prefix.appendingPathComponent("bin/assay").path
        func installed(_ arguments: [String], _ environment: [String: String] = [:]) throws -> CommandResult {
            try CommandRun.run(assay, arguments, environment: CommandRun.cleanEnvironment.merging(environment) { $1 }, directory: elsewhere.path)
        }
        let version = try installed(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == AssayVersion.current)

        // The shipped banks and migrations, found under PREFIX/share/assay from a folder that has neither.
        let url = try TestDatabase.url(for: "cli_installed")
        let lint = try installed(["bank", "lint"])
        #expect(lint.status == 0 && lint.stdout.contains("8 bank(s)"), "\(lint.stdout)\(lint.stderr)")
        let sync = try installed(["bank", "sync", "--database-url", url])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("medicine-core") && sync.stdout.contains("law-core"), "\(sync.stdout)")
        let status = try installed(["db", "status", "--database-url", url, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((report["migrations_pending"] as? [String])?.isEmpty == true, "\(status.stdout)")

        // The demo's sample is found too: with another server configured, the demo gets past the
        // sample and refuses the server (it runs on the embedded cluster only).
        let refused = try installed(["demo"], ["DATABASE_URL": url])
        #expect(refused.status == 2 && refused.stderr.contains("runs on the embedded cluster"), "\(refused.stderr)")

        // The whole demo from the foreign folder, on the shipped banks, with a small sample.
        let lines = try String(contentsOf: Self.repository.appendingPathComponent("examples/applications.csv"), encoding: .utf8).split(separator: "\n")
        let sample = elsewhere.appendingPathComponent("sample.csv")
        try Data((lines.prefix(21).joined(separator: "\n") + "\n").utf8).write(to: sample)
        let demo = try installed(["demo", "--applications", sample.path], ["ASSAY_HOME": home.path])
        #expect(demo.status == 0, "\(demo.stdout)\(demo.stderr)")
        #expect(demo.stdout.contains("banks: \(share.path)/interview-banks"), "\(demo.stdout)")
        #expect(demo.stdout.contains("funnel per domain"))
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("roster.csv").path))
        let demoURL = try installed(["db", "url", "--demo"], ["ASSAY_HOME": home.path])
        #expect(demoURL.status == 0 && demoURL.stdout.contains("/assay_demo?"), "\(demoURL.stdout)\(demoURL.stderr)")
        let members: Int = try Connection(demoURL.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            .query("SELECT count(*)::int FROM pool_members")[0].decode(0)
        #expect(members >= 0)
    }

    @Test("a binary with no data beside it, above it or in the current folder says where it looked and what to do")
    func noShippedData() throws {
        let bin = try TemporaryFolder.make(prefix: "assay-lonely-")
        let elsewhere = try TemporaryFolder.make(prefix: "assay-lonely-cwd-")
        defer { try? FileManager.default.removeItem(at: bin); try? FileManager.default.removeItem(at: elsewhere) }
        let copy = bin.appendingPathComponent("assay")
        try CommandRun.copyAssay(to: copy.path)
        let url = try TestDatabase.url(for: "cli_lonely")
        let result = try CommandRun.run(copy.path, ["experts", "list", "--database-url", url], environment: CommandRun.cleanEnvironment, directory: elsewhere.path)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot find the sql/ migrations folder") && result.stderr.contains("scripts/install.sh"), "\(result.stderr)")
        let demo = try CommandRun.run(copy.path, ["demo"], environment: CommandRun.cleanEnvironment, directory: elsewhere.path)
        #expect(demo.status == 2 && demo.stderr.contains("cannot find examples/applications.csv"), "\(demo.stderr)")
        // ASSAY_DATA_DIR points at the data.
        let pointed = try CommandRun.run(copy.path, ["bank", "lint"], environment: CommandRun.cleanEnvironment.merging(["ASSAY_DATA_DIR": Self.repository.path]) { $1 },
                                         directory: elsewhere.path)
        #expect(pointed.status == 0 && pointed.stdout.contains("8 bank(s)"), "\(pointed.stdout)\(pointed.stderr)")
    }

    @Test("the shipped data is searched in ASSAY_DATA_DIR, beside the binary, in its ../share/assay, then its parents, then the current folder")
    func searchOrder() throws {
        let root = try TemporaryFolder.make(prefix: "assay-layout-")
        defer { try? FileManager.default.removeItem(at: root) }
        let executable = root.appendingPathComponent("prefix/bin/assay")
        let path = ShippedData.searchPath(executable: executable, environment: ["ASSAY_DATA_DIR": "/data"], currentDirectory: "/work")
        #expect(path.map(\.path).prefix(4) == ["/data", root.path + "/prefix/bin", root.path + "/prefix/share/assay", root.path + "/prefix"])
        #expect(path.last?.path == "/work")
        let share = root.appendingPathComponent("prefix/share/assay")
        try FileManager.default.createDirectory(at: share.appendingPathComponent("examples"), withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: share.appendingPathComponent("examples/applications.csv"))
        #expect(ShippedData.folder(holding: "examples/applications.csv", executable: executable, environment: [:], currentDirectory: "/nonexistent")?.path == share.path)
        #expect(ShippedData.folder(holding: "sql/001_core.sql", executable: executable, environment: [:], currentDirectory: "/nonexistent") == nil)
        // Beside the binary wins over share/assay.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("prefix/bin/examples"), withIntermediateDirectories: true)
        try Data("y\n".utf8).write(to: root.appendingPathComponent("prefix/bin/examples/applications.csv"))
        #expect(ShippedData.folder(holding: "examples/applications.csv", executable: executable, environment: [:], currentDirectory: "/nonexistent")?.path == root.path + "/prefix/bin")
    }

    @Test("db stop warns when screens are in progress, and stops the cluster all the same")
    func stopWarns() throws {
        let home = try TemporaryFolder.make(prefix: "assay-stop-")
        let env = ["ASSAY_HOME": home.path]
        defer { _ = try? CommandRun.assay(["db", "stop"], environment: env); try? FileManager.default.removeItem(at: home) }
        let quiet = try CommandRun.assay(["db", "start"], environment: env)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let idle = try CommandRun.assay(["db", "stop"], environment: env)
        #expect(idle.status == 0 && !idle.stderr.contains("in progress"), "\(idle.stderr)")
        let sync = try CommandRun.assay(["bank", "sync", Self.repository.appendingPathComponent("interview-banks/physics").path], environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        let add = try CommandRun.assay(["intake", "add", "--email", "busy@example.org", "--name", "Busy Candidate", "--country", "FR", "--languages", "fr",
                                        "--domains", "physics", "--degree", "phd", "--years", "4"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", "busy@example.org", "--bank", "physics-core", "--format", "json"], environment: env)
        let code = try #require((try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])?["code"] as? String, "\(invite.stderr)")
        // The candidate begins, then their input ends: the screen stays in progress.
        _ = try CommandRun.assay(["screen", "take", code], environment: env, stdin: "y\n")
        let stop = try CommandRun.assay(["db", "stop"], environment: env)
        #expect(stop.status == 0)
        #expect(stop.stderr.contains("assay: warning: 1 screen is in progress"), "\(stop.stderr)")
        #expect(stop.stdout.contains("embedded cluster stopped"))
    }

    @Test("docs/commands.md is what scripts/command-reference.sh prints for this binary")
    func commandReferenceIsCurrent() throws {
        let generated = try CommandRun.run("/bin/bash", [Self.repository.appendingPathComponent("scripts/command-reference.sh").path, CommandRun.assayPath],
                                           environment: CommandRun.cleanEnvironment, directory: Self.repository.path)
        #expect(generated.status == 0, "\(generated.stderr)")
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        #expect(generated.stdout == committed, "docs/commands.md is out of date: run scripts/command-reference.sh > docs/commands.md")
        #expect(committed.contains("## assay roster export") && committed.contains("--allow-empty"))
    }

    @Test("every command's help gives an example")
    func everyCommandHasAnExample() throws {
        let generated = try CommandRun.run("/bin/bash", [Self.repository.appendingPathComponent("scripts/command-reference.sh").path, CommandRun.assayPath],
                                           environment: CommandRun.cleanEnvironment, directory: Self.repository.path)
        #expect(generated.status == 0, "\(generated.stderr)")
        let sections = generated.stdout.components(separatedBy: "\n## ").dropFirst()
        #expect(sections.count >= 40, "the reference lists every command")
        for section in sections {
            let name = section.prefix { $0 != "\n" }
            #expect(section.contains("Example:") || section.contains("Examples:"), "\(name) has no example in its help")
        }
        #expect(sections.contains { $0.hasPrefix("assay serve\n") } && sections.contains { $0.hasPrefix("assay screen clear-flags\n") }
                && sections.contains { $0.hasPrefix("assay experts merge\n") } && sections.contains { $0.hasPrefix("assay validity report\n") })
    }
}
