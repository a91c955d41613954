import ArgumentParser
import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `assay experts list`: experts matching filters, oldest first.
struct ExpertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List experts, oldest first.",
        discussion: """
            Filters are checked against what exists: an unknown domain, status, country or
            language is an error (exit 2) that names the nearest value. When --limit cuts the
            list, the last line says how many matched.

            Examples:
              assay experts list --domain medicine --country FR
              assay experts list --status passed --limit 200 --format csv > passed.csv
            """)
    @Option(help: "Only experts with an application claiming this domain (a loaded domain's slug).") var domain: Slug?
    @Option(help: "Only experts with an application in this status: \(Status.names.joined(separator: ", ")).",
            completion: Status.completion, transform: Status.parse) var status: Status?
    @Option(help: "Only experts from this country (ISO 3166-1 alpha-2, e.g. FR).", transform: CountryCode.parse) var country: CountryCode?
    @Option(help: "Only experts speaking this language (ISO 639-1, e.g. fr).", transform: LanguageCode.parse) var language: LanguageCode?
    @Option(help: "At most this many experts.") var limit: Int = 50
    @Option(help: "Output format: table, json or csv.") var format: FormatOption<TableJSONOrCSV> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The statuses of an application.
    enum Status: String, SuggestingChoice {
        case received, invited, screening, scored, passed, failed, pooled, rejected
        static let noun = "application status"
    }

    /// The service's field names and the flags that feed them.
    static let flags: KeyValuePairs = [
        "domain": "--domain", "status": "--status", "country": "--country", "language": "--language", "limit": "--limit",
    ]

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let filter = ExpertDirectory.Filter(domain: domain?.name, status: status?.rawValue, country: country?.code, language: language?.code, limit: limit)
        let (experts, total) = try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            if let domain { try KnownValues(connection: connection).checkDomain(domain.name) }
            let directory = ExpertDirectory(connection: connection)
            let experts = try directory.list(filter)
            return (experts, experts.count < limit ? experts.count : try directory.count(filter))
        }
        switch format.value {
        case .json:
            try printJSON(ListingJSON(name: "experts", rows: experts, total: total, limit: limit))
        case .csv:
            let onTerminal = isatty(1) == 1
            print("id,email,full_name,country,languages,highest_degree,years_experience,domains,statuses")
            for e in experts {
                // Cells are data (verbatim, formulas neutralised); on a terminal they are shown visible-safe.
                let cells = [String(e.id), e.email, e.fullName, e.country, e.languages.joined(separator: ";"), e.highestDegree ?? "",
                             e.yearsExperience.map(String.init) ?? "", e.domains.joined(separator: ";"), e.statuses.joined(separator: ";")]
                print(cells.map { CSVText.field(onTerminal ? $0.visibleSafe : $0) }.joined(separator: ","))
            }
            if let note = truncationNote(shown: experts.count, total: total) { Assay.printError(note) }
        default:
            if experts.isEmpty { print("no experts match"); return }
            var table = TextTable([
                .init(title: "ID", alignRight: true), .init(title: "NAME", maxWidth: 32), .init(title: "EMAIL", maxWidth: 40),
                .init(title: "COUNTRY"), .init(title: "LANGUAGES"), .init(title: "DEGREE"), .init(title: "YEARS", alignRight: true),
                .init(title: "DOMAINS", maxWidth: 40), .init(title: "STATUS"),
            ])
            for e in experts {
                table.append([String(e.id), e.fullName.visibleSafe, e.email.visibleSafe, e.country, e.languages.joined(separator: ","),
                              e.highestDegree ?? "?", e.yearsExperience.map { String($0) } ?? "?", e.domains.joined(separator: ","), e.statuses.joined(separator: ",")])
            }
            table.print()
            if let note = truncationNote(shown: experts.count, total: total) { print(note) }
        }
    }
}
