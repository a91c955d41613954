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
        abstract: "Import applicants from a CSV or JSON Lines file (or - for standard input).",
        discussion: """
            Required columns: email, full_name, country, domains. Optional: external_id (default:
            the email and the domains, as for intake add), languages, highest_degree, years_experience, phone, source (default: the
            file's name, or --source), applied_at, resume_text. Common header names are
            recognised by themselves, in any case and with or without accents (Name, Full Name,
            First Name + Last Name, E-mail, Country code, Degree, Years of experience, Mobile,
            CV…); --map 'Header=field,…' maps any other, and 'Header=' ignores a column. Other
            columns are named once in a warning and ignored; columns starting with _ are ignored
            silently. Lists (languages, domains) are separated by ';' or ','.

            The delimiter (comma, semicolon or tab) is found in the header row, or given with
            --delimiter. Files are read as UTF-8 (a byte-order mark is fine), or as UTF-16 when
            a byte-order mark says so; --encoding reads UTF-16 without a mark and Windows-1252
            (Excel's plain "CSV" on Windows). A file in another encoding is refused before any
            row is read, saying which option to give.

            Nothing is added twice: a row whose application (source and external id) exists for
            the same person, or whose person already has an open application (received,
            invited, screening) for each of its domains, adds nothing; a person repeated in the
            file keeps the values of their first row. A row whose source and external id belong
            to another person is rejected.

            Every problem of every invalid row is reported. With --rejects FILE, the rejected
            rows are written in the input's own form (its header and delimiter) with three more
            columns, _line, _field and _reason: fix them there, in a spreadsheet, and import that
            file as it is.

            Exit status: 0 when rows were imported (or were all already there), the rejected
            rows counted on the last line; 2 when nothing could be imported (a file-level
            problem, or every row rejected), and with --strict when any row is rejected (nothing
            is then written); 1 when the database fails.

            Examples:
              assay intake import applicants.csv --rejects rejects.csv
              assay intake import applicants.jsonl --source campaign-7 --dry-run
            """)
    @Argument(help: "The file to import, or - for standard input.") var file: String
    @Option(help: "The file's format: csv or jsonl (default: from the extension, else from the content).") var format: FileFormat?
    @Option(help: "The CSV delimiter: comma, semicolon or tab (default: found in the header row).") var delimiter: DelimiterOption?
    @Option(help: "The file's encoding: utf-8, utf-16, utf-16le, utf-16be, windows-1252 or latin-1 (default: UTF-8, or UTF-16 with a byte-order mark).")
    var encoding: EncodingOption?
    @Option(name: .customLong("map"), help: ArgumentHelp("Map header names to fields: 'Header=field,…' ('Header=' ignores a column); repeatable.",
                                                        valueName: "header=field,…"))
    var maps: [String] = []
    @Option(help: "The source for rows that name none (default: the file's name).") var source: String?
    @Option(help: "Write rejected rows to this file, in the input's own form, to fix and import again.") var rejects: String?
    @Flag(name: .customLong("dry-run"), help: "Validate and count, write nothing.") var dryRun = false
    @Flag(help: "Write nothing and exit 2 if any row is rejected.") var strict = false
    @Flag(help: "No progress bar, only the summary.") var quiet = false
    @Option(help: "Who imports, for the audit trail (default: the OS user).") var actor: String?
    @Option(name: .customLong("output"), help: "Summary format: text or json.") var output: FormatOption<TextOrJSON> = .standard
    @Option(help: ArgumentHelp("How to write the rows: automatic, direct or merge (for tests and diagnosis).", visibility: .hidden))
    var method: MethodOption = .init(value: .automatic)
    @OptionGroup var database: DatabaseOptions

    /// The formats of applicant files.
    enum FileFormat: String, CaseIterable, ExpressibleByArgument {
        /// CSV with a header row.
        case csv
        /// JSON Lines: one object per line.
        case jsonl

        /// Parses the name in any case.
        init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    }

    /// `--delimiter`: a name or the character itself.
    struct DelimiterOption: ExpressibleByArgument {
        let value: Intake.Delimiter

        init?(argument: String) {
            switch argument.lowercased() {
            case "comma", ",": value = .comma
            case "semicolon", ";": value = .semicolon
            case "tab", "\t", "\\t": value = .tab
            default: return nil
            }
        }

        static var allValueStrings: [String] { ["comma", "semicolon", "tab"] }
    }

    /// `--method` (hidden): how the rows are written.
    struct MethodOption: ExpressibleByArgument {
        let value: Intake.Method

        init(value: Intake.Method) { self.value = value }

        init?(argument: String) {
            guard let value = Intake.Method(rawValue: argument.lowercased()) else { return nil }
            self.value = value
        }
    }

    /// `--encoding`: a name of one of ``Intake/Encoding``, in common spellings.
    struct EncodingOption: ExpressibleByArgument {
        let value: Intake.Encoding

        init?(argument: String) {
            guard let value = Intake.Encoding(name: argument) else { return nil }
            self.value = value
        }

        static var allValueStrings: [String] { Intake.Encoding.allCases.map(\.rawValue) }
    }

    /// The `--map` entries as header → field.
    func columnMap() throws -> [String: String] {
        var map: [String: String] = [:]
        for entry in maps.flatMap({ $0.split(separator: ",") }) {
            guard let equals = entry.firstIndex(of: "=") else {
                throw ValidationError("--map '\(entry)' needs the form 'Header=field' (or 'Header=' to ignore a column)")
            }
            let header = entry[..<equals].trimmingCharacters(in: .whitespaces)
            let field = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !header.isEmpty else { throw ValidationError("--map '\(entry)' names no header before the '='") }
            map[header] = field
        }
        return map
    }

    func run() throws {
        let chosen: Intake.Format? = format.map {
            switch $0 {
            case .csv: .csv
            case .jsonl: .jsonl
            }
        }
        let map = try columnMap()
        let intake = Intake(connection: try database.migratedConnection())
        let bar = !quiet && isatty(2) == 1 ? ProgressBar() : nil
        let summary = try intake.importFile(
            Intake.ImportRequest(path: file, format: chosen, encoding: encoding?.value, delimiter: delimiter?.value, columnMap: map, source: source,
                                 rejectsPath: rejects, dryRun: dryRun, strict: strict, actor: actor ?? ActorName.current, method: method.value),
            progress: bar.map { bar in { bar.show($0) } })
        bar?.finish()
        let name = file == "-" ? "stdin" : file
        if !summary.ignoredColumns.isEmpty {
            Assay.printError("assay: warning: ignored \(summary.ignoredColumns.count == 1 ? "column" : "columns") \(summary.ignoredColumns.map { "'\($0.visibleSafe)'" }.joined(separator: ", ")): no field has that name; import one with --map 'Header=field'")
        }
        switch output.value {
        case .json:
            try printJSON(summary)
        default:
            printText(summary, name: name, map: map)
        }
        if summary.refusedAsStrict || summary.nothingImportable { throw ExitCode(2) }
    }

    private func printText(_ summary: Intake.Summary, name: String, map: [String: String]) {
        for rejection in summary.firstRejections.prefix(rejects == nil ? 10 : 5) {
            Assay.printError("\(name.visibleSafe):\(rejection.line): \(rejection.field.visibleSafe): \(rejection.reason)")
        }
        for duplicate in summary.firstDuplicates.prefix(5) {
            Assay.printError("\(name.visibleSafe):\(duplicate.line): not added: \(duplicate.reason)")
        }
        if summary.duplicates > 5 {
            Assay.printError("… \(summary.duplicates - min(summary.firstDuplicates.count, 5)) more rows added nothing (counted below)")
        }
        if let reason = summary.mergeReason { print("merged through staging, not decided in memory: \(reason)") }
        let prefix = summary.dryRun ? "dry run, nothing written; would add: " : summary.refusedAsStrict ? "strict, nothing written; would add: " : "added: "
        print("\(prefix)\(summary.newExperts) new \(plural(summary.newExperts, "expert")), \(summary.applicationsForKnownExperts) new \(plural(summary.applicationsForKnownExperts, "application")) of people already known")
        if summary.duplicates > 0 {
            var parts: [String] = []
            if summary.alreadyImported > 0 { parts.append("\(summary.alreadyImported) already imported (same source and external id)") }
            if summary.repeatedInFile > 0 { parts.append("\(summary.repeatedInFile) \(summary.repeatedInFile == 1 ? "repeats" : "repeat") a person or application of an earlier row") }
            if summary.openApplicationExists > 0 {
                parts.append("\(summary.openApplicationExists) already \(summary.openApplicationExists == 1 ? "has" : "have") an open application for the domain")
            }
            print("not added: \(parts.joined(separator: ", "))")
        }
        if summary.rowsRead > 0, summary.newApplications == 0, summary.rowsRejected < summary.rowsRead, summary.written {
            print("nothing changed: every valid row was already there")
        }
        if summary.rowsRead == 0 {
            print("nothing to import: the file has no data rows")
            return
        }
        if summary.rowsRejected > 0 {
            if let rejects {
                var command = "assay intake import \(shellQuoted(rejects)) --source \(shellQuoted(summary.source))"
                if !map.isEmpty { command += " --map \(shellQuoted(map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")))" }
                print("next: fix the rows in \(rejects.visibleSafe) (_reason says what is wrong, _line where) and import it as it is: \(command.visibleSafe)")
            } else {
                print("next: re-run with --rejects FILE to get the rejected rows in a file you can fix and import")
            }
        }
        var detail = ""
        if summary.rowsRejected > 0 {
            var parts: [String] = []
            if summary.rowsInvalid > 0 { parts.append("\(summary.rowsInvalid) invalid") }
            if summary.conflicts > 0 { parts.append("\(summary.conflicts) with another person's source and external id") }
            detail = " (\(parts.joined(separator: ", ")))"
        }
        print("rejected: \(summary.rowsRejected) of \(summary.rowsRead) \(plural(summary.rowsRead, "row"))\(detail)")
    }

    private func plural(_ count: Int, _ word: String) -> String { count == 1 ? word : word + "s" }

    /// A word as a shell reads it back: as it is when plain, else in single quotes.
    private func shellQuoted(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_./:@+".unicodeScalars.contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
