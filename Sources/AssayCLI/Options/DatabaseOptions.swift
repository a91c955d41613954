import ArgumentParser
import AssayCore
import Foundation
import Postgres

/// Options every command that reaches the database accepts, and the command line's only door
/// to the Postgres layer.
///
/// No other file of AssayCLI imports Postgres or holds SQL: commands get a connection here and
/// hand it to the services, and the `db` commands drive the embedded cluster through
/// ``Cluster`` and look at the server through ``probe()``.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "A libpq connection URI or conninfo string; overrides DATABASE_URL and the PG* variables.",
        valueName: "url"))
    var databaseURL: String?

    /// Which server to use.
    var configuration: DatabaseConfiguration { .resolve(option: databaseURL) }

    /// A connection to the configured server (starting the embedded cluster when it is the one),
    /// without applying migrations.
    ///
    /// - Throws: `PostgresError` when the server cannot be reached.
    func connection() throws -> Connection {
        try configuration.connect()
    }

    /// A connection to the configured database with every migration applied: commands that
    /// need the schema migrate first. When nothing is missing this only reads
    /// `schema_migrations` (no lock, no DDL), so a role without the right to create tables,
    /// such as the door's least-privilege role, can run `assay screen take`.
    ///
    /// - Throws: `PostgresError`; ``AssayError`` when a migration is missing or was changed.
    func migratedConnection() throws -> Connection {
        let connection = try connection()
        let migrator = try Migrator.shipped()
        if try !migrator.pending(on: connection).isEmpty {
            try migrator.migrate(connection)
        }
        return connection
    }

    /// The embedded cluster, or a configuration error (exit 2) when another server is configured.
    ///
    /// - Parameter action: what the command would do, for the message (`start a server`).
    /// - Throws: ``AssayError`` with code `configuration`.
    func embeddedCluster(for action: String) throws -> Cluster {
        guard case .embedded(let cluster) = configuration else {
            throw AssayError(.configuration, "cannot \(action): assay uses the \(configuration.summary), which it does not manage; unset it to use the embedded cluster")
        }
        return Cluster(cluster)
    }

    /// The embedded cluster as the commands drive it.
    struct Cluster {
        /// The cluster.
        let cluster: EmbeddedCluster

        /// Wraps a cluster.
        ///
        /// - Parameter cluster: the cluster, as ``DatabaseConfiguration`` names it.
        init(_ cluster: EmbeddedCluster) { self.cluster = cluster }

        /// The cluster's folder.
        var home: String { cluster.home.path }

        /// Creates the cluster on first use and starts its server.
        ///
        /// - Returns: whether this call ran initdb, whether it started the server, and a
        ///   connection to the cluster's database.
        /// - Throws: `PostgresError` saying what failed.
        func start() throws -> (initialized: Bool, started: Bool, connection: Connection) {
            let report = try cluster.startReporting()
            return (report.initialized, report.started, try Connection(report.uri))
        }

        /// Starts the server when needed and returns the database's connection URI.
        ///
        /// - Throws: `PostgresError` saying what failed.
        func uri() throws -> String { try cluster.start() }

        /// The connection URI of another database of the cluster (nothing is started).
        ///
        /// - Parameter database: the database's name.
        func uri(database: String) -> String { cluster.uri(database: database) }

        /// Stops the server; returns whether it was running.
        ///
        /// - Throws: `PostgresError` when pg_ctl fails.
        func stop() throws -> Bool { try cluster.stop() }
    }

    /// Where the configured server is, as far as can be told without starting anything.
    struct Probe {
        /// `running`, `stopped`, `not initialized` (embedded cluster) or `unknown` (another
        /// server, until a connection is tried).
        var state: String
        /// The URI to show, its password masked; nil for the libpq variables.
        var url: String?
        /// What to connect with, or nil when nothing can run (an embedded cluster that is down).
        var conninfo: String?
    }

    /// Looks at the configured server without starting it.
    ///
    /// - Throws: `PostgresError` of kind `untrustedFolder` when the embedded cluster's folder is
    ///   not safe to use: its socket is not even pinged.
    func probe() throws -> Probe {
        switch configuration {
        case .embedded(let cluster):
            try cluster.checkTrusted()
            let state = cluster.status().rawValue
            return Probe(state: state, url: cluster.connectionURI, conninfo: state == "running" ? cluster.connectionURI : nil)
        case .url(let url, _):
            return Probe(state: "unknown", url: url.replacingOccurrences(of: #"://([^:@/]*):[^@/]*@"#, with: "://$1:***@", options: .regularExpression), conninfo: url)
        case .environment:
            return Probe(state: "unknown", url: nil, conninfo: "")
        }
    }

    /// Connects with a conninfo string from ``probe()``.
    ///
    /// - Parameter conninfo: the conninfo.
    /// - Throws: `PostgresError` when the server cannot be reached.
    static func connect(_ conninfo: String) throws -> Connection {
        try Connection(conninfo)
    }

    /// The server's version as `major.minor` (e.g. `15.8`).
    ///
    /// - Parameter connection: a connection to the server.
    static func serverVersion(of connection: Connection) -> String {
        let version = connection.serverVersion
        return "\(version / 10000).\(version % 10000)"
    }

    /// How many halves of direct imports a dead process left prepared in this database.
    ///
    /// - Parameter connection: a connection to the database.
    /// - Throws: `PostgresError`.
    static func interruptedImports(on connection: Connection) throws -> Int {
        try connection.query("""
            SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'
            """)[0].decode("n")
    }
}
