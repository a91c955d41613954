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
              assay screen clear-flags 12 --reason "fast answers explained: retook after a power cut"
            """,
        subcommands: [InviteCommand.self, TakeCommand.self, ScreenListCommand.self, ScreenShowCommand.self, VoidCommand.self, ExtendCommand.self, ClearFlagsCommand.self]
    )
}
