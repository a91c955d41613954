import ArgumentParser
import AssayCore
import Foundation

/// `assay screen show ID`: the staff view of one screen.
struct ScreenShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Staff view of a screen: each item as shown, the answer, the key, time, points, flags.",
        discussion: """
            Shows the answer key of every item (for a short-text item, every accepted answer):
            staff only, never give this output to a candidate.

            Example:
              assay screen show 12
            """)
    @Argument(help: "The screen's id.") var id: Int
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let view = try StaffScreens(connection: try database.migratedConnection()).show(screenID: id)
        if format.value == .json { try printJSON(view); return }
        let s = view.summary
        // Answers are the candidate's, prompts and choices a bank file's, notes and reasons typed by
        // staff: all shown visible-safe.
        print("screen \(s.id): \(s.email) on \(s.bankSlug) — \(s.status)\(s.scorePercent.map { String(format: ", %.1f%%", $0) } ?? "")\(s.passed.map { $0 ? ", passed" : ", failed" } ?? "")".visibleSafe)
        if let by = view.submittedBy { print("submitted by \(by)".visibleSafe) }
        if view.adaptive {
            print("adaptive: theta \(view.theta.map { String(format: "%.2f", $0) } ?? "-"), SE \(view.thetaSE.map { String(format: "%.2f", $0) } ?? "-"), stopped: \(view.stopReason ?? "not yet")".visibleSafe)
        }
        if let reason = view.voidReason { print("voided: \(reason)".visibleSafe) }
        print("flags: \(s.flags.isEmpty ? "none" : s.flags.map(\.summary).joined(separator: "; "))")
        for item in view.items {
            var status = ""
            if item.needsReview {
                status = ", needs review"
            } else if let by = item.reviewedBy {
                status = ", graded by \(by)"
            }
            print("\n#\(item.position) \(item.itemKey) (\(item.type)) — \(item.points.map { String(format: "%g", $0) } ?? "?")/\(String(format: "%g", item.maxPoints))\(item.secondsTaken.map { String(format: ", %.0f s", $0) } ?? "")\(status)".visibleSafe)
            print("  " + item.prompt.trimmingCharacters(in: .whitespacesAndNewlines).visibleSafeLines.replacingOccurrences(of: "\n", with: "\n  "))
            for (index, choice) in item.shownChoices.enumerated() { print("    \(String(UnicodeScalar(UInt8(65 + index)))) \(choice.visibleSafe)") }
            print((item.answerTyped ?? "(none)").labelledBlock("answer"))
            if let accepted = item.acceptedAnswers {
                print("  accepted: \(accepted.map(\.visibleSafe).joined(separator: " | "))")
            } else {
                print(item.answerKey.labelledBlock("key"))
            }
            if let theta = item.theta { print(String(format: "  after this answer: theta %.2f, SE %.2f", theta, item.thetaSE ?? .nan)) }
            if let note = item.reviewNote { print(note.labelledBlock("review")) }
        }
    }
}
