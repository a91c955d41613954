import ArgumentParser
import AssayCore
import Foundation

/// `assay screen list`: screens, newest first.
struct ScreenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List screens, newest first.")
    @Option(help: "Only screens in this status.") var status: Status?
    @Option(help: "Only this bank.") var bank: String?
    @Option(help: "At most this many.") var limit: Int = 100
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["status": "--status", "bank": "--bank", "limit": "--limit"]

    /// The statuses of a screen.
    enum Status: String, CaseIterable, ExpressibleByArgument {
        case invited
        case inProgress = "in_progress"
        case awaitingReview = "awaiting_review"
        case scored, expired, voided
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, is \(limit)") }
    }

    func run() throws {
        let screens = try namingFlags(Self.flags) {
            try StaffScreens(connection: try database.migratedConnection()).list(status: status.flatMap { ScreenStatus(rawValue: $0.rawValue) }, bank: bank, limit: limit)
        }
        if format.value == .json { try printJSON(screens); return }
        if screens.isEmpty { print("no screens match"); return }
        for s in screens {
            let score = s.scorePercent.map { String(format: "%.0f%% %@", $0, s.passed == true ? "pass" : "fail") } ?? "-"
            print("\(s.id)\t\(s.status)\t\(s.bankSlug.visibleSafe)\t\(s.email.visibleSafe)\t\(score)\(s.flags == "[]" ? "" : "\tflags: \(s.flags.visibleSafe)")")
        }
    }
}
