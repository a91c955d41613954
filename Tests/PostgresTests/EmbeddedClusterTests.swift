import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("The embedded cluster", .serialized)
struct EmbeddedClusterTests {
    @Test("starts, stops and restarts, twice over, keeping its data")
    func lifecycle() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-cluster-")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = EmbeddedCluster(home: folder.path, durability: .throwaway)
        #expect(cluster.status() == .notInitialized)
        defer { _ = try? cluster.stop() }

        try cluster.start()
        #expect(cluster.status() == .running)
        try Connection(cluster.connectionURI).executeScript("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
        // No TCP listener: the only way in is the socket inside the folder.
        #expect(FileManager.default.fileExists(atPath: cluster.socketDirectory.appendingPathComponent(".s.PGSQL.5432").path))
        let listen: String = try Connection(cluster.connectionURI).query("SHOW listen_addresses")[0].decode(0)
        #expect(listen == "")

        for round in 1...2 {
            #expect(try cluster.stop() == true, "stop, round \(round)")
            #expect(cluster.status() == .stopped)
            #expect(try cluster.stop() == false, "a second stop is a no-op")
            #expect(throws: PostgresError.self) { _ = try Connection(cluster.connectionURI) }
            try cluster.start()
            try cluster.start()  // a second start is a no-op
            #expect(cluster.status() == .running)
            let kept: Int = try Connection(cluster.connectionURI).query("SELECT x FROM kept")[0].decode("x")
            #expect(kept == 42)
        }
    }

    @Test("two starts at the same moment run initdb once and both connect")
    func concurrentStarts() async throws {
        let folder = try TemporaryFolder.make(prefix: "assay-race-")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = EmbeddedCluster(home: folder.path, durability: .throwaway)
        defer { _ = try? cluster.stop() }
        let results = await withTaskGroup(of: Result<String, any Error>.self) { group in
            for _ in 0..<2 {
                group.addTask { Result { try cluster.start() } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { _ = try result.get() }
        #expect(cluster.status() == .running)
        #expect(try Connection(cluster.connectionURI).query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test("the connection URI is one that libpq (and so psql) accepts")
    func uri() throws {
        let cluster = try #require(try TestDatabase.embeddedCluster)
        #expect(cluster.connectionURI.hasPrefix("postgresql://assay@/"))
        let user: String = try Connection(cluster.uri(database: "postgres")).query("SELECT current_user AS u")[0].decode("u")
        #expect(user == "assay")
    }

    @Test("a folder path PostgreSQL's tools cannot handle is refused with advice")
    func badPath() throws {
        let cluster = EmbeddedCluster(home: "/tmp/assay \"quoted\"", durability: .throwaway)
        let error = try #require(throws: PostgresError.self) { try cluster.start() }
        #expect(error.kind == .cluster)
        #expect(error.message.contains("ASSAY_HOME"))
        try? FileManager.default.removeItem(atPath: "/tmp/assay \"quoted\"")
    }

    @Test("a cluster folder that others may write, or that another user owns, is refused before anything connects, with the reason")
    func untrustedFolder() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-untrusted-")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false)
        let cluster = EmbeddedCluster(home: home.path, durability: .throwaway)

        chmod(home.path, 0o777)
        let writable = try #require(throws: PostgresError.self) { try cluster.start() }
        #expect(writable.kind == .untrustedFolder)
        #expect(writable.message.contains("writable by every user") && writable.message.contains("chmod go-w"))
        #expect(cluster.status() == .notInitialized, "nothing was created in it")

        // A planted socket folder inside a safe home is refused as well.
        chmod(home.path, 0o755)
        try FileManager.default.createDirectory(at: cluster.socketDirectory, withIntermediateDirectories: false)
        chmod(cluster.socketDirectory.path, 0o777)
        let planted = try #require(throws: PostgresError.self) { try cluster.start() }
        #expect(planted.message.contains(cluster.socketDirectory.path))

        // Another user's folder (as root, hand it to nobody).
        try FileManager.default.removeItem(at: cluster.socketDirectory)
        if geteuid() == 0, let nobody = getpwnam("nobody") {
            #expect(chown(home.path, nobody.pointee.pw_uid, nobody.pointee.pw_gid) == 0)
            let foreign = try #require(throws: PostgresError.self) { try cluster.start() }
            #expect(foreign.message.contains("belongs to nobody"))
            #expect(chown(home.path, 0, 0) == 0)
        }
        #expect(throws: Never.self) { try cluster.checkTrusted() }
    }
}
