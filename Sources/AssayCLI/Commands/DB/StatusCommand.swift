import ArgumentParser
import AssayCore
import Foundation

/// `assay db status`: where the database is, whether it runs, and the schema's state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where the database is, whether it runs, and the schema's state.",
        discussion: """
            Examples:
              assay db status
              assay db status --format json
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard

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
        let probe = try database.probe()
        var report = Report(database: database.configuration.summary, state: probe.state, url: probe.url)
        var failure: (any Error)?
        if let conninfo = probe.conninfo {
            do {
                let connection = try DatabaseOptions.connect(conninfo)
                report.state = "running"
                report.serverVersion = DatabaseOptions.serverVersion(of: connection)
                let migrator = try Migrator.shipped()
                let applied = try migrator.applied(on: connection)
                let appliedVersions = Set(applied.map(\.version))
                report.migrationsApplied = applied.map { String(format: "%03d_%@", $0.version, $0.name) }
                report.migrationsPending = try migrator.migrations().filter { !appliedVersions.contains($0.version) }.map(\.label)
                report.directImports = try Intake.directImportAvailable(on: connection)
                report.interruptedImports = try DatabaseOptions.interruptedImports(on: connection)
            } catch {
                report.state = "unreachable"
                failure = error
            }
        }
        switch format.value {
        case .json:
            try printJSON(report)
        default:
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
