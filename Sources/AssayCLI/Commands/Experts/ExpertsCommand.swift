import ArgumentParser

/// `assay experts …`: who is in the database.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "List experts, show one with their applications and audit trail, find and merge duplicates.",
        subcommands: [ExpertsListCommand.self, ExpertsShowCommand.self, ExpertsDuplicatesCommand.self, ExpertsMergeCommand.self]
    )
}
