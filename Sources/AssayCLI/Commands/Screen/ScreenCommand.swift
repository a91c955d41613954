import ArgumentParser

/// `assay screen …`: invite candidates, let them take screens, and inspect the results.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Invite a candidate to a skill screen, take it, and inspect screens.",
        discussion: """
            Examples:
              assay screen invite ana@example.org --bank medicine-core
              assay screen list --status awaiting_review
              assay screen show 12
            """,
        subcommands: [InviteCommand.self, TakeCommand.self, ScreenListCommand.self, ScreenShowCommand.self, VoidCommand.self, ExtendCommand.self]
    )
}
