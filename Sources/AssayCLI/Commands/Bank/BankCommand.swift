import ArgumentParser
import AssayCore

/// `assay bank …`: question banks.
struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Lint, load, list and convert question banks.",
        discussion: """
            Examples:
              assay bank lint && assay bank sync
              assay bank stats medicine-core --format html --out stats.html
            """,
        subcommands: [LintCommand.self, SyncCommand.self, BankListCommand.self, BankShowCommand.self, BankCalibrateCommand.self,
                      StatsCommand.self, ImportGiftCommand.self, ExportGiftCommand.self]
    )

    /// The default banks folder: the shipped `interview-banks/` (beside the executable, in
    /// `PREFIX/share/assay` of an installed one, or the repository's for a build inside it),
    /// else `interview-banks` in the current folder.
    static var defaultPath: String { ShippedData.path(ShippedData.banks, or: "interview-banks") }
}
