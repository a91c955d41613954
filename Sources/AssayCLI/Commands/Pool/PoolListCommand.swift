import ArgumentParser
import AssayCore
import Foundation

/// `assay pool list`: pool members matching filters.
struct PoolListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pool members (past their expiry date they show as expired).")
    @Option(help: "Only this domain.") var domain: Slug?
    @Option(help: "Only this tier.") var tier: TierName?
    @Option(help: "Only members in this status.") var status: Status?
    @Option(help: "Only members speaking this language (ISO 639-1).") var language: LanguageCode?
    @Option(help: "Only members from this country (ISO 3166-1 alpha-2).") var country: CountryCode?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "tier": "--tier", "status": "--status", "language": "--language", "country": "--country"]

    /// The statuses of a pool member, as listed (a member past the expiry date shows as expired).
    enum Status: String, CaseIterable, ExpressibleByArgument {
        case active, suspended, expired
    }

    func run() throws {
        let members = try namingFlags(Self.flags) {
            try Pool(connection: try database.migratedConnection())
                .list(domain: domain?.name, tier: tier?.name, status: status?.rawValue, language: language?.code, country: country?.code)
        }
        if format.value == .json { try printJSON(members); return }
        if members.isEmpty { print("no members match"); return }
        let iso = ISO8601DateFormatter()
        for m in members {
            print("\(m.domain)\t\(m.tier)\t\(m.status)\t\(m.fullName.visibleSafe) <\(m.email.visibleSafe)>\t\(m.country)\t\(m.languages.joined(separator: ","))\t\(String(format: "%.1f", m.score))\tuntil \(iso.string(from: m.expiresAt))")
        }
    }
}
