import ArgumentParser

/// `assay validity …`: whether the screens predict the quality of work.
struct ValidityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validity",
        abstract: "Does passing the screen predict good work? Predictive validity of banks and items.",
        discussion: """
            Example:
              assay validity report --bank medicine-core --metric gold_accuracy
            """,
        subcommands: [ValidityReportCommand.self]
    )
}
