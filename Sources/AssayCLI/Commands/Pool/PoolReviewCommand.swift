import ArgumentParser
import AssayCore
import Foundation

/// `assay pool review`: suspend members whose recent work falls below a quality floor.
struct PoolReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Suspend pool members whose recent work falls below a quality floor, with the outcomes as evidence.",
        discussion: """
            A member's recent work is the task-weighted mean of their outcome rows in the metric
            whose period ended in the last --window-days days, over at least --min-tasks tasks
            (members with fewer are not judged). Those below --below (or above --above, for
            lower-is-better metrics such as rework_rate) are suspended, each with a pool.suspend
            event naming the metric, floor, value, tasks and outcome rows (assay experts show).

            Example:
              assay pool review --metric gold_accuracy --below 0.8 --min-tasks 50 --dry-run
            """)
    @Option(help: "The outcome metric judged (e.g. gold_accuracy).") var metric: String
    @Option(help: "Suspend members whose recent value is below this floor.") var below: Double?
    @Option(help: "Suspend members whose recent value is above this ceiling (lower-is-better metrics).") var above: Double?
    @Option(name: .customLong("min-tasks"), help: "The fewest tasks a judgement rests on.") var minTasks: Int = 20
    @Option(name: .customLong("window-days"), help: "How far back recent work reaches, in days.") var windowDays: Int = 90
    @Option(help: "Only this domain's pool.") var domain: String?
    @Flag(name: .customLong("dry-run"), help: "List who would be suspended, change nothing.") var dryRun = false
    @Option(help: "Who reviews, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (below == nil) != (above == nil) else { throw ValidationError("give exactly one of --below and --above") }
    }

    func run() throws {
        let floor = below ?? above ?? 0
        let flags: KeyValuePairs<String, String> = ["floor": above != nil ? "--above" : "--below", "minimumTasks": "--min-tasks",
                                                    "windowDays": "--window-days", "metric": "--metric", "domain": "--domain"]
        let decisions = try namingFlags(flags) {
            try PoolReview(connection: try database.migratedConnection()).review(.init(
                metric: metric, floor: floor, suspendAbove: above != nil, minimumTasks: minTasks, windowDays: windowDays,
                domain: domain, dryRun: dryRun, actor: actor ?? ActorName.current))
        }
        if format.value == .json {
            try printJSON(decisions)
            return
        }
        let verb = dryRun ? "would suspend" : "suspended"
        print("\(dryRun ? "dry run, nothing written: " : "")\(verb) \(decisions.count) member(s) whose recent \(metric.visibleSafe) is \(above != nil ? "above" : "below") \(floor)")
        guard !decisions.isEmpty else { return }
        let rows = decisions.map { [$0.domain.visibleSafe, String($0.expertId), $0.email.visibleSafe, String(format: "%.3f", $0.value), String($0.tasks), String($0.outcomeIds.count)] }
        for line in ValidityReportCommand.aligned(["DOMAIN", "EXPERT", "EMAIL", "VALUE", "TASKS", "OUTCOME ROWS"], rows, right: [1, 3, 4, 5]) {
            print(line)
        }
    }
}
