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
            the latest calibration's IRT parameters with their standard errors and whether its
            fit converged (assay bank calibrate). Items with at least 20 responses are flagged
            for review on negative discrimination, facility below 0.1 or above 0.95, or a
            distractor chosen more often than the key by the top group; items with fewer are
            marked as too few to judge. The html form is one self-contained page with item
            characteristic curves and the score distribution as inline SVG, no JavaScript.

            Examples:
              assay bank stats medicine-core
              assay bank stats medicine-core --format html --out stats.html
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

    /// The latest calibration in words: which, the model, convergence, items estimated.
    static func calibrationLine(_ report: BankStatistics.Report) -> String {
        guard let id = report.calibrationID else { return "no calibration yet (assay bank calibrate \(report.bankSlug))" }
        let converged = report.calibrationConverged.map { $0 ? "converged" : "NOT converged" } ?? "convergence unknown"
        let cycles = report.calibrationIterations.map { " after \($0) EM cycles" } ?? ""
        let estimated = report.calibrationItemsEstimated.map { ", \($0) items estimated" } ?? ""
        return "IRT parameters from calibration \(id) (\(report.calibrationModel ?? "?")): \(converged)\(cycles)\(estimated)"
    }

    /// What the review column says for an item.
    static func review(_ item: BankStatistics.ItemReport, minimum: Int) -> String {
        if !item.flags.isEmpty { return "REVIEW: " + item.flags.joined(separator: "; ") }
        if item.tooFewToFlag { return "too few responses to judge (\(item.n) < \(minimum))" }
        return "-"
    }

    /// The report as aligned text.
    static func table(_ report: BankStatistics.Report) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
        var lines = ["\(report.bankSlug): \(report.persons) scored screens, \(report.responses) responses, Cronbach's alpha \(number(report.cronbachAlpha)), top/bottom groups of \(report.groupSize)"]
        lines.append(calibrationLine(report))
        var table = TextTable([
            .init(title: "ITEM"), .init(title: "N", alignRight: true), .init(title: "FACILITY", alignRight: true), .init(title: "R(PB)", alignRight: true),
            .init(title: "A", alignRight: true), .init(title: "SE(A)", alignRight: true), .init(title: "B", alignRight: true),
            .init(title: "SE(B)", alignRight: true), .init(title: "REVIEW"),
        ])
        for item in report.items {
            table.append([item.itemKey.visibleSafe, String(item.n), number(item.facility), number(item.pointBiserial), number(item.irt?.a),
                          number(item.irt?.seA), number(item.irt?.b), number(item.irt?.seB), review(item, minimum: report.minimumResponsesToFlag)])
        }
        lines += table.lines
        let flagged = report.items.filter { !$0.flags.isEmpty }.count
        let unjudged = report.items.filter { $0.tooFewToFlag && $0.flags.isEmpty }.count
        lines.append("\(flagged) item(s) to review" + (unjudged > 0 ? "; \(unjudged) with fewer than \(report.minimumResponsesToFlag) responses not judged" : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
