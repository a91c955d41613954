import ArgumentParser
import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `assay experts list`: experts matching filters, oldest first.
struct ExpertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List experts, oldest first.")
    @Option(help: "Only experts with an application claiming this domain.") var domain: Slug?
    @Option(help: "Only experts with an application in this status.") var status: Status?
    @Option(help: "Only experts from this country (ISO 3166-1 alpha-2).") var country: CountryCode?
    @Option(help: "Only experts speaking this language (ISO 639-1).") var language: LanguageCode?
    @Option(help: "At most this many experts.") var limit: Int = 50
    @Option(help: "Output format: table, json or csv.") var format: FormatOption<TableJSONOrCSV> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The statuses of an application.
    enum Status: String, CaseIterable, ExpressibleByArgument {
        case received, invited, screening, scored, passed, failed, pooled, rejected
    }

    /// The service's field names and the flags that feed them.
    static let flags: KeyValuePairs = [
        "domain": "--domain", "status": "--status", "country": "--country", "language": "--language", "limit": "--limit",
    ]

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let experts = try namingFlags(Self.flags) {
            try ExpertDirectory(connection: try database.migratedConnection())
                .list(.init(domain: domain?.name, status: status?.rawValue, country: country?.code, language: language?.code, limit: limit))
        }
        switch format.value {
        case .json:
            try printJSON(experts)
        case .csv:
            let onTerminal = isatty(1) == 1
            print("id,email,full_name,country,languages,highest_degree,years_experience,domains,statuses")
            for e in experts {
                // Cells are data (verbatim, formulas neutralised); on a terminal they are shown visible-safe.
                let cells = [String(e.id), e.email, e.fullName, e.country, e.languages.joined(separator: ";"), e.highestDegree,
                             String(e.yearsExperience), e.domains.joined(separator: ";"), e.statuses.joined(separator: ";")]
                print(cells.map { CSVText.field(onTerminal ? $0.visibleSafe : $0) }.joined(separator: ","))
            }
        default:
            if experts.isEmpty { print("no experts match"); return }
            for e in experts {
                print("\(String(e.id).padding(toLength: 7, withPad: " ", startingAt: 0)) \(e.fullName) <\(e.email)>  \(e.country)  \(e.languages.joined(separator: ","))  \(e.highestDegree), \(e.yearsExperience)y  [\(e.domains.joined(separator: ", "))] \(e.statuses.joined(separator: ","))".visibleSafe)
            }
        }
    }
}
