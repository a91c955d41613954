import ArgumentParser
import AssayCore

/// `assay db url`: the connection URI, for psql and other tools.
struct URLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Print the connection URI (starting the embedded cluster), for psql \"$(assay db url)\".",
        discussion: """
            With --demo, the URI of the database assay demo fills (assay_demo, in the same
            embedded cluster), to look at the demo's data with psql or any assay command.

            Examples:
              psql "$(assay db url)"
              psql "$(assay db url --demo)" -c 'SELECT domain, count(*) FROM pool_members GROUP BY 1'
              assay pool list --database-url "$(assay db url --demo)"
            """)
    @Flag(help: "The demo's database (assay_demo) instead of the main one.") var demo = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        if demo {
            guard case .embedded(let embedded) = database.configuration else {
                throw AssayError(.configuration, "assay demo runs on the embedded cluster only; --demo has no meaning with the \(database.configuration.summary)")
            }
            let cluster = DatabaseOptions.Cluster(embedded)
            _ = try cluster.uri()
            print(cluster.uri(database: "assay_demo"))
            return
        }
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
