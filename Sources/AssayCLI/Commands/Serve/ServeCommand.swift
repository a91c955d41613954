import ArgumentParser
import AssayCore
import AssayServer
import Dispatch
import Foundation
import Logging

/// `assay serve`: the SSH door for remote candidates.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve screens to remote candidates over SSH (ssh -p PORT HOST, then the invite code; no account, key or password).",
        discussion: """
            The first start creates an Ed25519 host key (in $ASSAY_HOME unless --host-key) and
            prints its fingerprint for you to publish; later starts reuse it. Candidates connect
            with any user name and no password, or with their invite code as the user name;
            nothing but the screen is possible (no commands, sftp or forwarding). Logs go to
            stderr. SIGTERM or Ctrl-C stops accepting, tells connected candidates that the service
            is restarting and their answers are kept, and exits.

            Example:
              assay serve --listen 0.0.0.0:2222 --max-sessions 500
              (a candidate then runs: ssh -p 2222 screens.example.org, and types the code)
            """)

    @Option(help: ArgumentHelp("The address and port to listen on (port 0 picks a free one).", valueName: "host:port"))
    var listen = "0.0.0.0:2222"
    @Option(name: .customLong("host-key"), help: ArgumentHelp("The Ed25519 host key file (created when missing; default $ASSAY_HOME/ssh_host_ed25519_key).", valueName: "file"))
    var hostKey: String?
    @Option(name: .customLong("max-sessions"), help: "The most candidates connected at once.")
    var maxSessions = 2000
    @Option(name: .customLong("max-sessions-per-address"), help: "The most candidates connected at once from one source address.")
    var maxSessionsPerAddress = 10
    @Option(help: "Database connections shared by all candidates.")
    var connections = 8
    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds without input before a session is closed (its answers are kept).", valueName: "seconds"))
    var idleTimeout = 900
    @Option(name: .customLong("public-host"), help: ArgumentHelp("The host name candidates connect to, shown in the command that resumes a paused screen (default: the listening address, or this machine's name).", valueName: "host"))
    var publicHost: String?
    @Option(name: .customLong("public-port"), help: ArgumentHelp("The port candidates connect to, when a load balancer listens on another one (default: the listening port).", valueName: "port"))
    var publicPort: Int?
    @OptionGroup var database: DatabaseOptions

    /// The listening address, split.
    var endpoint: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func validate() throws {
        guard endpoint != nil else { throw ValidationError("--listen must be HOST:PORT (e.g. 0.0.0.0:2222 or [::]:2222), is \(listen)") }
        guard (1...10_000).contains(maxSessions) else { throw ValidationError("--max-sessions must be between 1 and 10000, is \(maxSessions)") }
        guard (1...10_000).contains(maxSessionsPerAddress) else { throw ValidationError("--max-sessions-per-address must be between 1 and 10000, is \(maxSessionsPerAddress)") }
        guard (1...100).contains(connections) else { throw ValidationError("--connections must be between 1 and 100, is \(connections)") }
        if let publicPort, !(1...65535).contains(publicPort) { throw ValidationError("--public-port must be between 1 and 65535, is \(publicPort)") }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be between 1 and 86400 seconds, is \(idleTimeout)") }
    }

    func run() throws {
        guard let endpoint else { throw ValidationError("--listen must be HOST:PORT") }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "assay.serve")
        let conninfo = try database.configuration.connectionString()
        for label in try DoorSchema.prepare(conninfo: conninfo, migrator: try Migrator.shipped()) {
            say("applied migration \(label)")
        }
        let key = try HostKey.loadOrCreate(at: hostKey ?? HostKey.defaultPath())
        say("host key: \(key.path) (\(key.created ? "created now" : "reused"))")
        say("host key fingerprint: \(key.fingerprint) (ED25519)")
        let pool = DatabasePool(size: connections, conninfo: conninfo, logger: logger)
        try pool.start()
        let publicHost = self.publicHost ?? (["0.0.0.0", "::"].contains(endpoint.host) ? ProcessInfo.processInfo.hostName : endpoint.host)
        let session = PromptSession(pool: pool, limiter: FailureLimiter(), logger: logger, publicHost: publicHost,
                                    publicPort: publicPort ?? endpoint.port)
        let door = ScreenDoor(
            configuration: ScreenDoorConfiguration(host: endpoint.host, port: endpoint.port, maxSessions: maxSessions,
                                                   maxSessionsPerAddress: maxSessionsPerAddress, idleTimeout: Double(idleTimeout)),
            hostKey: key, session: session, logger: logger)
        let bound: (address: String, port: Int)
        do {
            bound = try door.start()
        } catch {
            pool.shutdown()
            throw error
        }
        if publicPort == nil { session.publicPort = bound.port }
        // The signal handlers are in place before the ready line: a SIGTERM sent as soon as it is
        // read is never lost.
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        say("listening on \(bound.address) with \(connections) database connections; candidates run: ssh -p \(bound.port) this-host, and type their invite code when asked")
        stop.wait()
        // Whatever happens below, the process ends within 10 s of the signal.
        DispatchQueue.global().asyncAfter(deadline: .now() + 9) {
            logger.error("shutdown took too long; exiting now (saved answers are already committed)")
            Foundation.exit(1)
        }
        say("stopping: telling connected candidates")
        door.shutdown()
        pool.shutdown()
        say("stopped")
        sources.forEach { $0.cancel() }
    }

    /// A line on stdout, written at once (tests and operators read it while the server runs).
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
