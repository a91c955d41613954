import ArgumentParser
import AssayCore
import Foundation

/// `assay roster export`: the active pool as CSV, JSON Lines or JSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Stream the active pool members as CSV, JSON Lines or JSON.",
        discussion: "With --pseudonymize, names and emails become stable keyed hashes; the key comes from \(Roster.keyVariable).")
    @Option(help: "Only this domain.") var domain: Slug?
    @Option(help: "Only members speaking this language (ISO 639-1).") var language: LanguageCode?
    @Option(help: "Only members from this country (ISO 3166-1 alpha-2).") var country: CountryCode?
    @Option(name: .customLong("min-tier"), help: "Only this tier and higher (a tier name of the domain's policy).") var minTier: TierName?
    @Option(help: "csv, jsonl or json.") var format: FormatOption<CSVJSONLOrJSON> = .standard
    @Option(help: "Write to this file instead of standard output (written whole or not at all).") var out: String?
    @Flag(help: "Replace names and emails with stable keyed hashes (key from \(Roster.keyVariable)).") var pseudonymize = false
    @Flag(name: .customLong("show-sql"), help: "Print the query the export runs for these options, and exit.") var showSQL = false
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "language": "--language", "country": "--country", "minTier": "--min-tier", "path": "--out"]

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
            let roster = Roster(connection: try database.migratedConnection())
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
