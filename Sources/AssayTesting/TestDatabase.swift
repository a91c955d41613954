public import Foundation
public import Postgres
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Databases for tests: one per suite, on one PostgreSQL server per test process.
///
/// The server is `ASSAY_TEST_DATABASE_URL` when that is set (its role must be allowed to create
/// databases); otherwise a throwaway embedded cluster in a temporary folder, started on first
/// use and stopped when the test process exits. Clusters left behind by a test process that was
/// killed are stopped and removed the next time.
///
/// Safe to call from concurrent tests: the state sits behind a `Mutex`.
public enum TestDatabase {
    private struct State: Sendable {
        var server: Server?
        var databases: [String: String] = [:]
    }

    private enum Server: Sendable {
        case embedded(EmbeddedCluster)
        case external(String)
    }

    private static let state = Mutex(State())

    /// The connection URI of a database reserved for `suite`, created empty on first request.
    /// Later calls with the same name return the same database.
    ///
    /// - Parameter suite: a short name, unique to the suite (letters, digits, '_').
    /// - Throws: when the server cannot be started or the database cannot be created.
    public static func url(for suite: String) throws -> String {
        try state.withLock { state in
            if let url = state.databases[suite] { return url }
            let server = try state.server ?? startServer()
            state.server = server
            let name = "t_\(suite.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" })_\(getpid())"
            let (adminURL, url): (String, String)
            switch server {
            case .embedded(let cluster):
                adminURL = cluster.uri(database: "postgres")
                url = cluster.uri(database: name)
            case .external(let base):
                adminURL = base
                url = replacingDatabase(in: base, with: name)
            }
            let admin = try Connection(adminURL)
            let quoted = try admin.escapeIdentifier(name)
            try admin.execute("DROP DATABASE IF EXISTS \(quoted)")
            try admin.execute("CREATE DATABASE \(quoted)")
            state.databases[suite] = url
            return url
        }
    }

    /// Whether the test server allows prepared transactions (the direct import needs two). The
    /// embedded cluster does; a server given by `ASSAY_TEST_DATABASE_URL` is asked, and when it
    /// cannot be asked the answer is yes, so that the tests run and report the failure.
    public static var allowsPreparedTransactions: Bool {
        guard let url = ProcessInfo.processInfo.environment["ASSAY_TEST_DATABASE_URL"], !url.isEmpty else { return true }
        guard let connection = try? Connection(url),
              let setting = try? connection.query("SELECT current_setting('max_prepared_transactions') AS n")[0].decode("n", as: String.self)
        else { return true }
        return (Int(setting) ?? 0) >= 2
    }

    /// The throwaway embedded cluster, when tests use one (nil with `ASSAY_TEST_DATABASE_URL`).
    public static var embeddedCluster: EmbeddedCluster? {
        get throws {
            try state.withLock { state in
                let server = try state.server ?? startServer()
                state.server = server
                if case .embedded(let cluster) = server { return cluster }
                return nil
            }
        }
    }

    private static func startServer() throws -> Server {
        if let url = ProcessInfo.processInfo.environment["ASSAY_TEST_DATABASE_URL"], !url.isEmpty {
            atexit { TestDatabase.dropExternalDatabases() }
            return .external(url)
        }
        removeAbandonedClusters()
        let folder = try TemporaryFolder.make(prefix: "assay-tests-\(getpid())-")
        let cluster = EmbeddedCluster(home: folder.path, database: "postgres", durability: .throwaway)
        try cluster.start()
        atexit { TestDatabase.stopEmbeddedCluster() }
        return .embedded(cluster)
    }

    private static func stopEmbeddedCluster() {
        guard case .embedded(let cluster)? = state.withLock({ $0.server }) else { return }
        _ = try? cluster.stop()
        try? FileManager.default.removeItem(at: cluster.home)
    }

    private static func dropExternalDatabases() {
        let (server, databases) = state.withLock { ($0.server, $0.databases) }
        guard case .external(let base)? = server, let admin = try? Connection(base) else { return }
        for url in databases.values {
            guard let name = URLComponents(string: url)?.path.dropFirst(), let quoted = try? admin.escapeIdentifier(String(name)) else { continue }
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        }
    }

    /// Stops and deletes clusters whose test process no longer exists.
    private static func removeAbandonedClusters() {
        let temporary = TemporaryFolder.root
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for entry in entries where entry.hasPrefix("assay-tests-") {
            let parts = entry.split(separator: "-")
            guard parts.count >= 3, let pid = Int32(parts[2]), pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            let cluster = EmbeddedCluster(home: "\(temporary)/\(entry)", durability: .throwaway)
            _ = try? cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.home.path)
        }
    }

    private static func replacingDatabase(in url: String, with name: String) -> String {
        if var components = URLComponents(string: url), components.scheme?.hasPrefix("postgres") == true {
            components.path = "/" + name
            return components.string ?? url
        }
        return url + " dbname=\(name)"  // keyword/value conninfo: a later keyword wins
    }
}

/// Temporary folders that the `postgres` OS user can reach when tests run as root.
public enum TemporaryFolder {
    /// The parent of every folder made here.
    public static var root: String {
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp
    }

    /// Creates a new, empty folder (mode 0755) under ``root``.
    ///
    /// - Throws: when it cannot be created.
    public static func make(prefix: String = "assay-") throws -> URL {
        var template = Array("\(root)/\(prefix)XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw PostgresError(kind: .cluster, message: "cannot create a temporary folder in \(root)")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o755)
        return URL(fileURLWithPath: path)
    }
}
