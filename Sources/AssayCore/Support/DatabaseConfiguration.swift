public import Foundation
public import Postgres

/// Which PostgreSQL server Assay uses, decided once per command.
///
/// In order: the `--database-url` option; else `DATABASE_URL`; else the standard libpq variables
/// (`PGHOST`, `PGHOSTADDR`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGSERVICE`), which libpq reads
/// itself; else the embedded default, a private cluster in `$ASSAY_HOME` (`./.assay`).
/// `Sendable`.
public enum DatabaseConfiguration: Sendable {
    /// A connection URI or conninfo string, and where it came from (for messages).
    case url(String, source: String)
    /// The libpq environment variables; the variable names that were set.
    case environment([String])
    /// The embedded cluster.
    case embedded(EmbeddedCluster)

    /// The libpq variables that select a server.
    public static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    /// Decides the configuration.
    ///
    /// - Parameters:
    ///   - option: the `--database-url` value, if given.
    ///   - environment: the process environment.
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseConfiguration {
        if let option, !option.isEmpty { return .url(option, source: "--database-url") }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .url(url, source: "DATABASE_URL") }
        let set = libpqVariables.filter { !(environment[$0] ?? "").isEmpty }
        if !set.isEmpty { return .environment(set) }
        return .embedded(EmbeddedCluster(home: EmbeddedCluster.defaultHome(environment: environment)))
    }

    /// A short description for status output: where the database is.
    public var summary: String {
        switch self {
        case .url(_, let source): "server from \(source)"
        case .environment(let names): "server from libpq variables (\(names.joined(separator: ", ")))"
        case .embedded(let cluster): "embedded cluster in \(cluster.home.path)"
        }
    }

    /// The conninfo to hand to libpq; for the embedded cluster, starting it first.
    ///
    /// - Parameter notice: told when this call created a new embedded cluster (a command that
    ///   was not `assay db start` did it implicitly, which the user should know); by default a
    ///   line on stderr.
    /// - Throws: ``PostgresError`` when the embedded cluster cannot start or its folder is not
    ///   safe to use.
    public func connectionString(notice: (String) -> Void = Self.printNotice) throws -> String {
        switch self {
        case .url(let url, _): return url
        case .environment: return ""
        case .embedded(let cluster):
            let report = try cluster.startReporting()
            if report.initialized {
                notice("assay: created a new embedded PostgreSQL cluster in \(cluster.home.path) (set DATABASE_URL or ASSAY_HOME to use another)")
            }
            return report.uri
        }
    }

    /// Writes a notice line on stderr.
    ///
    /// - Parameter line: the line, without its newline.
    public static func printNotice(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Opens a connection (starting the embedded cluster when needed).
    ///
    /// - Throws: ``PostgresError``.
    public func connect() throws -> Connection {
        try Connection(try connectionString())
    }
}
