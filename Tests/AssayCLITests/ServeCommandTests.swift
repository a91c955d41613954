import AssayTesting
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `assay serve` started from the built binary, reached with the real OpenSSH client (in tmux
/// where a person would type).
@Suite("assay serve, through the real ssh client", .serialized)
struct ServeCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sshOptions = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                             "-o", "BatchMode=yes", "-o", "ConnectTimeout=20"]
    let url: String
    let folder: URL

    init() throws {
        url = try TestDatabase.url(for: "cli_serve")
        folder = try TemporaryFolder.make(prefix: "assay-serve-")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    /// A running `assay serve`.
    final class Server: Sendable {
        let process: RunningCommand
        let port: Int
        let fingerprint: String
        let stdout: String

        init(url: String, hostKey: String, arguments: [String] = []) throws {
            process = try CommandRun.start(CommandRun.assayPath, ["serve", "--listen", "127.0.0.1:0", "--host-key", hostKey, "--connections", "2",
                                                                  "--database-url", url] + arguments,
                                           environment: CommandRun.cleanEnvironment)
            var listening: Int?
            for _ in 0..<600 {
                if let line = process.stdoutSoFar.split(separator: "\n").first(where: { $0.hasPrefix("listening on 127.0.0.1:") }),
                   let port = Int(line.dropFirst("listening on 127.0.0.1:".count).prefix { $0.isNumber }) {
                    listening = port
                    break
                }
                usleep(100_000)
            }
            guard let listening else {
                process.kill()
                let result = process.wait()
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "assay serve did not start: \(result.stdout) \(result.stderr)"])
            }
            port = listening
            stdout = process.stdoutSoFar
            fingerprint = stdout.split(separator: "\n").first { $0.hasPrefix("host key fingerprint: ") }
                .map { String($0.dropFirst("host key fingerprint: ".count).prefix { $0 != " " }) } ?? ""
        }

        /// Stops it with SIGTERM and returns what it printed.
        func stop() -> CommandResult {
            process.kill(SIGTERM)
            return process.wait()
        }

        /// `ssh` to this server as `user`, to completion: with a forced terminal unless told
        /// otherwise, `options` before the destination and `command` after it.
        func ssh(_ user: String, options: [String] = [], command: [String] = [], terminal: Bool = true, stdin: String = "") throws -> CommandResult {
            try CommandRun.run("/usr/bin/ssh", ServeCommandTests.sshOptions + (terminal ? ["-tt"] : []) + ["-p", String(port)] + options
                                   + ["\(user)@127.0.0.1"] + command,
                               environment: ProcessInfo.processInfo.environment, stdin: stdin)
        }

        /// The ssh command line for tmux.
        func sshCommand(_ user: String) -> String {
            (["ssh"] + ServeCommandTests.sshOptions + ["-p", String(port), "\(user)@127.0.0.1"]).joined(separator: " ")
                + "; echo \"ssh exited $?\"; sleep 120"
        }
    }

    var hostKey: String { folder.appendingPathComponent("ssh_host_ed25519_key").path }

    /// A new expert invited to physics-core; returns the code.
    func invite() throws -> String {
        try inviteScreen().code
    }

    /// A new expert invited to physics-core; returns the screen and the code.
    func inviteScreen() throws -> (screen: Int, code: String) {
        let email = "s-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let env = ["DATABASE_URL": url]
        let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", "Remote Person", "--country", "BR", "--languages", "pt,en",
                                        "--domains", "physics", "--degree", "phd", "--years", "8"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", email, "--bank", "physics-core", "--format", "json"], environment: env)
        #expect(invite.status == 0, "\(invite.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        return (try #require(json["screen_id"] as? Int), try #require(json["code"] as? String))
    }

    /// The role of scripts/door-role.sql on the test database; returns its URL.
    func doorRole() throws -> String {
        let recipe = try String(contentsOf: Self.repository.appendingPathComponent("scripts/door-role.sql"), encoding: .utf8)
        let owner = try Connection(url)
        // Another suite may be creating the (cluster-wide) role at this instant: once more then.
        if (try? owner.executeScript(recipe)) == nil { try owner.executeScript(recipe) }
        try owner.execute("ALTER ROLE assay_door PASSWORD 'door-test-password'")
        var components = try #require(URLComponents(string: url))
        components.user = "assay_door"
        components.password = "door-test-password"
        return try #require(components.string)
    }

    @Test("the code is asked for when the user name is not one; a wrong code is refused, the right one accepted; the log has a hash prefix, never the code")
    func codePrompt() throws {
        let code = try invite()
        let server = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(server.sshCommand("candidate"))
        #expect(terminal.waitFor("Invite code: "), "\(terminal.screen)")
        terminal.sendLine("0000-1111-2222-3333-4444-5555-6666-7777")
        #expect(terminal.waitFor("This invite code is not known"), "\(terminal.screen)")
        terminal.send("XXXX")
        terminal.send("BSpace", literal: false)
        terminal.send("BSpace", literal: false)
        terminal.send("BSpace", literal: false)
        terminal.send("BSpace", literal: false)
        terminal.sendLine(code.lowercased())
        // The prompt of `assay screen take` takes over: not starting now tells how to come back.
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        #expect(terminal.screen.contains("20 questions, 40 minutes in all."), "\(terminal.screen)")
        terminal.sendLine("n")
        #expect(terminal.waitFor("ssh exited 0"), "\(terminal.screen)")
        #expect(terminal.screen.contains("ssh -p \(server.port) 127.0.0.1"), "\(terminal.screen)")
        #expect(!terminal.screen.contains("\(code.uppercased())@"), "the resume command leaves the code out: \(terminal.screen)")
        // The code as the user name: nothing is asked.
        let direct = try server.ssh(code, stdin: "")
        #expect(direct.status == 0, "\(direct.stdout)\(direct.stderr)")
        #expect(direct.stdout.contains("20 questions, 40 minutes in all."), "\(direct.stdout)")
        #expect(!direct.stdout.contains("Invite code: "))
        let log = server.stop().stderr
        #expect(log.contains("outcome=unknown"))
        #expect(log.contains("outcome=valid"))
        let normalized = code.uppercased().filter { $0 != "-" }
        #expect(!log.contains(normalized) && !log.contains(code) && !log.contains(code.lowercased()), "the code never reaches the log")
        #expect(!log.contains("0000-1111-2222-3333-4444-5555-6666-7777"))
    }

    @Test("wrong codes are throttled per address: after five, even the right code must wait")
    func throttled() throws {
        let code = try invite()
        let server = try Server(url: url, hostKey: hostKey)
        for attempt in 1...5 {
            let wrong = try server.ssh("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZ\(attempt)")
            #expect(wrong.stdout.contains("This invite code is not known"), "attempt \(attempt): \(wrong.stdout)")
        }
        let blocked = try server.ssh(code)
        #expect(blocked.status == 1)
        #expect(blocked.stdout.contains("Too many wrong codes came from your address. Please wait"), "\(blocked.stdout)")
        #expect(!blocked.stdout.contains("valid"))
        let log = server.stop().stderr
        #expect(log.contains("outcome=blocked"))
    }

    @Test("commands, sftp, port forwarding and a shell without a terminal are refused")
    func refusals() throws {
        let server = try Server(url: url, hostKey: hostKey)
        let exec = try server.ssh("candidate", command: ["cat", "/etc/passwd"], terminal: false)
        #expect(exec.status == 255)
        #expect(exec.stderr.contains("This service only opens a screen for candidates"), "\(exec.stderr)")
        #expect(!exec.stdout.contains("root:"))
        let sftp = try server.ssh("candidate", options: ["-s"], command: ["sftp"], terminal: false)
        #expect(sftp.status == 255)
        #expect(sftp.stderr.contains("subsystem request failed") || sftp.stderr.contains("This service only opens a screen"), "\(sftp.stderr)")
        let stdio = try server.ssh("candidate", options: ["-W", "127.0.0.1:22"], terminal: false)
        #expect(stdio.status == 255, "\(stdio.stderr)")
        let remote = try server.ssh("candidate", options: ["-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"], terminal: false)
        #expect(remote.status == 255)
        #expect(remote.stderr.contains("remote port forwarding failed"), "\(remote.stderr)")
        let plain = try server.ssh("candidate", options: ["-T"], terminal: false)
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("This service needs a terminal"), "\(plain.stderr)")
        // Local forwarding: the tunnel opens, but a connection through it is refused.
        let localPort = 20000 + Int(getpid() % 20000)
        let tunnel = try CommandRun.start("/usr/bin/ssh", Self.sshOptions + ["-N", "-o", "ExitOnForwardFailure=yes", "-p", String(server.port),
                                                                            "-L", "127.0.0.1:\(localPort):127.0.0.1:22", "candidate@127.0.0.1"],
                                          environment: ProcessInfo.processInfo.environment)
        var probed = ""
        for _ in 0..<100 {
            let probe = try CommandRun.run("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(localPort) && timeout 5 cat <&3"], environment: ProcessInfo.processInfo.environment)
            if probe.status == 0 { probed = probe.stdout; break }
            usleep(100_000)
        }
        tunnel.kill(SIGTERM)
        _ = tunnel.wait()
        #expect(!probed.contains("SSH-2.0"), "nothing answers through the tunnel")
        let log = server.stop().stderr
        #expect(log.contains("request=exec"))
        #expect(log.contains("request=subsystem sftp"))
        #expect(log.contains("request=tcpip-forward"))
        #expect(log.contains("request=direct-tcpip"), "\(log)")
        #expect(!log.contains("/etc/passwd"), "commands are not logged")
    }

    @Test("the host key is created on the first start and reused by the next, with the fingerprint ssh sees")
    func hostKeyReused() throws {
        let key = folder.appendingPathComponent("reuse/host_key").path
        let first = try Server(url: url, hostKey: key)
        #expect(first.stdout.contains("(created now)"))
        let scanned = try CommandRun.run("/bin/sh", ["-c", "ssh-keyscan -p \(first.port) 127.0.0.1 2>/dev/null | ssh-keygen -lf -"], environment: ProcessInfo.processInfo.environment)
        #expect(scanned.stdout.contains(first.fingerprint), "\(scanned.stdout) vs \(first.fingerprint)")
        #expect(first.stop().status == 0)
        let second = try Server(url: url, hostKey: key)
        #expect(second.stdout.contains("(reused)"))
        #expect(second.fingerprint == first.fingerprint)
        _ = second.stop()
    }

    @Test("SIGTERM: connected candidates are told the service restarts and their answers are kept; the server exits 0 and accepts no one")
    func sigterm() throws {
        let server = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(server.sshCommand("candidate"))
        #expect(terminal.waitFor("Invite code: "), "\(terminal.screen)")
        let result = server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("stopped"))
        #expect(terminal.waitFor("ssh exited"), "\(terminal.screen)")
        #expect(terminal.screen.contains("The screen service is restarting. Every answer you saved is kept"), "\(terminal.screen)")
        let after = try server.ssh("candidate")
        #expect(after.status == 255, "nothing listens any more")
    }

    @Test("a second session from the same address over the limit is told so and closed")
    func perAddressLimit() throws {
        let server = try Server(url: url, hostKey: hostKey, arguments: ["--max-sessions-per-address", "1"])
        let terminal = try TmuxSession(server.sshCommand("candidate"))
        #expect(terminal.waitFor("Invite code: "), "\(terminal.screen)")
        let second = try server.ssh("candidate")
        #expect(second.status == 1)
        #expect(second.stderr.contains("Your address already has 1 open session"), "\(second.stdout)\(second.stderr)")
        terminal.sendLine("not-a-code")
        #expect(terminal.waitFor("That is not an invite code"), "the first session goes on: \(terminal.screen)")
        let log = server.stop().stderr
        #expect(log.contains("session refused: too many from this address"))
    }

    @Test("a session without input for the idle timeout is closed, saying that saved answers are kept")
    func idle() throws {
        let server = try Server(url: url, hostKey: hostKey, arguments: ["--idle-timeout", "2"])
        let terminal = try TmuxSession(server.sshCommand("candidate"))
        #expect(terminal.waitFor("ssh exited"), "\(terminal.screen)")
        #expect(terminal.screen.contains("closed after 2 seconds without input. Every answer you saved is kept"), "\(terminal.screen)")
        let log = server.stop().stderr
        #expect(log.contains("session closed: idle"))
    }

    @Test("a session idle in the middle of a screen is closed: its answers and the essay being written are kept, and connecting again resumes there")
    func idleMidScreen() throws {
        let (screen, code, positions) = try inviteTerminalScreen()
        // Long enough that the candidate's keys, sent as soon as each question shows, never wait
        // that long on a loaded machine.
        let server = try Server(url: url, hostKey: hostKey, arguments: ["--idle-timeout", "5"])
        let terminal = try TmuxSession(server.sshCommand(code))
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        terminal.sendLine("y")
        // The two short questions answered, the essay skipped wherever it comes; it comes back
        // last, the candidate enters a line, types part of the next and goes quiet.
        for type in order(positions) {
            #expect(terminal.waitFor(try #require(Self.prompts[type])), "\(type): \(terminal.screen)")
            if type == "essay" { terminal.sendLine("skip") } else { answer(type, in: terminal) }
        }
        #expect(terminal.waitFor("1 skipped question left."), "\(terminal.screen)")
        terminal.sendLine("Objects keep")
        terminal.send("their")
        #expect(terminal.waitFor("ssh exited"), "\(terminal.screen)")
        #expect(terminal.screen.contains("This session was closed after 5 seconds without input. Every answer you saved is kept"), "\(terminal.screen)")
        // The prompt saves the essay with the line being typed as the session ends.
        var result = try stored(screen)
        for _ in 0..<200 where result.drafts["essay"] != "Objects keep\ntheir" {
            usleep(50_000)
            result = try stored(screen)
        }
        #expect(result.answers == ["short_text": "newton", "true_false": "true"])
        #expect(result.drafts == ["essay": "Objects keep\ntheir"])
        #expect(result.status == "in_progress")
        // Connecting again resumes at the essay, with its draft; ending it submits the screen.
        let resumed = try TmuxSession(server.sshCommand(code))
        #expect(resumed.waitFor("Resuming: 2 of 3 answered"), "\(resumed.screen)")
        #expect(resumed.waitFor("their"), "\(resumed.screen)")
        resumed.sendLine(".")
        #expect(resumed.waitFor("ssh exited 0"), "\(resumed.screen)")
        #expect(resumed.screen.contains("your screen is submitted (3 of 3 answered)"), "\(resumed.screen)")
        #expect(try stored(screen).answers["essay"] == "Objects keep\ntheir")
        let log = server.stop().stderr
        #expect(log.contains("session closed: idle"))
    }

    /// The peak resident memory of a process, in bytes (`VmHWM` in /proc).
    static func peakMemory(_ pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? "")) * 1024
    }

    @Test("a paste far beyond the door's 1 MiB input cap ends in a clear message, not a crash; the server's memory does not grow with it, and the screen resumes")
    func pasteBeyondTheInputCap() throws {
        let (screen, code, _) = try inviteTerminalScreen()
        let server = try Server(url: url, hostKey: hostKey)
        let before = try Self.peakMemory(server.process.pid)
        // The screen begun, then 32 MiB pasted at once (bracketed, as a terminal marks a paste)
        // and Enter. Either the door's cap closes the session (the paste arrived faster than the
        // prompt read it) or the prompt refuses the line as too long (it read as fast): which one
        // depends on timing; both must end with a clear message and exit status 1.
        let size = 32 << 20
        let paste = "\u{1B}[200~" + String(repeating: "word ", count: size / 5) + "\u{1B}[201~\r"
        let result = try server.ssh(code, stdin: "y\r" + paste)
        #expect(result.status == 1, "\(result.stderr)")
        let flooded = result.stdout.contains("Too much input arrived at once; the session was closed. Every answer you saved is kept.")
        let refused = result.stdout.contains("the limit is")
        #expect(flooded || refused, "\(result.stdout.suffix(2000))")
        // The paste was never held whole: the peak grew by less than half of it.
        let growth = try Self.peakMemory(server.process.pid) - before
        #expect(growth < size / 2, "peak resident memory grew by \(growth) bytes")
        #expect(try stored(screen).status == "in_progress")
        // The server goes on: the candidate connects again and the screen resumes.
        let resumed = try TmuxSession(server.sshCommand(code))
        #expect(resumed.waitFor("Resuming: 0 of 3 answered"), "\(resumed.screen)")
        let log = server.stop()
        #expect(log.status == 0, "\(log.stderr)")
        #expect(!flooded || log.stderr.contains("input flood") || log.stderr.contains("input-flood"), "\(log.stderr)")
    }

    @Test("two servers on one database, the second under the least-privilege role of scripts/door-role.sql, both open the same screen")
    func twoServersOneUnderTheRole() throws {
        let code = try invite()
        let roleURL = try doorRole()
        let first = try Server(url: url, hostKey: hostKey)
        let second = try Server(url: roleURL, hostKey: hostKey)
        #expect(first.fingerprint == second.fingerprint)
        for server in [first, second] {
            let result = try server.ssh(code)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("20 questions, 40 minutes in all."), "\(result.stdout)")
        }
        #expect(first.stop().status == 0)
        let log = second.stop()
        #expect(log.status == 0, "\(log.stderr)")
        #expect(!log.stderr.contains("error"), "\(log.stderr)")
    }

    @Test("assay screen take runs a whole screen under the least-privilege role (no migration rights needed once migrated)")
    func screenTakeUnderTheRole() throws {
        let (screen, code) = try inviteScreen()
        let roleURL = try doorRole()
        let rows = try Connection(url).query("""
            SELECT i.type, coalesce(array_length(si.choice_order, 1), 0) AS n FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 ORDER BY si.position
            """, [screen])
        let answers = try rows.map { row -> String in
            let n: Int = try row.decode("n")
            switch try row.decode("type", as: String.self) {
            case "single_choice", "multiple_response": return "B"
            case "true_false": return "true"
            case "numeric": return "42"
            case "short_text": return "some answer"
            case "ordering": return String((0..<n).map { Character(UnicodeScalar(UInt8(65 + n - 1 - $0))) })
            default: return "My essay answer.\n."
            }
        }
        let result = try CommandRun.assay(["screen", "take", code, "--database-url", roleURL], stdin: (["y"] + answers).joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("your screen is submitted (20 of 20 answered)"), "\(result.stdout)")
    }

    // MARK: The prompt over SSH

    /// A new expert invited to the three-item terminal bank (an essay of at most 8 words, a short
    /// answer, a true-or-false item); returns the screen, the code and each item type's position.
    func inviteTerminalScreen() throws -> (screen: Int, code: String, positions: [String: Int]) {
        let bank = try TerminalBankFixture.folder(repository: Self.repository)
        defer { try? FileManager.default.removeItem(at: bank) }
        let sync = try CommandRun.assay(["bank", "sync", bank.path, "--database-url", url])
        #expect(sync.status == 0, "\(sync.stderr)")
        let email = "t-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let env = ["DATABASE_URL": url]
        let add = try CommandRun.assay(["intake", "add", "--email", email, "--name", "Remote Person", "--country", "BR", "--languages", "pt,en",
                                        "--domains", "physics", "--degree", "phd", "--years", "8"], environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let invite = try CommandRun.assay(["screen", "invite", email, "--bank", TerminalBankFixture.slug, "--format", "json"], environment: env)
        #expect(invite.status == 0, "\(invite.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        let screen = try #require(json["screen_id"] as? Int)
        var positions: [String: Int] = [:]
        for row in try Connection(url).query("SELECT si.position, i.type FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1", [screen]) {
            positions[try row.decode("type")] = try row.decode("position")
        }
        return (screen, try #require(json["code"] as? String), positions)
    }

    static let prompts = ["essay": "Explain inertia in at most eight words.", "short_text": "Name the SI unit of force.",
                          "true_false": "Momentum is conserved in an isolated system."]

    /// The item types of a terminal-bank screen in the order the prompt shows them.
    func order(_ positions: [String: Int]) -> [String] {
        positions.sorted { $0.value < $1.value }.map(\.key)
    }

    /// The screen's stored answers by item type, and its status and who submitted it.
    func stored(_ screen: Int) throws -> (answers: [String: String], drafts: [String: String], status: String, by: String?) {
        let connection = try Connection(url)
        var answers: [String: String] = [:], drafts: [String: String] = [:]
        for row in try connection.query("""
            SELECT i.type, si.answer_text, si.draft_text FROM screen_items si JOIN items i ON i.id = si.item_id WHERE si.screen_id = $1
            """, [screen]) {
            let type: String = try row.decode("type")
            if let text: String = try row.decode("answer_text") { answers[type] = text }
            if let text: String = try row.decode("draft_text") { drafts[type] = text }
        }
        let row = try connection.query("SELECT status, submitted_by FROM screens WHERE id = $1", [screen]).one()
        return (answers, drafts, try row.decode("status"), try row.decode("submitted_by"))
    }

    /// A terminal-bank screen begun over the door on a new server: the first question answered,
    /// the second one on screen.
    func screenWithOneAnswer() throws -> (screen: Int, server: Server, terminal: TmuxSession, types: [String]) {
        let (screen, code, positions) = try inviteTerminalScreen()
        let server = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(server.sshCommand(code))
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        terminal.sendLine("y")
        let types = order(positions)
        #expect(terminal.waitFor(try #require(Self.prompts[types[0]])), "\(terminal.screen)")
        answer(types[0], in: terminal)
        #expect(terminal.waitFor(try #require(Self.prompts[types[1]])), "\(terminal.screen)")
        return (screen, server, terminal, types)
    }

    /// Answers the question of `type` in the tmux window (the essay in two lines).
    func answer(_ type: String, in terminal: TmuxSession) {
        switch type {
        case "essay":
            terminal.sendLine("Objects keep")
            terminal.sendLine("their motion")
            terminal.sendLine(".")
        case "short_text": terminal.sendLine("newton")
        default: terminal.sendLine("true")
        }
    }

    @Test("a whole screen over ssh: the prompt of screen take, sized to the window, every answer saved and the screen submitted")
    func wholeScreen() throws {
        let (screen, code, positions) = try inviteTerminalScreen()
        let server = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(server.sshCommand(code), columns: 60)
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        terminal.sendLine("y")
        for type in order(positions) {
            #expect(terminal.waitFor(try #require(Self.prompts[type])), "\(type): \(terminal.screen)")
            answer(type, in: terminal)
        }
        #expect(terminal.waitFor("ssh exited 0"), "\(terminal.screen)")
        #expect(terminal.screen.contains("your screen is submitted (3 of 3 answered)"), "\(terminal.screen)")
        // Wrapped to the 60-column window: no line is wider.
        #expect(terminal.screen.split(separator: "\n").allSatisfy { $0.count <= 60 })
        let result = try stored(screen)
        #expect(result.answers == ["essay": "Objects keep\ntheir motion", "short_text": "newton", "true_false": "true"])
        #expect(result.drafts.isEmpty)
        #expect(["scored", "awaiting_review"].contains(result.status))
        #expect(result.by == "candidate")
        #expect(server.stop().status == 0)
    }

    @Test("the ssh client killed mid-essay: the draft is kept, and a second server on another port resumes the screen with it")
    func killedMidEssayResumesOnAnotherServer() throws {
        let (screen, code, positions) = try inviteTerminalScreen()
        let first = try Server(url: url, hostKey: hostKey)
        let second = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(first.sshCommand(code))
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        terminal.sendLine("y")
        for type in order(positions) {
            #expect(terminal.waitFor(try #require(Self.prompts[type])), "\(type): \(terminal.screen)")
            if type == "essay" { break }
            answer(type, in: terminal)
        }
        terminal.sendLine("Objects keep")
        terminal.send("their")
        // The first line is saved as a draft as soon as it is entered.
        var draft: String?
        for _ in 0..<200 where draft == nil {
            draft = try stored(screen).drafts["essay"]
            if draft == nil { usleep(50_000) }
        }
        #expect(draft == "Objects keep")
        // Kill this test's ssh client (found by its unique port and code), as a lost laptop would.
        let listing = try CommandRun.run("/bin/ps", ["-eo", "pid=,args="], environment: ProcessInfo.processInfo.environment).stdout
        let client = listing.split(separator: "\n").first { line in
            line.contains(" ssh ") || line.contains("/ssh ") ? line.contains("-p \(first.port) \(code)@127.0.0.1") && !line.contains("echo") : false
        }
        let pid = try #require(client.flatMap { Int32($0.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) }, "\(listing)")
        kill(pid, SIGKILL)
        #expect(terminal.waitFor("ssh exited"), "\(terminal.screen)")
        // The first server saw the connection drop; the draft (with the line being typed, if it
        // arrived) is kept.
        let kept = try #require(try stored(screen).drafts["essay"])
        #expect(kept.hasPrefix("Objects keep"))
        // The candidate connects to the other server: the essay comes back with its draft.
        let resumed = try TmuxSession(second.sshCommand(code))
        #expect(resumed.waitFor("Resuming:"), "\(resumed.screen)")
        #expect(resumed.waitFor(try #require(Self.prompts["essay"])), "\(resumed.screen)")
        #expect(resumed.screen.contains("Objects keep"), "\(resumed.screen)")
        resumed.sendLine("motion")
        resumed.sendLine(".")
        for type in order(positions).drop(while: { $0 != "essay" }).dropFirst() {
            #expect(resumed.waitFor(try #require(Self.prompts[type])), "\(type): \(resumed.screen)")
            answer(type, in: resumed)
        }
        #expect(resumed.waitFor("ssh exited 0"), "\(resumed.screen)")
        #expect(resumed.screen.contains("your screen is submitted (3 of 3 answered)"), "\(resumed.screen)")
        let result = try stored(screen)
        #expect(result.answers["essay"]?.hasPrefix("Objects keep") == true)
        #expect(result.answers["essay"]?.hasSuffix("motion") == true)
        #expect(result.answers.count == 3 && result.drafts.isEmpty)
        #expect(first.stop().status == 0)
        #expect(second.stop().status == 0)
    }

    @Test("a deadline passing during a session: the late answer is not saved, the screen is closed and submitted by the deadline")
    func deadlinePasses() throws {
        let (screen, server, terminal, types) = try screenWithOneAnswer()
        // Time runs out (and no grace) while the candidate reads the second question.
        try Connection(url).execute("UPDATE screens SET deadline = now() - interval '1 second', grace_seconds = 0 WHERE id = $1", [screen])
        answer(types[1], in: terminal)
        #expect(terminal.waitFor("ssh exited 0"), "\(terminal.screen)")
        #expect(terminal.screen.contains("Time is up"), "\(terminal.screen)")
        #expect(terminal.screen.contains("your screen is submitted (1 of 3 answered)"), "\(terminal.screen)")
        let result = try stored(screen)
        #expect(result.answers.count == 1 && result.answers[types[0]] != nil)
        #expect(result.by == "deadline")
        #expect(server.stop().status == 0)
    }


    @Test("Ctrl-C over ssh pauses as locally: the answers are saved and the candidate is shown the ssh command that resumes")
    func ctrlCPauses() throws {
        let (screen, server, terminal, _) = try screenWithOneAnswer()
        terminal.send("C-c", literal: false)
        #expect(terminal.waitFor("ssh exited 130"), "\(terminal.screen)")
        #expect(terminal.screen.contains("Paused. Your 1 answer is saved."), "\(terminal.screen)")
        #expect(terminal.screen.contains("ssh -p \(server.port) 127.0.0.1"), "\(terminal.screen)")
        let result = try stored(screen)
        #expect(result.answers.count == 1 && result.status == "in_progress")
        #expect(server.stop().status == 0)
    }

    @Test("SIGTERM during a screen: the candidate is told the service restarts and the answers are kept; the screen stays open to resume")
    func sigtermDuringAScreen() throws {
        let (screen, server, terminal, _) = try screenWithOneAnswer()
        let stopped = server.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(terminal.waitFor("ssh exited"), "\(terminal.screen)")
        #expect(terminal.screen.contains("The screen service is restarting. Every answer you saved is kept"), "\(terminal.screen)")
        let result = try stored(screen)
        #expect(result.answers.count == 1 && result.status == "in_progress")
    }


    @Test("a window-change over ssh draws the question again at the new width")
    func windowChange() throws {
        let (_, code, positions) = try inviteTerminalScreen()
        let server = try Server(url: url, hostKey: hostKey)
        let terminal = try TmuxSession(server.sshCommand(code), columns: 100)
        #expect(terminal.waitFor("[y/n]"), "\(terminal.screen)")
        terminal.sendLine("y")
        let prompt = try #require(Self.prompts[order(positions)[0]])
        #expect(terminal.waitFor(prompt), "\(terminal.screen)")
        terminal.resize(columns: 32, rows: 30)
        // The window is cleared and the question drawn again, wrapped to 32 columns: every line
        // from the question's header down fits (tmux joins the lines it wraps itself).
        var fits = false
        for _ in 0..<100 where !fits {
            let screen = terminal.screen
            if let header = screen.range(of: "Question 1", options: .backwards) {
                let lines = screen[header.lowerBound...].split(separator: "\n")
                fits = lines.count > 2 && lines.allSatisfy { $0.count <= 32 }
            }
            if !fits { usleep(100_000) }
        }
        #expect(fits, "\(terminal.screen)")
        _ = server.stop()
    }

}
