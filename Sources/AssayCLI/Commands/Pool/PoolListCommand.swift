import ArgumentParser
import AssayCore
import Foundation

/// `assay pool list`: pool members matching filters.
struct PoolListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List pool members (past their expiry date they show as expired).",
        discussion: """
            Filters are checked against what exists: an unknown domain, tier (of the domain's
            policy, or of any policy without --domain), status, language or country is an error
            (exit 2) that names the nearest. When --limit cuts the list, the last line says how
            many matched.

            Examples:
              assay pool list --domain medicine --tier expert
              assay pool list --status suspended --format json
            """)
    @Option(help: "Only this domain (a loaded domain's slug).") var domain: Slug?
    @Option(help: "Only this tier (a tier name of the domain's policy, interview-banks/<domain>/domain.yaml).") var tier: TierName?
    @Option(help: "Only members in this status: \(Status.names.joined(separator: ", ")).",
            completion: Status.completion, transform: Status.parse) var status: Status?
    @Option(help: "Only members speaking this language (ISO 639-1, e.g. fr).", transform: LanguageCode.parse) var language: LanguageCode?
    @Option(help: "Only members from this country (ISO 3166-1 alpha-2, e.g. FR).", transform: CountryCode.parse) var country: CountryCode?
    @Option(help: "At most this many.") var limit: Int = 50
    @Option(help: "Output format: table or json.") var format: FormatOption<TableOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "tier": "--tier", "status": "--status", "language": "--language", "country": "--country",
                                       "limit": "--limit"]

    /// The statuses of a pool member, as listed (a member past the expiry date shows as expired).
    enum Status: String, SuggestingChoice {
        case active, suspended, expired
        static let noun = "member status"
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, is \(limit)") }
    }

    func run() throws {
        let (members, total) = try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            let known = KnownValues(connection: connection)
            if let domain { try known.checkDomain(domain.name) }
            if let tier { try known.checkTier(tier.name, domain: domain?.name) }
            let pool = Pool(connection: connection)
            let members = try pool.list(domain: domain?.name, tier: tier?.name, status: status?.rawValue, language: language?.code,
                                        country: country?.code, limit: limit)
            let total = members.count < limit ? members.count
                : try pool.count(domain: domain?.name, tier: tier?.name, status: status?.rawValue, language: language?.code, country: country?.code)
            return (members, total)
        }
        if format.value == .json { try printJSON(ListingJSON(name: "members", rows: members, total: total, limit: limit)); return }
        if members.isEmpty { print("no members match"); return }
        var table = TextTable([
            .init(title: "DOMAIN"), .init(title: "TIER"), .init(title: "STATUS"), .init(title: "ID", alignRight: true),
            .init(title: "NAME", maxWidth: 32), .init(title: "EMAIL", maxWidth: 40), .init(title: "COUNTRY"), .init(title: "LANGUAGES"),
            .init(title: "SCORE", alignRight: true), .init(title: "SCREEN", alignRight: true), .init(title: "UNTIL"),
            .init(title: "FLAGS", maxWidth: 60),
        ])
        for m in members {
            table.append([m.domain, m.tier, m.status, String(m.expertID), m.fullName.visibleSafe, m.email.visibleSafe, m.country,
                          m.languages.joined(separator: ","), String(format: "%.1f", m.score), m.screenID.map(String.init) ?? "-",
                          Self.day(m.expiresAt), m.flaggedScreens.isEmpty ? "-" : m.flaggedScreens.map(\.summary).joined(separator: "; ")])
        }
        table.print()
        if let note = truncationNote(shown: members.count, total: total) { print(note) }
    }

    /// A date as `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
