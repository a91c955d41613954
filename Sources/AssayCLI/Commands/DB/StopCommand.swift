import ArgumentParser

/// `assay db stop`: stop the embedded cluster.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the embedded cluster (committed data is kept).")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let cluster = try database.embeddedCluster(for: "stop a server")
        print(try cluster.stop() ? "embedded cluster stopped" : "embedded cluster was not running")
    }
}
