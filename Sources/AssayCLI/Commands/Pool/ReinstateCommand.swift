import ArgumentParser
import AssayCore
import Foundation

/// `assay pool reinstate EXPERT --domain D`: undo a suspension.
struct ReinstateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reinstate",
        abstract: "Reinstate a suspended member.",
        discussion: """
            Example:
              assay pool reinstate ana@example.org --domain medicine --reason "identity confirmed"
            """)
    @Argument(help: "The expert's email or id.") var expert: String
    @Option(help: "The domain.") var domain: Slug
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    @Option(help: "Who reinstates (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "reason": "--reason", "actor": "--actor"]

    func run() throws {
        try namingFlags(Self.flags) {
            try Pool(connection: try database.migratedConnection()).setSuspended(false, expert: expert, domain: domain.name, reason: reason, actor: actor ?? ActorName.current)
        }
        print("reinstated \(expert) in \(domain.name)".visibleSafe)
    }
}
