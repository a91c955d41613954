import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank show SLUG`: a bank with its answer keys, for staff.
struct BankShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a bank with its answer keys (staff only: never give this output to a candidate).",
        discussion: """
            Examples:
              assay bank show medicine-core
              assay bank show law-core --format json
            """)
    @Argument(help: "The bank's slug.") var slug: String
    @Option(help: "Output format: text (YAML) or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let (summary, bank) = try Catalog(connection: try database.migratedConnection()).bank(slug: slug)
        switch format.value {
        case .json:
            try printJSON(bank)
        default:
            print("# \(bank.slug) v\(summary.version), content \(summary.contentHash), \(bank.items.count) items — contains answer keys")
            print(try BankWriter.yaml(bank), terminator: "")
        }
    }
}
