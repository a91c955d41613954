import ArgumentParser
import AssayCore
import Foundation

/// `assay pool suspend EXPERT --domain D --reason …`: take a member out of listings and exports.
struct SuspendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Suspend a member: they leave listings of active members and exports.",
        discussion: """
            Example:
              assay pool suspend ana@example.org --domain medicine --reason "client complaint under review"
            """)
    @Argument(help: "The expert's email or id.") var expert: String
    @Option(help: "The domain.") var domain: Slug
    @Option(help: "Why (kept in the audit trail).") var reason: String
    @Option(help: "Who suspends (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "reason": "--reason", "actor": "--actor"]

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must not be empty: say why the member is suspended") }
    }

    func run() throws {
        try namingFlags(Self.flags) {
            try Pool(connection: try database.migratedConnection()).setSuspended(true, expert: expert, domain: domain.name, reason: reason, actor: actor ?? ActorName.current)
        }
        print("suspended \(expert) in \(domain.name)".visibleSafe)
    }
}
