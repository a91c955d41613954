public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster kept in a folder (`$ASSAY_HOME`, `./.assay` by default),
/// created with `initdb` on first use, started on demand, and reachable only through a unix
/// socket inside that folder (no TCP port).
///
/// Layout of the folder: `pgdata/` (the cluster), `run/` (the socket), `log/postgres.log`, and
/// `cluster.lock`, which every start and stop holds (`flock`) so that concurrent processes never
/// both run initdb or both start the server.
///
/// When the process runs as root, PostgreSQL (which refuses root) runs as the `postgres` OS
/// user, and the folders it writes are handed to that user.
///
/// `EmbeddedCluster` is an immutable value and `Sendable`; its methods may be called from any
/// thread, and from several processes at once.
public struct EmbeddedCluster: Sendable {
    /// How much the cluster trades durability for speed.
    public enum Durability: Sendable {
        /// PostgreSQL's defaults: every commit is on disk. For real data.
        case full
        /// fsync, synchronous commit and full-page writes off: fast, and a machine crash may lose
        /// the cluster. For throwaway test clusters only.
        case throwaway
    }

    /// What ``status()`` found.
    public enum State: String, Sendable {
        /// No cluster in the folder yet.
        case notInitialized = "not initialized"
        /// The cluster exists and its server is not running.
        case stopped
        /// The server is running and accepting connections.
        case running
    }

    /// The folder holding the cluster.
    public let home: URL
    /// The database that ``connectionURI`` names, created on first start.
    public let database: String
    /// The durability settings written into the cluster's configuration.
    public let durability: Durability

    /// The role the cluster is created with and connections use.
    public static let role = "assay"

    /// Describes a cluster in `home` (nothing is created until ``start()``).
    ///
    /// - Parameters:
    ///   - home: the folder; relative paths are resolved against the current directory.
    ///   - database: the database to create and connect to.
    ///   - durability: ``Durability/full`` unless this is a throwaway cluster.
    public init(home: String, database: String = "assay", durability: Durability = .full) {
        self.home = URL(fileURLWithPath: home, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
        self.database = database
        self.durability = durability
    }

    /// The cluster folder: `$ASSAY_HOME` if set, else `./.assay`.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["ASSAY_HOME"], !home.isEmpty { return home }
        return ".assay"
    }

    var dataDirectory: URL { home.appendingPathComponent("pgdata") }
    /// The folder holding the server's unix socket.
    public var socketDirectory: URL { home.appendingPathComponent("run") }
    /// The server's log file.
    public var logFile: URL { home.appendingPathComponent("log/postgres.log") }
    var lockFile: URL { home.appendingPathComponent("cluster.lock") }

    /// A libpq URI for ``database`` that `psql` accepts as is, e.g.
    /// `postgresql://assay@/assay?host=%2Fsrv%2Fassay%2F.assay%2Frun`.
    public var connectionURI: String { uri(database: database) }

    /// A libpq URI for another database of this cluster.
    public func uri(database: String) -> String {
        "postgresql://\(Self.role)@/\(Self.percentEncoded(database))?host=\(Self.percentEncoded(socketDirectory.path))"
    }

    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: Status

