import ArgumentParser

/// `assay pool …`: the domain-tagged annotator pool.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Promote passing candidates into the annotator pool, list, suspend and reinstate members.",
        subcommands: [PromoteCommand.self, PoolListCommand.self, SuspendCommand.self, ReinstateCommand.self, PoolReviewCommand.self]
    )
}
