import ArgumentParser

/// `assay intake …`: recruiters bring applicants in.
struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Bring applicants in: one at a time, or a whole CSV or JSON Lines file.",
        discussion: """
            Example:
              assay intake import applicants.csv --rejects rejects.csv
            """,
        subcommands: [AddCommand.self, ImportCommand.self]
    )
}
