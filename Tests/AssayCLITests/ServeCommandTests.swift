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
        #expect(terminal.waitFor("ssh exited 0"), "\(terminal.screen)")
        #expect(terminal.screen.contains("Your invite code is valid: Physics"))
        #expect(terminal.screen.contains("20 questions, 40 minutes in all; the clock has not started."))
        // The code as the user name: nothing is asked.
        let direct = try server.ssh(code, stdin: "")
        #expect(direct.status == 0, "\(direct.stdout)\(direct.stderr)")
        #expect(direct.stdout.contains("Your invite code is valid"))
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

    @Test("two servers on one database, the second under the least-privilege role of scripts/door-role.sql, both check the same code")
    func twoServersOneUnderTheRole() throws {
        let code = try invite()
        let roleURL = try doorRole()
        let first = try Server(url: url, hostKey: hostKey)
        let second = try Server(url: roleURL, hostKey: hostKey)
        #expect(first.fingerprint == second.fingerprint)
        for server in [first, second] {
            let result = try server.ssh(code)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("Your invite code is valid"))
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
}
