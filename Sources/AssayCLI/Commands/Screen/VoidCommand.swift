import ArgumentParser
import AssayCore
import Foundation

/// `assay screen void ID --reason …`: cancel a screen.
struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Cancel a screen; its result no longer counts.",
        discussion: """
            Example:
              assay screen void 12 --reason "identity could not be confirmed"
            """)
    @Argument(help: "The screen's id.") var id: Int
    @Option(help: "Why (kept in the audit trail).") var reason: String
    @Option(help: "Who voids, for the audit trail (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["reason": "--reason", "actor": "--actor"]

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must not be empty: say why the screen is voided") }
    }

    func run() throws {
        try namingFlags(Self.flags) {
            try StaffScreens(connection: try database.migratedConnection()).void(screenID: id, reason: reason, actor: actor ?? ActorName.current)
        }
        print("screen \(id) voided")
    }
}
