import ArgumentParser

/// `assay roster …`: vetted rosters for client projects.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Export vetted expert rosters.",
        subcommands: [ExportCommand.self]
    )
}
