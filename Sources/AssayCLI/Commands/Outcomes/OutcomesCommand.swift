import ArgumentParser

/// `assay outcomes …`: the quality of pool members' work, as clients measure it.
struct OutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Import the quality of pool members' paid work (for assay validity report).",
        discussion: """
            Example:
              assay outcomes import client-q3.csv --rejects rejects.csv
            """,
        subcommands: [OutcomesImportCommand.self]
    )
}
