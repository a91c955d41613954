import ArgumentParser
import AssayCore

/// `assay db start`: create and start the embedded cluster, then migrate.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Create (on first use) and start the embedded cluster, then apply migrations.",
        discussion: """
            Examples:
              assay db start
              ASSAY_HOME=/var/lib/assay assay db start
            """)
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let cluster = try database.embeddedCluster(for: "start a server")
        let start = try cluster.start()
        let applied = try Migrator.shipped().migrate(start.connection)
        if start.initialized { print("created a new PostgreSQL cluster in \(cluster.home)") }
        print(start.started ? "embedded cluster started in \(cluster.home)" : "embedded cluster already running in \(cluster.home)")
        if !applied.isEmpty { print("applied \(applied.count) migration(s): \(applied.map(\.label).joined(separator: ", "))") }
    }
}
