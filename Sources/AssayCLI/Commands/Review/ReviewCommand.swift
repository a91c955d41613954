import ArgumentParser

/// `assay review …`: essays graded by a reviewer.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Grade essay answers against their rubric.",
        discussion: """
            Examples:
              assay review list
              assay review grade 12 3 --points 4 --note "complete and correct"
            """,
        subcommands: [ReviewListCommand.self, GradeCommand.self]
    )
}
