import ArgumentParser
import AssayCore

/// `assay db url`: the connection URI, for psql and other tools.
struct URLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Print the connection URI (starting the embedded cluster), for psql \"$(assay db url)\".")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        switch database.configuration {
        case .embedded(let cluster):
            print(try DatabaseOptions.Cluster(cluster).uri())
        case .url(let url, _):
            print(url)
        case .environment(let names):
            throw AssayError(.configuration, "the server is selected by libpq variables (\(names.joined(separator: ", "))), not a URI; psql reads the same variables")
        }
    }
}
