import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay review list`: answers waiting for a grade.
struct ReviewListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Answers waiting for a grade: essays, and short-text near misses.",
        discussion: """
            One line per answer, oldest submission first; --full adds the question, the rubric
            (or, for a near miss, the accepted answers and which one it is near) and the whole
            answer. Grade with assay review grade SCREEN ITEM --points P.

            Examples:
              assay review list
              assay review list --bank law-core --full
            """)
    @Option(help: "Only this bank's screens (its slug).") var bank: String?
    @Option(help: "At most this many.") var limit: Int = 50
    @Flag(help: "Show each answer in full with its question and rubric.") var full = false
    @Option(help: "Output format: table or json.") var format: FormatOption<TableOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["bank": "--bank", "limit": "--limit"]

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, is \(limit)") }
    }

    func run() throws {
        let (pending, total) = try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            if let bank { try KnownValues(connection: connection).checkBank(bank) }
            let reviews = Reviews(connection: connection)
            let pending = try reviews.pending(bank: bank, limit: limit)
            return (pending, pending.count < limit ? pending.count : try reviews.pendingCount(bank: bank))
        }
        if format.value == .json { try printJSON(ListingJSON(name: "reviews", rows: pending, total: total, limit: limit)); return }
        if pending.isEmpty { print("no answers are waiting for a grade"); return }
        if full {
            for p in pending {
                // The answer is the candidate's and the prompt and rubric a bank file's: shown visible-safe,
                // several lines behind a gutter, so that none can forge the grade line below.
                print("screen \(p.screenID) item \(p.position) (\(p.bankSlug)/\(p.itemKey), \(Self.kind(p))), up to \(String(format: "%g", p.maxPoints)) points, \(p.email)".visibleSafe)
                print(p.prompt.trimmingCharacters(in: .whitespacesAndNewlines).labelledBlock("prompt"))
                print(p.rubric.trimmingCharacters(in: .whitespacesAndNewlines).labelledBlock("rubric"))
                if let near = p.nearMiss { print("  near:   \(Self.describe(near))") }
                print(p.answer.labelledBlock("answer"))
                print("  grade with: assay review grade \(p.screenID) \(p.position) --points P --note \"…\"\n")
            }
        } else {
            var table = TextTable([
                .init(title: "SCREEN", alignRight: true), .init(title: "ITEM", alignRight: true), .init(title: "BANK"), .init(title: "KEY"),
                .init(title: "KIND"), .init(title: "POINTS", alignRight: true), .init(title: "EXPERT", maxWidth: 32), .init(title: "ANSWER", maxWidth: 50),
            ])
            for p in pending {
                table.append([String(p.screenID), String(p.position), p.bankSlug, p.itemKey.visibleSafe, Self.kind(p), String(format: "%g", p.maxPoints),
                              p.email.visibleSafe, p.answer.visibleSafe])
            }
            table.print()
        }
        if let note = truncationNote(shown: pending.count, total: total) { print(note) }
    }

    /// `essay`, or `near miss` for a short-text answer close to an accepted one.
    static func kind(_ review: Reviews.PendingReview) -> String {
        review.type == "essay" ? "essay" : "near miss"
    }

    /// How a near miss is near: `2 edits from 'excited utterance'`, `contains 'excited utterance'`.
    static func describe(_ near: TextNearMiss) -> String {
        switch near.kind {
        case .edits: "\(near.distance) edit\(near.distance == 1 ? "" : "s") from '\(near.accepted.visibleSafe)'"
        case .contains: "contains '\(near.accepted.visibleSafe)'"
        }
    }
}
