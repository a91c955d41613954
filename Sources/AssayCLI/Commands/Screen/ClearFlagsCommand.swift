import ArgumentParser
import AssayCore
import Foundation

/// `assay screen clear-flags ID --reason …`: staff looked at a screen's integrity flags and accept
/// the screen, so that `pool promote` may use it as evidence.
struct ClearFlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear-flags",
        abstract: "Clear a screen's integrity flags after looking at them, so that pool promote may use the screen.",
        discussion: "The flags stay on the screen, shown as cleared; who cleared them, when and why go into the audit trail. Example: assay screen clear-flags 812 --reason \"timings checked: the candidate had the paper copy\"")
    @Argument(help: "The screen's id.") var id: Int
    @Option(help: "Why the flags do not stand in the way (kept in the audit trail).") var reason: String
    @Option(help: "Who clears them, for the audit trail (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["reason": "--reason", "actor": "--actor"]

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must not be empty: say why the flags do not stand in the way") }
    }

    func run() throws {
        let clearance = try namingFlags(Self.flags) {
            try StaffScreens(connection: try database.migratedConnection()).clearFlags(screenID: id, reason: reason, actor: actor ?? ActorName.current)
        }
        print("screen \(clearance.screenID): cleared \(clearance.flags.map(\.summary).joined(separator: "; "))")
    }
}
