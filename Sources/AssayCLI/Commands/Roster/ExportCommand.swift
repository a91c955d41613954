import ArgumentParser
import AssayCore
import Foundation

/// `assay roster export`: the active pool as CSV, JSON Lines or JSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Stream the active pool members as CSV, JSON Lines or JSON.",
        discussion: """
            With --pseudonymize, the expert id, name, email and screen id become stable keyed
            hashes (HMAC-SHA-256); the key (at least 16 characters) comes from \(Roster.keyVariable),
            and the same key gives the same pseudonyms. Filters are checked against what exists
            (an unknown domain or tier is an error naming the nearest), and an export that
            matches nobody is refused (exit 2) unless --allow-empty.

            Examples:
              assay roster export --domain medicine --min-tier specialist --out roster.csv
              \(Roster.keyVariable)=… assay roster export --pseudonymize --format jsonl
            """)
    @Option(help: "Only this domain (a loaded domain's slug).") var domain: Slug?
    @Option(help: "Only members speaking this language (ISO 639-1, e.g. fr).", transform: LanguageCode.parse) var language: LanguageCode?
    @Option(help: "Only members from this country (ISO 3166-1 alpha-2, e.g. FR).", transform: CountryCode.parse) var country: CountryCode?
    @Option(name: .customLong("min-tier"), help: "Only this tier and higher (a tier name of the domain's policy, interview-banks/<domain>/domain.yaml).")
    var minTier: TierName?
    @Flag(name: .customLong("allow-empty"), help: "Write the export even when no member matches (otherwise exit 2).") var allowEmpty = false
    @Option(help: "csv, jsonl or json.") var format: FormatOption<CSVJSONLOrJSON> = .standard
    @Option(help: "Write to this file instead of standard output (written whole or not at all).") var out: String?
    @Flag(help: "Replace names and emails with stable keyed hashes (key from \(Roster.keyVariable)).") var pseudonymize = false
    @Flag(name: .customLong("show-sql"), help: "Print the query the export runs for these options, and exit.") var showSQL = false
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "language": "--language", "country": "--country", "minTier": "--min-tier", "path": "--out"]

    /// The filters given, in words, for messages (`--domain medicine --min-tier expert`).
    var filterWords: String {
        let given = [("--domain", domain?.name), ("--language", language?.code), ("--country", country?.code), ("--min-tier", minTier?.name)]
            .compactMap { flag, value in value.map { "\(flag) \($0)" } }
        return given.isEmpty ? "(no filter)" : given.joined(separator: " ")
    }

    func run() throws {
        var key: String?
        if pseudonymize, !showSQL {
            guard let value = ProcessInfo.processInfo.environment[Roster.keyVariable], value.count >= 16 else {
                throw AssayError(.badInput, "--pseudonymize needs a key of at least 16 characters in \(Roster.keyVariable); keep the same key to get the same pseudonyms")
            }
            key = value
        }
        let chosen: Roster.Format = switch format.value {
        case .jsonl: .jsonl
        case .json: .json
        default: .csv
        }
        let filter = Roster.Filter(domain: domain?.name, language: language?.code, country: country?.code, minTier: minTier?.name)
        if showSQL { print(Roster.query(filter: filter, pseudonymized: pseudonymize, format: chosen == .csv ? .csv : .jsonl)); return }
        try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            let known = KnownValues(connection: connection)
            if let domain { try known.checkDomain(domain.name) }
            if let minTier { try known.checkTier(minTier.name, domain: domain?.name, field: "minTier") }
            if !allowEmpty {
                let matching = try RosterCensus(connection: connection)
                    .count(domain: domain?.name, language: language?.code, country: country?.code, minTier: minTier?.name)
                if matching == 0 {
                    throw AssayError(.badInput, "no active pool member matches \(filterWords); nothing was exported",
                                     hint: "check the filters with assay pool list, or pass --allow-empty to write an empty roster")
                }
            }
            let roster = Roster(connection: connection)
            if let out {
                let count = try roster.export(format: chosen, filter: filter, pseudonymKey: key, toFile: out)
                FileHandle.standardError.write(Data("exported \(count) member(s) to \(out)\n".utf8))
            } else {
                var buffer: [UInt8] = []
                let stdout = FileHandle.standardOutput
                try roster.export(format: chosen, filter: filter, pseudonymKey: key) { chunk in
                    buffer.append(contentsOf: chunk)
                    if buffer.count >= 1 << 16 { try stdout.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
                }
                try stdout.write(contentsOf: buffer)
            }
        }
    }
}
