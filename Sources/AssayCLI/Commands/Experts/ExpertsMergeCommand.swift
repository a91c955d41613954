import ArgumentParser
import AssayCore
import Foundation

/// `assay experts merge KEEP OTHER --reason R`: two records of one person become one.
struct ExpertsMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge two records of one person into one.",
        discussion: """
            OTHER's applications, screens and pool memberships move to KEEP, whose languages gain
            OTHER's; OTHER stays on record, marked as merged into KEEP, so its email keeps leading
            to KEEP (in imports and in every command). One transaction, with an experts.merge
            event that holds the reason. Where both are pool members of a domain, the better
            membership stays. Two open screens on one bank must be settled first (assay screen void).

            Example: assay experts merge 12 57 --reason "same person, gmail alias"
            """)
    @Argument(help: "The person to keep: email or id.") var keep: String
    @Argument(help: "The person merged into KEEP: email or id.") var other: String
    @Option(help: "Why (recorded in the audit trail).") var reason: String
    @Option(help: "Who merges, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's field names and the arguments that feed them.
    static let flags: KeyValuePairs = ["keep": "KEEP", "other": "OTHER", "reason": "--reason"]

    func run() throws {
        let result = try namingFlags(Self.flags) {
            try ExpertMerger(connection: try database.migratedConnection()).merge(keep: keep, other: other, reason: reason, actor: actor ?? ActorName.current)
        }
        if format.value == .json { try printJSON(result); return }
        print("expert \(result.merged) merged into expert \(result.kept): \(result.applicationsMoved) application\(result.applicationsMoved == 1 ? "" : "s"), \(result.screensMoved) screen\(result.screensMoved == 1 ? "" : "s"), \(result.membershipsMoved) pool membership\(result.membershipsMoved == 1 ? "" : "s"), \(result.outcomesMoved) work outcome\(result.outcomesMoved == 1 ? "" : "s") moved (event \(result.eventID))")
        if !result.membershipsDropped.isEmpty {
            print("both were pool members of \(result.membershipsDropped.joined(separator: ", ")): the better membership was kept, the other is recorded in the event")
        }
        if result.outcomesDropped > 0 {
            print("\(result.outcomesDropped) work outcome\(result.outcomesDropped == 1 ? "" : "s") of expert \(result.merged) had the same project, metric and period as one of expert \(result.kept)'s: the kept person's row stays, the other is recorded in the event")
        }
    }
}
