import ArgumentParser
import AssayCore
import Foundation

/// `assay db stop`: stop the embedded cluster.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the embedded cluster (committed data is kept).",
        discussion: """
            Warns on stderr first when screens are in progress: their candidates lose the
            database until it runs again (answers already given are kept, but their deadline
            keeps running; assay screen extend gives time back).

            Example:
              assay db stop
            """)
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let cluster = try database.embeddedCluster(for: "stop a server")
        let probe = try database.probe()
        if probe.state == "running", let conninfo = probe.conninfo,
           let connection = try? DatabaseOptions.connect(conninfo),
           let open = try? StaffScreens(connection: connection).inProgressCount(), open > 0 {
            Assay.printError("assay: warning: \(open) screen\(open == 1 ? " is" : "s are") in progress; \(open == 1 ? "its candidate loses" : "their candidates lose") the database until it runs again (answers given are kept, the deadline keeps running: assay screen list --status in_progress, assay screen extend ID --minutes N)")
        }
        print(try cluster.stop() ? "embedded cluster stopped" : "embedded cluster was not running")
    }
}