    /// Whether the cluster exists and whether its server is running. Takes no lock.
    public func status() -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        return Connection.ping(uri(database: "postgres")) ? .running : .stopped
    }

    /// The PostgreSQL major version the cluster was created with, if it exists.
    public var serverMajorVersion: String? {
        (try? String(contentsOf: dataDirectory.appendingPathComponent("PG_VERSION"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Start and stop

    /// What ``startReporting()`` did.
    public struct StartReport: Sendable {
        /// The connection URI of ``database``.
        public var uri: String
        /// Whether this call ran initdb.
        public var initialized: Bool
        /// Whether this call started the server (false when it was already running).
        public var started: Bool
    }

    /// Makes sure the cluster exists, its server runs and ``database`` exists: runs initdb on
    /// first use and starts the server when it is down. Safe to call from many processes at
    /// once; cheap when the server already runs.
    ///
    /// - Returns: ``connectionURI``.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/cluster`` saying what failed and
    ///   what to do (with the tail of the server log when the server would not start).
    @discardableResult
    public func start() throws -> String {
        try startReporting().uri
    }

    /// As ``start()``, also saying whether this call created the cluster or started the server.
    ///
    /// - Throws: as ``start()``.
    public func startReporting() throws -> StartReport {
        // Before anything connects: a folder someone else controls could hold their socket.
        try checkTrusted()
        if status() == .running, (try? Connection(connectionURI)) != nil {
            return StartReport(uri: connectionURI, initialized: false, started: false)
        }
        return try withLock {
            let initialized = try initializeIfNeeded()
            var started = false
            if status() != .running {
                try writeSettings()
                try runServerTool(["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"],
                                  failure: "the embedded PostgreSQL server did not start")
                started = true
            }
            try createDatabaseIfNeeded()
            return StartReport(uri: connectionURI, initialized: initialized, started: started)
        }
    }

    /// Stops the server if it runs (fast shutdown: open sessions are ended, committed data is kept).
    ///
    /// - Returns: whether it was running.
    /// - Throws: ``PostgresError`` when pg_ctl fails.
    @discardableResult
    public func stop() throws -> Bool {
        guard FileManager.default.fileExists(atPath: home.path) else { return false }
        return try withLock {
            guard status() == .running else { return false }
            try runServerTool(["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"],
                              failure: "the embedded PostgreSQL server did not stop")
            return true
        }
    }

    // MARK: Internals

    private var runsAsRoot: Bool { geteuid() == 0 }
    private var serverUser: String? { runsAsRoot ? "postgres" : nil }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        try checkTrusted()
        try createDirectory(home, mode: 0o755, ownedByServer: false)
        let fd = open(lockFile.path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw PostgresError(kind: .cluster, message: "cannot open the lock file \(lockFile.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw PostgresError(kind: .cluster, message: "cannot lock \(lockFile.path): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// The users who may own the cluster's folders: the invoking user, root and `postgres`.
    private var trustedOwners: Set<uid_t> {
        var owners: Set<uid_t> = [geteuid(), 0]
        if let account = getpwnam("postgres") { owners.insert(account.pointee.pw_uid) }
        return owners
    }

    /// Refuses a cluster folder (or its socket, data and log folders) that another user owns,
    /// that its group or others may write, or that is a symbolic link: whoever controls it can
    /// plant a socket or a pid file and receive every answer key and applicant that assay sends
    /// to "its" server. Folders not there yet pass (assay creates them itself, with safe modes).
    /// Called before anything is created in the folder or connects to its socket.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/untrustedFolder`` naming the
    ///   folder, its owner or mode, and what to do.
    public func checkTrusted() throws {
        for folder in [home, socketDirectory, dataDirectory, logFile.deletingLastPathComponent()] {
            var info = stat()
            guard lstat(folder.path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK {
                throw PostgresError(kind: .untrustedFolder, message: "\(folder.path) is a symbolic link; the cluster folder and its log, run and pgdata folders must be real folders (remove the link or set ASSAY_HOME elsewhere)")
            }
            guard trustedOwners.contains(info.st_uid) else {
                let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
                throw PostgresError(kind: .untrustedFolder, message: "\(folder.path) belongs to \(owner), not to you, root or postgres; another user could plant a socket there and receive answer keys and applicant data. Remove it, or set ASSAY_HOME to a folder of your own")
            }
            guard info.st_mode & 0o022 == 0 else {
                throw PostgresError(kind: .untrustedFolder, message: "\(folder.path) is writable by \(info.st_mode & 0o002 != 0 ? "every user" : "its group") (mode \(String(info.st_mode & 0o7777, radix: 8))); another user could plant a socket there and receive answer keys and applicant data. Run chmod go-w \(folder.path), or set ASSAY_HOME to a folder of your own")
            }
        }
    }

    private func createDirectory(_ url: URL, mode: mode_t, ownedByServer: Bool) throws {
        let path = url.path
        // Never follow a symbolic link here: as root, chown and chmod through a planted link would
        // change files anywhere on the machine.
        var linkInfo = stat()
        if lstat(path, &linkInfo) == 0, linkInfo.st_mode & S_IFMT == S_IFLNK {
            throw PostgresError(kind: .cluster, message: "\(path) is a symbolic link; the cluster folder and its log, run and pgdata folders must be real folders (remove the link or set ASSAY_HOME elsewhere)")
        }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw PostgresError(kind: .cluster, message: "cannot create \(path): \(error.localizedDescription); set ASSAY_HOME to a folder you can write")
            }
        } else if !isDirectory.boolValue {
            throw PostgresError(kind: .cluster, message: "\(path) exists and is not a folder; remove it or set ASSAY_HOME elsewhere")
        }
        if ownedByServer, runsAsRoot {
            guard let account = getpwnam("postgres") else {
                throw PostgresError(kind: .cluster, message: "assay runs as root, so the embedded PostgreSQL must run as the 'postgres' OS user, which does not exist; install PostgreSQL (apt-get install -y postgresql) or run assay as an ordinary user")
            }
            guard lchown(path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw PostgresError(kind: .cluster, message: "cannot hand \(path) to the postgres user: \(String(cString: strerror(errno)))")
            }
        }
        chmod(path, mode)
    }

    private func binary(_ name: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let bindir = environment["ASSAY_PG_BINDIR"], !bindir.isEmpty { candidates.append(bindir) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        candidates += versions.map { "\(root)/\($0)/bin" }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw PostgresError(
            kind: .cluster,
            message: "the PostgreSQL server program '\(name)' was not found; install the server (apt-get install -y postgresql), set ASSAY_PG_BINDIR to its bin folder, or set DATABASE_URL to use an existing server")
    }

    private func checkPaths() throws {
        let forbidden = CharacterSet(charactersIn: "\"'$`\\\n")
        if home.path.rangeOfCharacter(from: forbidden) != nil {
            throw PostgresError(kind: .cluster, message: "the cluster folder \(home.path) contains a quote, '$', '`', '\\' or a newline, which PostgreSQL's tools cannot handle; set ASSAY_HOME to a simpler path")
        }
        // A unix socket path is limited to 107 bytes: <run>/.s.PGSQL.5432
        if socketDirectory.path.utf8.count + 15 > 107 {
            throw PostgresError(kind: .cluster, message: "the cluster folder \(home.path) is too deep for a unix socket path (at most 92 characters); set ASSAY_HOME to a shorter path")
        }
    }

    /// As root, the `postgres` user must be able to enter every folder above the cluster.
    private func checkServerUserCanReach() throws {
        guard runsAsRoot, let account = getpwnam("postgres") else { return }
        let uid = account.pointee.pw_uid, gid = account.pointee.pw_gid
        var folder = home.deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            var info = stat()
            if stat(folder.path, &info) == 0 {
                let mode = info.st_mode
                let canEnter = (info.st_uid == uid && mode & S_IXUSR != 0) || (info.st_gid == gid && mode & S_IXGRP != 0) || mode & S_IXOTH != 0
                if !canEnter {
                    throw PostgresError(
                        kind: .cluster,
                        message: "assay runs as root, so the embedded PostgreSQL runs as the 'postgres' user, which cannot enter \(folder.path) (mode \(String(mode & 0o777, radix: 8))); set ASSAY_HOME to a folder it can reach (for example /var/lib/assay) or let it in with chmod o+x \(folder.path)")
                }
            }
            folder = folder.deletingLastPathComponent()
        }
    }

    /// Runs initdb unless the cluster exists; returns whether it ran.
    private func initializeIfNeeded() throws -> Bool {
        try checkPaths()
        try checkServerUserCanReach()
        try createDirectory(home.appendingPathComponent("log"), mode: 0o755, ownedByServer: true)
        try createDirectory(socketDirectory, mode: 0o700, ownedByServer: true)
        guard status() == .notInitialized else { return false }
        // A folder left by an initdb that was interrupted: initdb needs it empty.
        if FileManager.default.fileExists(atPath: dataDirectory.path) {
            try? FileManager.default.removeItem(at: dataDirectory)
        }
        try createDirectory(dataDirectory, mode: 0o700, ownedByServer: true)
        var arguments = ["-D", dataDirectory.path, "-U", Self.role, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-instructions"]
        if durability == .throwaway { arguments.append("--no-sync") }
        let outcome = try CommandRunner.run(try binary("initdb"), arguments, as: serverUser)
        guard outcome.status == 0 else {
            try? FileManager.default.removeItem(at: dataDirectory)
            var message = "initdb failed in \(dataDirectory.path): \(outcome.output.split(separator: "\n").suffix(5).joined(separator: " | "))"
            if runsAsRoot { message += "; the postgres user must be able to reach this folder (every parent folder needs o+x)" }
            throw PostgresError(kind: .cluster, message: message)
        }
        let conf = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n# Settings written by assay on every start.\ninclude_if_exists = 'assay.conf'\n".utf8))
        try handle.close()
        return true
    }

    /// Rewrites `assay.conf` so that the socket path follows the folder even if it was moved.
    private func writeSettings() throws {
        try checkPaths()
        var lines = [
            "listen_addresses = ''",
            "unix_socket_directories = '\(socketDirectory.path)'",
            "unix_socket_permissions = 0700",
            "max_connections = 200",
            // Bulk imports commit their two halves (written over two connections) with two-phase commit.
            "max_prepared_transactions = 64",
            "shared_buffers = 128MB",
            "max_wal_size = 4GB",
            "wal_compression = lz4",
            // Bulk imports write WAL from two backends at once: with room for a few seconds of it
            // and a WAL writer that flushes often, backends rarely wait to write WAL themselves
            // (a million-row import: 0.35 s faster than with 16MB and the 200ms default).
            "wal_buffers = 64MB",
            "wal_writer_delay = 20ms",
            "logging_collector = off",
            "log_min_messages = warning",
            "log_timezone = 'UTC'",
            "timezone = 'UTC'",
        ]
        if durability == .throwaway {
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let path = dataDirectory.appendingPathComponent("assay.conf")
        // Atomic: written beside and renamed over, so a symbolic link planted at this name is
        // replaced, never followed.
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: path, options: .atomic)
        if runsAsRoot, let account = getpwnam("postgres") {
            lchown(path.path, account.pointee.pw_uid, account.pointee.pw_gid)
        }
    }

    private func runServerTool(_ arguments: [String], failure: String) throws {
        let outcome = try CommandRunner.run(try binary("pg_ctl"), arguments, as: serverUser)
        guard outcome.status == 0 else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw PostgresError(
                kind: .cluster,
                message: "\(failure): \(outcome.output.split(separator: "\n").suffix(3).joined(separator: " | "))\(tail.isEmpty ? "" : "; server log: \(tail)")")
        }
    }

    private func createDatabaseIfNeeded() throws {
        let connection = try Connection(uri(database: "postgres"))
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
        if exists.isEmpty {
            do {
                try connection.execute("CREATE DATABASE \(try connection.escapeIdentifier(database))")
            } catch let error as PostgresError where error.code == .duplicateDatabase || error.code == .uniqueViolation {
                // Created meanwhile by a process that does not hold our lock (an external client).
            }
        }
    }
}
