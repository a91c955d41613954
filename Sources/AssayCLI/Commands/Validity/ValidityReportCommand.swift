import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay validity report`: screen results against later work outcomes, per bank version.
struct ValidityReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Correlate each bank version's screen results with pool members' later work outcomes.",
        discussion: """
            For each bank version and outcome metric: task-weighted Pearson and Spearman
            correlations of the evidence screen's percent (and θ̂ where present) with the members'
            outcomes, with percentile bootstrap 95 % intervals (from 20,000 members on, Fisher's z
            intervals with the Kish effective sample size, as the output says); Pearson corrected
            for range restriction (Thorndike case II, using the spread of every applicant's
            score); each item's point-biserial validity, flagged wrong_way (interval at or below
            0) or no_signal (interval reaching 0 and estimate below 0.10); mean outcome by 10-point
            score band; and the pass mark that would have given the best work at the pool's
            current size, against today's. Formulas and references: docs/validity.md.

            Example:
              assay validity report --bank medicine-core --metric gold_accuracy --format html --out validity.html
            """)
    @Option(help: "Only this bank's versions (slug).") var bank: String?
    @Option(help: "Only this outcome metric (e.g. gold_accuracy).") var metric: String?
    @Option(help: "Output format: table, json or html.") var format: FormatOption<TableJSONOrHTML> = .standard
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Option(help: "Bootstrap replicates per interval.") var replicates: Int = 1000
    @Option(help: "The bootstrap's seed (the same seed and data give the same intervals).") var seed: UInt64 = 2026
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (100...100_000).contains(replicates) else {
            throw ValidationError("--replicates must be from 100 to 100000, not \(replicates)")
        }
    }

    func run() throws {
        let analysis = try ValidityAnalysis(connection: try database.migratedConnection(),
                                            bootstrap: try PercentileBootstrap(replicates: replicates, seed: seed))
        let report = try namingFlags(["bank": "--bank", "metric": "--metric"]) { try analysis.report(bank: bank, metric: metric) }
        let text: String
        switch format.value {
        case .json: text = try jsonText(report) + "\n"
        case .html: text = ValidityReportPage.html(report)
        default: text = Self.table(report)
        }
        if let out {
            let file = try OutputFile(path: out, personalData: false, field: "out")
            do {
                try file.write(text)
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
        } else {
            print(text, terminator: "")
        }
    }

    /// The report as aligned text.
    static func table(_ report: ValidityReport) -> String {
        func number(_ value: Double?, _ digits: Int = 3) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        func coefficient(_ c: ValidityReport.Coefficient?) -> String {
            guard let c else { return "-" }
            return number(c.value, 2) + (c.interval.map { " [\(number($0.lower, 2)), \(number($0.upper, 2))]" } ?? "")
        }
        if report.banks.isEmpty {
            return "no pool member has work outcomes yet; import them with assay outcomes import FILE\n"
        }
        var lines: [String] = []
        for entry in report.banks {
            lines.append("\(entry.bankSlug.visibleSafe) v\(entry.bankVersion) (\(entry.domain.visibleSafe)) against \(entry.metric.visibleSafe) (\(entry.direction == OutcomeDirection.lowerIsBetter.rawValue ? "lower is better" : "higher is better"))")
            lines.append("  \(entry.members) members with outcomes, \(entry.tasks) tasks, mean \(number(entry.meanOutcome)); \(entry.applicants) applicants; pool of \(entry.poolSize)")
            let header = ["PREDICTOR", "N", "PEARSON [95% CI]", "SPEARMAN [95% CI]", "CORRECTED [95% CI]", "SD MEMBERS", "SD APPLICANTS"]
            var rows: [[String]] = []
            for (name, p) in [("percent", entry.percent), ("theta", entry.theta)] {
                guard let p else { continue }
                rows.append([name, String(p.members), coefficient(p.pearson), coefficient(p.spearman), coefficient(p.corrected),
                             number(p.restrictedSd, 2), number(p.applicantSd, 2)])
            }
            if !rows.isEmpty { lines += aligned(header, rows, right: [1, 5, 6]).map { "  " + $0 } }
            if let mark = entry.passMark {
                let best = mark.bestMark.map { "best at this pool size: \(number($0, 1)) % (expected \(number(mark.bestExpectedOutcome)), \(mark.bestApplicants ?? 0) applicants, \(mark.bestMembers ?? 0) members)" } ?? "no feasible mark"
                lines.append("  pass mark: today \(number(mark.currentMark, 1)) % (expected \(number(mark.currentExpectedOutcome))); \(best)")
            }
            let bands = entry.expectancy.filter { $0.members > 0 }
            if !bands.isEmpty {
                lines.append("  expectancy (mean outcome by score band):")
                lines += aligned(["BAND", "MEMBERS", "TASKS", "MEAN"],
                                 bands.map { ["\(Int($0.lower))–\(Int($0.upper))", String($0.members), String(Int($0.tasks)), number($0.meanOutcome)] },
                                 right: [1, 2, 3]).map { "    " + $0 }
            }
            let measured = entry.items.filter { $0.correlation != nil }
            let unmeasured = entry.items.count - measured.count
            if !measured.isEmpty {
                lines.append("  items:")
                lines += aligned(["ITEM", "N", "FACILITY", "R(PB) [95% CI]", "FLAG"],
                                 measured.map { item in
                                     [item.itemKey.visibleSafe, String(item.responses), number(item.facility, 2),
                                      item.correlation.map { number($0, 2) + (item.interval.map { " [\(number($0.lower, 2)), \(number($0.upper, 2))]" } ?? "") } ?? "-",
                                      item.flag.map { $0.replacingOccurrences(of: "_", with: " ") } ?? ""]
                                 }, right: [1, 2]).map { "    " + $0 }
                let flagged = entry.items.filter { $0.flag == "wrong_way" || $0.flag == "no_signal" }.count
                lines.append("  \(flagged) item(s) predict nothing or the wrong way")
            }
            if unmeasured > 0 {
                lines.append("  \(unmeasured) item(s) without a coefficient (seen by fewer than \(report.minimumMembers) members with outcomes, or no spread); --format json lists them")
            }
            for note in entry.notes { lines.append("  note: \(note.visibleSafe)") }
            lines.append("")
        }
        lines.append("intervals: percentile bootstrap, \(report.bootstrapReplicates) replicates, seed \(report.bootstrapSeed) (Fisher's z with the Kish effective sample size from \(report.analyticFrom) members); corrected = Thorndike case II with the applicants' SD")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows under a header with every column as wide as its widest cell; `right` columns are
    /// right-aligned.
    static func aligned(_ header: [String], _ rows: [[String]], right: Set<Int>) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return right.contains(column) ? pad + cell : cell + (column == row.count - 1 ? "" : pad)
            }.joined(separator: "  ")
        }
    }
}
