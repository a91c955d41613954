import ArgumentParser

/// `assay roster …`: vetted rosters for client projects.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Export vetted expert rosters.",
        discussion: """
            Example:
              assay roster export --domain medicine --min-tier specialist --out roster.csv
            """,
        subcommands: [ExportCommand.self]
    )
}
