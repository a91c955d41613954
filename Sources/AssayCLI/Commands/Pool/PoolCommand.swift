import ArgumentParser

/// `assay pool …`: the domain-tagged annotator pool.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Promote passing candidates into the annotator pool, list, suspend and reinstate members.",
        discussion: """
            Examples:
              assay pool promote --dry-run
              assay pool list --domain medicine
              assay pool review --metric gold_accuracy --below 0.7 --dry-run
            """,
        subcommands: [PromoteCommand.self, PoolListCommand.self, SuspendCommand.self, ReinstateCommand.self, PoolReviewCommand.self]
    )
}
