import ArgumentParser
import AssayCore
import Foundation

/// `assay bank stats SLUG`: item statistics from stored responses.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Item statistics of a bank from stored responses, with the items to review.",
        discussion: """
            Classical statistics over the answered items of scored screens (facility, corrected
            point-biserial, distractor analysis by top and bottom 27 %, Cronbach's alpha) and
            the latest calibration's IRT parameters (assay bank calibrate). Items are flagged
            for review on negative discrimination, facility below 0.1 or above 0.95, or a
            distractor chosen more often than the key by the top group. The html form is one
            self-contained page with item characteristic curves and the score distribution as
            inline SVG, no JavaScript.
            """)

    @Argument(help: "The bank's slug.") var slug: String
    @Option(help: "Output format: table, json or html.") var format: FormatOption<TableJSONOrHTML> = .standard
    @Option(help: "Write to this file instead of standard output (replaced if it exists; never a folder or a link).") var out: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let output = try out.map { try OutputFile(path: $0, personalData: false, field: "--out") }
        defer { output?.discard() }
        let report = try BankStatistics(connection: try database.migratedConnection()).report(bank: slug)
        let text: String
        switch format.value {
        case .json:
            text = try jsonText(report) + "\n"
        case .html:
            text = BankStatsPage.html(report)
        default:
            text = Self.table(report)
        }
        if let output {
            try output.write(text)
            try output.commit()
        } else {
            print(text, terminator: "")
        }
    }

    /// The report as aligned text.
    static func table(_ report: BankStatistics.Report) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
        var lines = ["\(report.bankSlug): \(report.persons) scored screens, \(report.responses) responses, Cronbach's alpha \(number(report.cronbachAlpha)), top/bottom groups of \(report.groupSize)"]
        if let id = report.calibrationID {
            lines.append("IRT parameters from calibration \(id) (\(report.calibrationModel ?? "?"))")
        } else {
            lines.append("no calibration yet (assay bank calibrate \(report.bankSlug))")
        }
        let width = max(4, report.items.map(\.itemKey.count).max() ?? 4)
        lines.append("ITEM".padding(toLength: width, withPad: " ", startingAt: 0) + "      n  facility    r(pb)        a        b  review")
        for item in report.items {
            lines.append(item.itemKey.padding(toLength: width, withPad: " ", startingAt: 0) + " " + String(item.n).leftPadded(6)
                         + " " + number(item.facility).leftPadded(9) + " " + number(item.pointBiserial).leftPadded(8)
                         + " " + number(item.irt?.a).leftPadded(8) + " " + number(item.irt?.b).leftPadded(8)
                         + (item.flags.isEmpty ? "" : "  REVIEW: " + item.flags.joined(separator: "; ")))
        }
        let flagged = report.items.filter { !$0.flags.isEmpty }.count
        lines.append("\(flagged) item(s) to review")
        return lines.joined(separator: "\n") + "\n"
    }
}
