import ArgumentParser

/// `assay review …`: essays graded by a reviewer.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Grade essay answers against their rubric.",
        subcommands: [ReviewListCommand.self, GradeCommand.self]
    )
}
