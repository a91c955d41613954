import ArgumentParser
import AssayCore
import Foundation

/// `assay bank list`: the banks in the database.
struct BankListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the banks in the database (current versions).",
        discussion: """
            Example:
              assay bank list
            """)
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let banks = try Catalog(connection: try database.migratedConnection()).list()
        switch format.value {
        case .json:
            try printJSON(banks)
        default:
            if banks.isEmpty { print("no banks; load them with assay bank sync"); return }
            let width = max(4, banks.map(\.slug.count).max() ?? 4)
            print("BANK".padding(toLength: width, withPad: " ", startingAt: 0) + "  VERSION  HASH          ITEMS  DOMAIN")
            for bank in banks {
                print(bank.slug.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + "v\(bank.version)".padding(toLength: 7, withPad: " ", startingAt: 0) + "  \(bank.contentHash)  "
                      + String(bank.items).padding(toLength: 5, withPad: " ", startingAt: 0) + "  \(bank.domain)")
            }
        }
    }
}
