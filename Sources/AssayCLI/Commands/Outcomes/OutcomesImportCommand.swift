import ArgumentParser
import AssayCore
import Foundation

/// `assay outcomes import FILE`: work outcomes from a CSV or JSON Lines file, all valid rows or none.
struct OutcomesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import work outcomes from a CSV or JSON Lines file, all valid rows in one transaction.",
        discussion: """
            Columns (CSV header names, JSON keys), all required: expert (an expert id, an email, or
            a pseudonym from a roster exported with --pseudonymize: its expert_id or its email),
            domain, project, period_end (YYYY-MM-DD), metric (e.g. gold_accuracy,
            review_pass_rate, rework_rate; known rates must lie in 0..1), value, tasks (how many
            tasks the value rests on, at least 1). Experts must be members of the domain's pool.
            A row is keyed by (expert, project, metric, period_end): importing it again changes
            nothing, a new value replaces the old one. Rejected rows are reported with line,
            field and reason (all of them, with the original row, in --rejects FILE, mode 0600).
            Exit 2 when no row could be imported.

            Example:
              ASSAY_PSEUDONYM_KEY=… assay outcomes import client-q3.csv --pseudonym-key-env ASSAY_PSEUDONYM_KEY --rejects rejects.csv
            """)
    @Argument(help: "The file to import (.csv, .jsonl).") var file: String
    @Option(help: "The file's format (default: from the file's extension).") var format: ImportCommand.FileFormat?
    @Option(help: "Write every rejected row (line, field, reason, row) to this CSV file (0600).") var rejects: String?
    @Option(name: .customLong("pseudonym-key-env"),
            help: "The environment variable holding the key the roster was exported with, so that rows may name experts by pseudonym.")
    var pseudonymKeyEnv: String?
    @Option(help: "Who imports, for the audit trail (default: the OS user).") var actor: String?
    @Option(name: .customLong("output"), help: "Summary format: text or json.") var output: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let chosen: Intake.Format
        if let format {
            chosen = format == .csv ? .csv : .jsonl
        } else {
            guard let inferred = Intake.Format.from(path: file) else {
                throw AssayError(.badInput, "cannot tell the format of \(file.visibleSafe) from its extension; pass --format csv or --format jsonl")
            }
            chosen = inferred
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw AssayError(.badInput, "cannot read \(file.visibleSafe): no such file, or not readable")
        }
        var key: String?
        if let pseudonymKeyEnv {
            guard let value = ProcessInfo.processInfo.environment[pseudonymKeyEnv], !value.isEmpty else {
                throw AssayError(.badInput, "the environment variable \(pseudonymKeyEnv.visibleSafe) is not set or empty; set it to the key the roster was exported with",
                                 field: "--pseudonym-key-env")
            }
            key = value
        }
        let outcomes = Outcomes(connection: try database.migratedConnection())
        let summary = try outcomes.importFile(.init(path: file, format: chosen, rejectsPath: rejects, pseudonymKey: key, actor: actor ?? ActorName.current))
        switch output.value {
        case .json:
            try printJSON(summary)
        default:
            print("\(summary.rowsRead) rows read, \(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.rowsRejected) rejected")
            if summary.rowsRejected > 0 {
                for rejection in summary.firstRejections.prefix(rejects == nil ? 10 : 3) {
                    Assay.printError("\(file.visibleSafe):\(rejection.line): \(rejection.field.visibleSafe): \(rejection.reason.visibleSafe)")
                }
                if let rejects {
                    Assay.printError("all \(summary.rowsRejected) rejected rows are in \(rejects.visibleSafe)")
                } else if summary.rowsRejected > 10 {
                    Assay.printError("… and \(summary.rowsRejected - 10) more; pass --rejects FILE to save them all")
                }
            }
        }
    }
}
