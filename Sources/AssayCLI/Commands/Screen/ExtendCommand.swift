import ArgumentParser
import AssayCore
import Foundation

/// `assay screen extend ID --minutes N`: more time for a screen.
struct ExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Give a screen more time.",
        discussion: """
            Example:
              assay screen extend 12 --minutes 15
            """)
    @Argument(help: "The screen's id.") var id: Int
    @Option(help: "Minutes to add, 1 to 1440.") var minutes: Int
    @Option(help: "Who extends, for the audit trail (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["minutes": "--minutes", "actor": "--actor"]

    func validate() throws {
        guard (1...1440).contains(minutes) else { throw ValidationError("--minutes must be between 1 and 1440, is \(minutes)") }
    }

    func run() throws {
        let deadline = try namingFlags(Self.flags) {
            try StaffScreens(connection: try database.migratedConnection()).extend(screenID: id, minutes: minutes, actor: actor ?? ActorName.current)
        }
        print("screen \(id): \(minutes) more minutes\(deadline.map { ", new deadline \(ISO8601DateFormatter().string(from: $0))" } ?? " (before it starts)")")
    }
}
