import ArgumentParser

/// `assay experts …`: who is in the database.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "List experts, or show one with their applications and audit trail.",
        discussion: """
            Examples:
              assay experts list --domain law
              assay experts show ana@example.org
            """,
        subcommands: [ExpertsListCommand.self, ExpertsShowCommand.self]
    )
}
