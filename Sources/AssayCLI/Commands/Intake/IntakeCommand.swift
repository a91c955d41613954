import ArgumentParser
import AssayCore
import Foundation
import Postgres
#if canImport(Glibc)
import Glibc
#endif

/// `assay intake …`: recruiters bring applicants in.
struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Bring applicants in: one at a time, or a whole CSV or JSON Lines file.",
        subcommands: [Add.self, Import.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add one applicant.")
        @Option(help: "Email (the expert's identity; trimmed and lower-cased).") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Country, ISO 3166-1 alpha-2 (e.g. FR).") var country: String
        @Option(help: "Languages, ISO 639-1 codes separated by commas (e.g. fr,en).") var languages: String
        @Option(help: "Claimed domains separated by commas (e.g. medicine,chemistry).") var domains: String
        @Option(help: "Highest degree: none, bachelor, master, phd, md, jd or other.") var degree: String
        @Option(help: "Years of professional experience, 0 to 70.") var years: String
        @Option(help: "Where the application came from (default: manual).") var source: String?
        @Option(name: .customLong("external-id"), help: "The application's id at its source (default: the email).") var externalID: String?
        @Option(name: .customLong("resume-file"), help: "A text file holding the résumé.") var resumeFile: String?
        @Option(name: .customLong("applied-at"), help: "When the person applied, ISO 8601 (default: now).") var appliedAt: String?
        @Option(help: "Who adds, for the audit trail (default: the OS user).") var actor: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            var resume: String?
            if let resumeFile {
                guard let data = FileManager.default.contents(atPath: resumeFile), let text = String(data: data, encoding: .utf8) else {
                    throw AssayError(.badInput, "--resume-file \(resumeFile) cannot be read as UTF-8 text")
                }
                resume = text
            }
            let input = ApplicantInput(fields: [
                "email": email, "full_name": name, "country": country, "highest_degree": degree, "years_experience": years,
                "source": source ?? "manual", "external_id": externalID ?? email.trimmingCharacters(in: .whitespaces).lowercased(),
                "resume_text": resume ?? "", "applied_at": appliedAt ?? "",
            ], lists: [
                "languages": languages.split(separator: ",").map(String.init),
                "domains": domains.split(separator: ",").map(String.init),
            ])
            let result = try Intake(connection: try database.migratedConnection()).add(input, actor: actor ?? ActorName.current)
            switch format {
            case .json: try printJSON(result)
            case .text:
                print("expert \(result.expertID): \(result.newExpert ? "new" : "already known")")
                print(result.newApplication ? "application recorded" : "application already recorded (same source and external id): nothing changed")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import applicants from a CSV or JSON Lines file, all valid rows or none.",
            discussion: """
                Columns (CSV header names, JSON keys): external_id, full_name, email, country, languages,
                domains, highest_degree, years_experience, source, applied_at, resume_text. Lists are
                ';'-separated in CSV and arrays in JSON Lines. Invalid rows are skipped and reported
                (with --rejects, all of them, with line, field, reason and the original row).
                """)
        @Argument(help: "The file to import.") var file: String
        @Option(help: "csv or jsonl (default: from the file's extension).") var format: String?
        @Option(help: "The source for rows that name none (default: the file's name).") var source: String?
        @Option(help: "Write rejected rows to this CSV file.") var rejects: String?
        @Flag(name: .customLong("dry-run"), help: "Validate and count, write nothing.") var dryRun = false
        @Flag(help: "No progress bar, only the summary.") var quiet = false
        @Option(help: "Who imports, for the audit trail (default: the OS user).") var actor: String?
        @Option(name: .customLong("output"), help: "Summary format: text or json.") var output: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let chosen: Intake.Format
            if let format {
                guard let parsed = Intake.Format(rawValue: format.lowercased()) else {
                    throw AssayError(.badInput, "--format must be csv or jsonl, not '\(format)'")
                }
                chosen = parsed
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
            switch output {
            case .json:
                try printJSON(summary)
            case .text:
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
}

/// A one-line progress bar on stderr: rows, rows per second and the time left.
final class ProgressBar {
    func show(_ progress: Intake.Progress) {
        let fraction = progress.totalBytes > 0 ? min(1, Double(progress.bytes) / Double(progress.totalBytes)) : 0
        let rate = progress.elapsed > 0 ? Double(progress.rows) / progress.elapsed : 0
        let eta = fraction > 0 ? progress.elapsed * (1 - fraction) / fraction : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %3.0f%%  %d rows  %.0f rows/s  ETA %.0fs ", bar, fraction * 100, progress.rows, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
