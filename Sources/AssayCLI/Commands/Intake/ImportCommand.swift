import ArgumentParser
import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `assay intake import FILE`: applicants from a CSV or JSON Lines file, all valid rows or none.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import applicants from a CSV or JSON Lines file, all valid rows or none.",
        discussion: """
            Columns (CSV header names, JSON keys): external_id, full_name, email, country, languages,
            domains, highest_degree, years_experience, source, applied_at, resume_text. Lists are
            ';'-separated in CSV and arrays in JSON Lines. Invalid rows are skipped and reported
            (with --rejects, all of them, with line, field, reason and the original row).

            Examples:
              assay intake import applicants.csv --source campaign-7 --rejects rejects.csv
              assay intake import applicants.jsonl --dry-run
            """)
    @Argument(help: "The file to import.") var file: String
    @Option(help: "The file's format (default: from the file's extension).") var format: FileFormat?
    @Option(help: "The source for rows that name none (default: the file's name).") var source: String?
    @Option(help: "Write rejected rows to this CSV file.") var rejects: String?
    @Flag(name: .customLong("dry-run"), help: "Validate and count, write nothing.") var dryRun = false
    @Flag(help: "No progress bar, only the summary.") var quiet = false
    @Option(help: "Who imports, for the audit trail (default: the OS user).") var actor: String?
    @Option(name: .customLong("output"), help: "Summary format: text or json.") var output: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The formats of applicant files.
    enum FileFormat: String, CaseIterable, ExpressibleByArgument {
        /// RFC 4180 CSV with a header row.
        case csv
        /// JSON Lines: one object per line.
        case jsonl

        /// Parses the name in any case.
        init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    }

    func run() throws {
        let chosen: Intake.Format
        if let format {
            chosen = switch format {
            case .csv: .csv
            case .jsonl: .jsonl
            }
        } else {
            guard let inferred = Intake.Format.from(path: file) else {
                throw AssayError(.badInput, "cannot tell the format of \(file) from its extension; pass --format csv or --format jsonl")
            }
            chosen = inferred
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw AssayError(.badInput, "cannot read \(file): no such file, or not readable")
        }
        let intake = Intake(connection: try database.migratedConnection())
        let bar = !quiet && isatty(2) == 1 ? ProgressBar() : nil
        let summary = try intake.importFile(
            Intake.ImportRequest(path: file, format: chosen, source: source, rejectsPath: rejects, dryRun: dryRun, actor: actor ?? ActorName.current),
            progress: bar.map { bar in { bar.show($0) } })
        bar?.finish()
        switch output.value {
        case .json:
            try printJSON(summary)
        default:
            let prefix = summary.dryRun ? "dry run, nothing written: " : ""
            print("\(prefix)\(summary.rowsRead) rows read, \(summary.newExperts) new experts, \(summary.applicationsMerged) applications merged into known experts, \(summary.duplicatesSkipped) duplicates skipped, \(summary.rowsRejected) rows rejected")
            if let reason = summary.mergeReason { print("merged through staging, not written directly: \(reason)") }
            if summary.newApplications == 0 && summary.rowsRead > summary.rowsRejected && !summary.dryRun {
                print("nothing changed: every valid row was already imported")
            }
            if summary.rowsRejected > 0 {
                for rejection in summary.firstRejections.prefix(rejects == nil ? 10 : 3) {
                    Assay.printError("\(file):\(rejection.line): \(rejection.field): \(rejection.reason)")
                }
                if let rejects {
                    Assay.printError("all \(summary.rowsRejected) rejected rows are in \(rejects)")
                } else if summary.rowsRejected > 10 {
                    Assay.printError("… and \(summary.rowsRejected - 10) more; pass --rejects FILE to save them all")
                }
            }
        }
    }
}
