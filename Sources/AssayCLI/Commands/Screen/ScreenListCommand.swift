import ArgumentParser
import AssayCore
import Foundation

/// `assay screen list`: screens, newest first.
struct ScreenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List screens, newest first, with score and integrity flags.",
        discussion: """
            Scores are to one decimal; flags are in words (fast answers on 17/20 items). An
            unknown bank or status is an error (exit 2) that names the nearest. When --limit
            cuts the list, the last line says how many matched.

            Examples:
              assay screen list --status awaiting_review
              assay screen list --bank medicine-core --limit 20 --format json
            """)
    @Option(help: "Only screens in this status: \(Status.names.joined(separator: ", ")).",
            completion: Status.completion, transform: Status.parse) var status: Status?
    @Option(help: "Only this bank (its slug).") var bank: String?
    @Option(help: "At most this many.") var limit: Int = 50
    @Option(help: "Output format: table or json.") var format: FormatOption<TableOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["status": "--status", "bank": "--bank", "limit": "--limit"]

    /// The statuses of a screen.
    enum Status: String, SuggestingChoice {
        case invited
        case inProgress = "in_progress"
        case awaitingReview = "awaiting_review"
        case scored, expired, voided
        static let noun = "screen status"
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, is \(limit)") }
    }

    func run() throws {
        let screenStatus = status.flatMap { ScreenStatus(rawValue: $0.rawValue) }
        let (screens, total) = try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            if let bank { try KnownValues(connection: connection).checkBank(bank) }
            let staff = StaffScreens(connection: connection)
            let screens = try staff.list(status: screenStatus, bank: bank, limit: limit)
            return (screens, screens.count < limit ? screens.count : try staff.count(status: screenStatus, bank: bank))
        }
        if format.value == .json { try printJSON(ListingJSON(name: "screens", rows: screens, total: total, limit: limit)); return }
        if screens.isEmpty { print("no screens match"); return }
        var table = TextTable([
            .init(title: "ID", alignRight: true), .init(title: "STATUS"), .init(title: "BANK"), .init(title: "EXPERT", maxWidth: 40),
            .init(title: "SCORE", alignRight: true), .init(title: "RESULT"), .init(title: "FLAGS"),
        ])
        for s in screens {
            table.append([String(s.id), s.status, s.bankSlug.visibleSafe, s.email.visibleSafe, s.scorePercent.map { String(format: "%.1f%%", $0) } ?? "-",
                          s.passed.map { $0 ? "pass" : "fail" } ?? "-", s.flags.isEmpty ? "-" : s.flags.map(\.summary).joined(separator: "; ")])
        }
        table.print()
        if let note = truncationNote(shown: screens.count, total: total) { print(note) }
    }
}
