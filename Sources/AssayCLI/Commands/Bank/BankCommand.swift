import ArgumentParser

/// `assay bank …`: question banks.
struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Lint, load, list and convert question banks.",
        subcommands: [LintCommand.self, SyncCommand.self, BankListCommand.self, BankShowCommand.self, BankCalibrateCommand.self,
                      StatsCommand.self, ImportGiftCommand.self, ExportGiftCommand.self]
    )

    /// The default banks folder: `interview-banks/` in the current folder.
    static let defaultPath = "interview-banks"
}
