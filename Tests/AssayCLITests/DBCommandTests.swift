import AssayTesting
import Foundation
import Postgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("assay db, end to end through the binary", .serialized)
struct DBCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("with nothing configured, assay creates, starts, migrates, reports and stops its own cluster")
    func embeddedDefault() throws {
        let home = try TemporaryFolder.make(prefix: "assay-cli-")
        defer { _ = try? CommandRun.assay(["db", "stop"], environment: ["ASSAY_HOME": home.path]); try? FileManager.default.removeItem(at: home) }
        let env = ["ASSAY_HOME": home.path]

        let before = try CommandRun.assay(["db", "status"], environment: env)
        #expect(before.status == 0)
        #expect(before.stdout.contains("not initialized"))

        let start = try CommandRun.assay(["db", "start"], environment: env)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("started"))
        #expect(start.stdout.contains("001_core"))

        let status = try CommandRun.assay(["db", "status", "--format", "json"], environment: env)
        #expect(status.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(report?["state"] as? String == "running")
        #expect((report?["migrations_pending"] as? [String])?.isEmpty == true)

        // `assay db url` prints a URI that libpq (and so psql) accepts as is.
        let url = try CommandRun.assay(["db", "url"], environment: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let n: Int = try Connection(url).query("SELECT count(*) AS n FROM schema_migrations")[0].decode("n")
        #expect(n >= 1)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") {
            let psql = try CommandRun.run("/usr/bin/psql", [url, "-tAc", "SELECT 40 + 2"], environment: CommandRun.cleanEnvironment)
            #expect(psql.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42", "\(psql.stderr)")
        }

        let stop = try CommandRun.assay(["db", "stop"], environment: env)
        #expect(stop.stdout.contains("stopped"))
        let after = try CommandRun.assay(["db", "status"], environment: env)
        #expect(after.stdout.contains("stopped"))
        let again = try CommandRun.assay(["db", "stop"], environment: env)
        #expect(again.status == 0 && again.stdout.contains("not running"))
    }

    @Test("a command that creates the embedded cluster implicitly says so on stderr, once; an unsafe cluster folder is refused with exit 2")
    func implicitCreationIsAnnounced() throws {
        let home = try TemporaryFolder.make(prefix: "assay-cli-implicit-")
        defer { _ = try? CommandRun.assay(["db", "stop"], environment: ["ASSAY_HOME": home.path]); try? FileManager.default.removeItem(at: home) }
        let env = CommandRun.cleanEnvironment.merging(["ASSAY_HOME": home.path]) { $1 }
        let first = try CommandRun.assay(["experts", "list"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("created a new embedded PostgreSQL cluster in \(home.path)"))
        let second = try CommandRun.assay(["experts", "list"], environment: env)
        #expect(second.status == 0 && second.stderr.isEmpty, "\(second.stderr)")
        _ = try CommandRun.assay(["db", "stop"], environment: env)
        chmod(home.path, 0o777)
        let refused = try CommandRun.assay(["experts", "list"], environment: env)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("writable by every user"))
        chmod(home.path, 0o755)
    }

    /// A listening unix socket at `run/.s.PGSQL.5432` in `home`, with a `pgdata/PG_VERSION` beside
    /// it, so that assay would take it for its running server: what a local user who can write
    /// the folder would plant. `connections()` counts the clients that reached it.
    struct PlantedServer {
        let descriptor: Int32

        init(home: URL) throws {
            let run = home.appendingPathComponent("run"), data = home.appendingPathComponent("pgdata")
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try Data("15\n".utf8).write(to: data.appendingPathComponent("PG_VERSION"))
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array(run.appendingPathComponent(".s.PGSQL.5432").path.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.enumerated() where index < raw.count - 1 { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 16) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            chmod(run.appendingPathComponent(".s.PGSQL.5432").path, 0o777)
        }

        /// Connects to the planted socket as a client would, and hangs up; returns whether it
        /// connected.
        func connectOnce() -> Bool {
            var address = sockaddr_un()
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    var length = socklen_t(MemoryLayout<sockaddr_un>.size)
                    return getsockname(descriptor, pointer, &length)
                }
            }
            let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { _ = Glibc.close(client) }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            } == 0
        }

        /// Accepts (and closes) every pending connection; returns how many there were.
        func connections() -> Int {
            var count = 0
            while case let client = accept(descriptor, nil, nil), client >= 0 {
                _ = Glibc.close(client)
                count += 1
            }
            return count
        }

        func close() { _ = Glibc.close(descriptor) }
    }

    @Test("a cluster folder that others may write is refused with exit 2, the reason and what to do, before anything connects to a socket planted in it")
    func writableFolderRefusedBeforeConnecting() throws {
        let home = try TemporaryFolder.make(prefix: "assay-cli-planted-")
        defer { try? FileManager.default.removeItem(at: home) }
        let planted = try PlantedServer(home: home)
        defer { planted.close() }
        // A client that did connect would wait for an answer: PGCONNECT_TIMEOUT (which selects no
        // server) turns a regression into a failure instead of a hang.
        let env = CommandRun.cleanEnvironment.merging(["ASSAY_HOME": home.path, "PGCONNECT_TIMEOUT": "2"]) { $1 }
        // A connection to the planted socket is counted: the checks below are not vacuous.
        #expect(planted.connectOnce())
        #expect(planted.connections() == 1)

        chmod(home.path, 0o1777)
        for arguments in [["experts", "list"], ["db", "status"], ["db", "start"], ["db", "url"], ["db", "stop"], ["screen", "list"]] {
            let refused = try CommandRun.assay(arguments, environment: env)
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("\(home.path) is writable by every user (mode 1777)"), "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("chmod go-w \(home.path)") && refused.stderr.contains("ASSAY_HOME"))
            #expect(planted.connections() == 0, "\(arguments) connected to the planted socket")
        }
        // The socket's folder alone writable by its group: refused as well.
        chmod(home.path, 0o755)
        chmod(home.appendingPathComponent("run").path, 0o775)
        let group = try CommandRun.assay(["experts", "list"], environment: env)
        #expect(group.status == 2 && group.stderr.contains("run is writable by its group"), "\(group.stderr)")
        #expect(planted.connections() == 0)
    }

    @Test("a cluster folder owned by another user is refused with exit 2, naming the owner, before anything connects to a socket planted in it",
          .enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs root to hand a folder to the 'nobody' user"))
    func foreignFolderRefusedBeforeConnecting() throws {
        let outer = try TemporaryFolder.make(prefix: "assay-cli-foreign-")
        defer { try? FileManager.default.removeItem(at: outer) }
        let home = outer.appendingPathComponent(".assay")
        let planted = try PlantedServer(home: home)
        defer { planted.close() }
        let nobody = try #require(getpwnam("nobody"))
        #expect(chown(home.path, nobody.pointee.pw_uid, nobody.pointee.pw_gid) == 0)
        // The default folder, ./.assay, relative to the working folder: as when root runs assay
        // in a folder where another user planted it.
        let env = CommandRun.cleanEnvironment.merging(["PGCONNECT_TIMEOUT": "2"]) { $1 }
        for arguments in [["experts", "list"], ["db", "status"], ["db", "start"]] {
            let refused = try CommandRun.run(CommandRun.assayPath, arguments, environment: env, directory: outer.path)
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("\(home.path) belongs to nobody, not to you, root or postgres"), "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("ASSAY_HOME"))
            #expect(planted.connections() == 0, "\(arguments) connected to the planted socket")
        }
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("cluster.lock").path), "nothing was created in it")
    }

    @Test("two assay processes started at the same moment create and start one cluster")
    func concurrentProcesses() throws {
        let home = try TemporaryFolder.make(prefix: "assay-cli-race-")
        defer { _ = try? CommandRun.assay(["db", "stop"], environment: ["ASSAY_HOME": home.path]); try? FileManager.default.removeItem(at: home) }
        let env = CommandRun.cleanEnvironment.merging(["ASSAY_HOME": home.path]) { $1 }
        let first = try CommandRun.start(CommandRun.assayPath, ["db", "start"], environment: env)
        let second = try CommandRun.start(CommandRun.assayPath, ["db", "start"], environment: env)
        let results = [first.wait(), second.wait()]
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        #expect(results.filter { $0.stdout.contains("started in") }.count == 1, "exactly one process started the server")
        #expect(results.filter { $0.stdout.contains("001_core") }.count == 1, "exactly one process applied the migration")
        let log = (try? String(contentsOf: home.appendingPathComponent("log/postgres.log"), encoding: .utf8)) ?? ""
        #expect(log.components(separatedBy: "database system is ready to accept connections").count - 1 == 1)
    }

    @Test("as an ordinary (non-root) user, the cluster runs as that user",
          .enabled(if: geteuid() == 0 && getpwnam("nobody") != nil && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                   "needs root to switch to the unprivileged 'nobody' user"))
    func ordinaryUser() throws {
        let home = try TemporaryFolder.make(prefix: "assay-cli-user-")
        defer { try? FileManager.default.removeItem(at: home) }
        chown(home.path, getpwnam("nobody").pointee.pw_uid, getpwnam("nobody").pointee.pw_gid)
        // The build folder may sit under a folder the user cannot enter (a CI clone in a 0700
        // temporary folder): run a copy of the binary and the migrations from a public folder.
        let binary = home.appendingPathComponent("assay")
        try CommandRun.copyAssay(to: binary.path)
        let sql = home.appendingPathComponent("sql")
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("sql"), to: sql)
        let env = CommandRun.cleanEnvironment.merging(["ASSAY_HOME": home.appendingPathComponent("cluster").path, "ASSAY_SQL_DIR": sql.path]) { $1 }
        func asNobody(_ arguments: [String]) throws -> CommandResult {
            // Another test's process may be forking while the copy's descriptor is still open
            // somewhere, which makes exec fail with ETXTBSY for a moment: try again briefly.
            var result = try CommandRun.run("/usr/sbin/runuser", ["-u", "nobody", "--", binary.path] + arguments, environment: env, directory: "/")
            for _ in 0..<50 where result.stderr.contains("Text file busy") {
                usleep(100_000)
                result = try CommandRun.run("/usr/sbin/runuser", ["-u", "nobody", "--", binary.path] + arguments, environment: env, directory: "/")
            }
            return result
        }
        defer { _ = try? asNobody(["db", "stop"]) }
        let start = try asNobody(["db", "start"])
        #expect(start.status == 0, "\(start.stderr)")
        let status = try asNobody(["db", "status"])
        #expect(status.stdout.contains("state:    running"), "\(status.stdout)\(status.stderr)")
        let stop = try asNobody(["db", "stop"])
        #expect(stop.stdout.contains("stopped"))
    }

    @Test("as root, a cluster folder the postgres user cannot enter is refused before initdb, naming the folder",
          .enabled(if: geteuid() == 0, "only root hands the cluster to the postgres user"))
    func unreachableFolder() throws {
        let outer = try TemporaryFolder.make(prefix: "assay-private-")
        defer { try? FileManager.default.removeItem(at: outer) }
        chmod(outer.path, 0o700)
        let result = try CommandRun.assay(["db", "start"], environment: ["ASSAY_HOME": outer.appendingPathComponent("repo/.assay").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot enter \(outer.path)"), "\(result.stderr)")
        #expect(result.stderr.contains("ASSAY_HOME"))
    }

    @Test("an explicit database URL is used, and the embedded-only commands refuse it with exit code 2")
    func externalDatabase() throws {
        let url = try TestDatabase.url(for: "cli_db")
        let migrate = try CommandRun.assay(["db", "migrate", "--database-url", url])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let status = try CommandRun.assay(["db", "status"], environment: ["DATABASE_URL": url])
        #expect(status.stdout.contains("server from DATABASE_URL"))
        #expect(status.stdout.contains("up to date"))
        let stop = try CommandRun.assay(["db", "stop"], environment: ["DATABASE_URL": url])
        #expect(stop.status == 2)
        #expect(stop.stderr.contains("DATABASE_URL"))
    }

    @Test("an unreachable server is a clear one-line error with exit code 1")
    func unreachable() throws {
        let result = try CommandRun.assay(["db", "migrate", "--database-url", "postgresql:///x?host=/nonexistent-assay-dir"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("assay: error: could not connect"))
        #expect(result.stderr.split(separator: "\n").count <= 2)
    }

    @Test("unknown commands and options are usage errors with exit code 2", arguments: [["db", "bogus"], ["db", "status", "--format", "xml"], ["nonsense"]])
    func usageErrors(arguments: [String]) throws {
        let result = try CommandRun.assay(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }
}
