import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank sync [PATH]`: load banks into the database.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Load banks into the database in one transaction; changed content becomes a new version.",
        discussion: """
            Lints first and loads nothing if any file has an error. Each domain's folder holds its
            domain.yaml (the promotion policy: required banks, validity, tiers) and its bank files.

            Examples:
              assay bank sync
              assay bank sync ./my-banks/medicine
            """)

    @Argument(help: "The banks folder, one domain's folder, or one bank file (default: the shipped banks).")
    var path: String?
    @Option(help: "Who is syncing, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let path = self.path ?? BankCommand.defaultPath
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
