import ArgumentParser

/// `assay experts …`: who is in the database.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "List experts, show one with their applications and audit trail, find and merge duplicates.",
        discussion: """
            Examples:
              assay experts list --domain law
              assay experts show ana@example.org
              assay experts duplicates --domain law
              assay experts merge 412 977 --reason "same person, two emails"
            """,
        subcommands: [ExpertsListCommand.self, ExpertsShowCommand.self, ExpertsDuplicatesCommand.self, ExpertsMergeCommand.self]
    )
}
