import ArgumentParser

/// `assay experts …`: who is in the database.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "List experts, or show one with their applications and audit trail.",
        subcommands: [ExpertsListCommand.self, ExpertsShowCommand.self]
    )
}
