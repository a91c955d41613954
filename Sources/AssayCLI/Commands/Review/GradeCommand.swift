import ArgumentParser
import AssayCore
import Foundation

/// `assay review grade SCREEN ITEM --points P`: grade one answer, or correct a grade.
struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade one essay or near miss, or correct a grade; prints the screen's result once final.",
        discussion: """
            The screen's result is final once every answer waiting for a reviewer is graded.
            To correct a grade already given, add --regrade and --reason: the old grade stays
            in the audit trail (assay experts show), the screen is re-scored, and a pool
            membership that rested on a screen that no longer passes is suspended.

            Examples:
              assay review grade 12 3 --points 4 --note "covers both elements of the rule"
              assay review grade 12 3 --points 2 --regrade --reason "second reader: the rule is misstated"
            """)
    @Argument(help: "The screen's id.") var screen: Int
    @Argument(help: "The item: its position in the screen, or its id in the bank.") var item: String
    @Option(help: "Points awarded, from 0 to the item's points.") var points: Double
    @Option(help: "The reviewer's note.") var note: String?
    @Flag(help: "Correct a grade already given (needs --reason).") var regrade = false
    @Option(help: "Why the grade is corrected, for the audit trail (required with --regrade).") var reason: String?
    @Option(help: "Who grades, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["points": "--points", "note": "--note", "actor": "--actor", "reason": "--reason"]

    func validate() throws {
        guard points.isFinite, points >= 0 else { throw ValidationError("--points must be a number from 0 to the item's points, is \(points)") }
        if regrade, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--regrade needs --reason: say why the grade is corrected (it is kept in the audit trail)")
        }
        if !regrade, reason != nil { throw ValidationError("--reason goes with --regrade (a first grade's comment is --note)") }
    }

    func run() throws {
        let outcome = try namingFlags(Self.flags) {
            try Reviews(connection: try database.migratedConnection())
                .grade(screenID: screen, item: item, points: points, note: note, regrade: regrade, reason: reason, actor: actor ?? ActorName.current)
        }
        if format.value == .json { try printJSON(outcome); return }
        for line in Self.lines(outcome) { print(line) }
    }

    /// What the grade did, in words.
    static func lines(_ o: Reviews.GradeOutcome) -> [String] {
        func number(_ value: Double) -> String { String(format: "%g", value) }
        var lines: [String] = []
        if let previous = o.previousPoints {
            lines.append("regraded screen \(o.screenID) item \(o.position) (\(o.itemKey.visibleSafe)): \(number(previous)) → \(number(o.points)) of \(number(o.maxPoints)) points (was graded by \((o.previousReviewer ?? "?").visibleSafe))")
        } else {
            lines.append("graded screen \(o.screenID) item \(o.position) (\(o.itemKey.visibleSafe)): \(number(o.points)) of \(number(o.maxPoints)) points")
        }
        if o.stillPending > 0 {
            lines.append("screen \(o.screenID): \(o.stillPending) more answer\(o.stillPending == 1 ? "" : "s") to grade before the result is final")
        } else if let percent = o.scorePercent, let passed = o.passed {
            let result = String(format: "%.1f%%, ", percent) + (passed ? "passed" : "failed")
            if let before = o.previousScorePercent, let passedBefore = o.previousPassed {
                lines.append("screen \(o.screenID) re-scored: " + String(format: "%.1f%%, ", before) + (passedBefore ? "passed" : "failed") + " → " + result)
            } else {
                lines.append("screen \(o.screenID) final result: \(result)")
            }
        } else {
            lines.append("screen \(o.screenID): \(o.screenStatus)")
        }
        for domain in o.suspendedPools {
            lines.append("suspended from the \(domain) pool: this screen was the evidence and no longer passes")
        }
        return lines
    }
}
