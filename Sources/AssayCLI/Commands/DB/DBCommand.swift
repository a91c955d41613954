import ArgumentParser
import AssayCore
import Foundation
import Postgres

/// `assay db …`: the database Assay runs on.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: the embedded cluster and the schema.",
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, Migrate.self]
    )

    /// The embedded cluster, or a usage error when another server is configured.
    static func embeddedCluster(_ configuration: DatabaseConfiguration, for action: String) throws -> EmbeddedCluster {
        guard case .embedded(let cluster) = configuration else {
            throw AssayError(.configuration, "cannot \(action): assay uses the \(configuration.summary), which it does not manage; unset it to use the embedded cluster")
        }
        return cluster
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (on first use) and start the embedded cluster, then apply migrations.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let cluster = try DBCommand.embeddedCluster(database.configuration, for: "start a server")
            let report = try cluster.startReporting()
            let applied = try Migrator.shipped().migrate(try Connection(report.uri))
            if report.initialized { print("created a new PostgreSQL cluster in \(cluster.home.path)") }
            print(report.started ? "embedded cluster started in \(cluster.home.path)" : "embedded cluster already running in \(cluster.home.path)")
            if !applied.isEmpty { print("applied \(applied.count) migration(s): \(applied.map(\.label).joined(separator: ", "))") }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster (committed data is kept).")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let cluster = try DBCommand.embeddedCluster(database.configuration, for: "stop a server")
            print(try cluster.stop() ? "embedded cluster stopped" : "embedded cluster was not running")
        }
    }

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "Print the connection URI (starting the embedded cluster), for psql \"$(assay db url)\".")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            switch database.configuration {
            case .embedded(let cluster):
                print(try cluster.start())
            case .url(let url, _):
                print(url)
            case .environment(let names):
                throw AssayError(.configuration, "the server is selected by libpq variables (\(names.joined(separator: ", "))), not a URI; psql reads the same variables")
            }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the schema migrations that are not applied yet.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let applied = try Migrator.shipped().migrate(try database.configuration.connect())
            if applied.isEmpty {
                print("schema is up to date")
            } else {
                for migration in applied { print("applied \(migration.label)") }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where the database is, whether it runs, and the schema's state.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        struct Report: Encodable {
            var database: String
            var state: String
            var url: String?
            var serverVersion: String?
            var migrationsApplied: [String]?
            var migrationsPending: [String]?
            /// Whether bulk imports can write directly (the server allows prepared transactions).
            var directImports: Bool?
            /// Halves of direct imports whose process died before committing them (the next
            /// intake command resolves them).
            var interruptedImports: Int?
        }

        func run() throws {
            let configuration = database.configuration
            var report = Report(database: configuration.summary, state: "unknown")
            var conninfo: String?
            switch configuration {
            case .embedded(let cluster):
                report.state = cluster.status().rawValue
                report.url = cluster.connectionURI
                if report.state == "running" { conninfo = cluster.connectionURI }
            case .url(let url, _):
                conninfo = url
                report.url = url.replacingOccurrences(of: #"://([^:@/]*):[^@/]*@"#, with: "://$1:***@", options: .regularExpression)
            case .environment:
                conninfo = ""
            }
            var failure: (any Error)?
            if let conninfo {
                do {
                    let connection = try Connection(conninfo)
                    report.state = "running"
                    let version = connection.serverVersion
                    report.serverVersion = "\(version / 10000).\(version % 10000)"
                    let migrator = try Migrator.shipped()
                    let applied = try migrator.applied(on: connection)
                    let appliedVersions = Set(applied.map(\.version))
                    report.migrationsApplied = applied.map { String(format: "%03d_%@", $0.version, $0.name) }
                    report.migrationsPending = try migrator.migrations().filter { !appliedVersions.contains($0.version) }.map(\.label)
                    report.directImports = try Intake.directImportAvailable(on: connection)
                    report.interruptedImports = try connection.query("""
                        SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'assay-intake-%'
                        """)[0].decode("n")
                } catch {
                    report.state = "unreachable"
                    failure = error
                }
            }
            switch format {
            case .json:
                try printJSON(report)
            case .text:
                print("database: \(report.database)")
                print("state:    \(report.state)\(report.serverVersion.map { " (PostgreSQL \($0))" } ?? "")")
                if let url = report.url { print("url:      \(url)") }
                if let applied = report.migrationsApplied, let pending = report.migrationsPending {
                    let latest = applied.last.map { ", latest \($0)" } ?? ""
                    print("schema:   \(applied.count) migration(s) applied\(latest); \(pending.isEmpty ? "up to date" : "pending: \(pending.joined(separator: ", "))")")
                }
                if let direct = report.directImports {
                    print("imports:  \(direct ? "direct for files of new people (two-phase commit)" : "merge through staging only (set max_prepared_transactions ≥ 2 for direct imports)")")
                }
                if let interrupted = report.interruptedImports, interrupted > 0 {
                    print("warning:  \(interrupted) half-committed import transaction(s) of a process that died; the next assay intake command resolves them")
                }
            }
            if let failure { throw failure }
        }
    }
}
