import ArgumentParser

/// `assay review …`: essays graded by a reviewer.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Grade the answers a person must judge: essays, and short-text near misses.",
        discussion: """
            Examples:
              assay review list
              assay review grade 12 3 --points 4 --note "complete and correct"
            """,
        subcommands: [ReviewListCommand.self, GradeCommand.self]
    )
}
