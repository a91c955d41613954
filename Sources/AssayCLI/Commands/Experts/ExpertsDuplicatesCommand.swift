import ArgumentParser
import AssayCore
import Foundation

/// `assay experts duplicates`: people who are likely recorded more than once.
struct ExpertsDuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List people who are likely recorded more than once.",
        discussion: """
            Groups experts whose emails reach the same mailbox (Gmail ignores dots and +tags; the
            +tag is ignored everywhere), who share a name (any case, word order or accents) and
            country, or who share a phone number (its last nine digits). Merge a group's records
            with assay experts merge KEEP OTHER --reason R.

            Example: assay experts duplicates --limit 20
            """)
    @Option(help: "At most this many groups.") var limit: Int = 50
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let report = try ExpertDuplicates(connection: try database.migratedConnection()).find(limit: limit)
        if format.value == .json { try printJSON(report); return }
        if report.groups.isEmpty { print("no likely duplicates"); return }
        let iso = ISO8601DateFormatter()
        for (number, group) in report.groups.enumerated() {
            print("group \(number + 1) (\(group.members.count) people): \(group.reasons.joined(separator: "; "))")
            for member in group.members {
                let phone = member.phone.map { "  \($0)" } ?? ""
                print("  \(String(member.id).padding(toLength: 8, withPad: " ", startingAt: 0)) \(member.fullName.visibleSafe) <\(member.email.visibleSafe)>  \(member.country)\(phone)  \(member.applications) application\(member.applications == 1 ? "" : "s")  since \(iso.string(from: member.createdAt))")
            }
            if let keep = group.members.first {
                for other in group.members.dropFirst() {
                    print("  merge with: assay experts merge \(keep.id) \(other.id) --reason '…'")
                }
            }
        }
        print(report.total > report.groups.count ? "showing \(report.groups.count) of \(report.total) groups (--limit)" : "\(report.total) group\(report.total == 1 ? "" : "s")")
    }
}
