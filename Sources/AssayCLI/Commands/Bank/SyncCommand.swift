import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank sync [PATH]`: load banks into the database.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Load banks into the database in one transaction; changed content becomes a new version.")

    @Argument(help: "The banks folder, one domain's folder, or one bank file.")
    var path: String = BankCommand.defaultPath
    @Option(help: "Who is syncing, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let collection = BankLinter.lint(path: path)
        if collection.hasErrors {
            for diagnostic in collection.diagnostics { Assay.printError(diagnostic.description) }
            throw AssayError(.badInput, "nothing was synced: fix the errors above (assay bank lint \(path))")
        }
        let connection = try database.migratedConnection()
        let report = try Catalog(connection: connection).sync(collection, actor: actor ?? ActorName.current)
        switch format.value {
        case .json:
            try printJSON(report)
        default:
            print("added: \(report.added.isEmpty ? "none" : report.added.joined(separator: ", "))")
            print("changed: \(report.changed.isEmpty ? "none" : report.changed.joined(separator: ", "))")
            print("unchanged: \(report.unchanged.isEmpty ? "none" : report.unchanged.joined(separator: ", "))")
        }
    }
}
