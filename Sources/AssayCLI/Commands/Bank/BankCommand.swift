import ArgumentParser
import AssayCore
import Banks
import Foundation
import Postgres

/// `assay bank …`: question banks.
struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Lint, load, list and convert question banks.",
        subcommands: [Lint.self, Sync.self, List.self, Show.self, Calibrate.self, Stats.self, ImportGift.self]
    )

    /// The default banks folder: `interview-banks/` in the current folder.
    static let defaultPath = "interview-banks"

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check bank files and report every problem as file:line:column.",
            discussion: "Exit code 2 when any error is found, 0 otherwise (warnings alone do not fail).")

        @Argument(help: "The banks folder, one domain's folder, or one bank file.")
        var path: String = BankCommand.defaultPath

        func run() throws {
            let collection = BankLinter.lint(path: path)
            for diagnostic in collection.diagnostics {
                Assay.printError(diagnostic.description)
            }
            let errors = collection.diagnostics.filter { $0.severity == .error }.count
            let warnings = collection.diagnostics.count - errors
            let items = collection.banks.reduce(0) { $0 + $1.bank.items.count }
            print("\(collection.filesRead) file(s), \(collection.banks.count) bank(s), \(items) item(s): \(errors) error(s), \(warnings) warning(s)")
            if errors > 0 { throw ExitCode(2) }
        }
    }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load banks into the database in one transaction; changed content becomes a new version.")

        @Argument(help: "The banks folder, one domain's folder, or one bank file.")
        var path: String = BankCommand.defaultPath
        @Option(help: "Who is syncing, for the audit trail (default: the OS user).") var actor: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let collection = BankLinter.lint(path: path)
            if collection.hasErrors {
                for diagnostic in collection.diagnostics { Assay.printError(diagnostic.description) }
                throw AssayError(.badInput, "nothing was synced: fix the errors above (assay bank lint \(path))")
            }
            let connection = try database.migratedConnection()
            let report = try Catalog(connection: connection).sync(collection, actor: actor ?? ActorName.current)
            switch format {
            case .json:
                try printJSON(report)
            case .text:
                print("added: \(report.added.isEmpty ? "none" : report.added.joined(separator: ", "))")
                print("changed: \(report.changed.isEmpty ? "none" : report.changed.joined(separator: ", "))")
                print("unchanged: \(report.unchanged.isEmpty ? "none" : report.unchanged.joined(separator: ", "))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the banks in the database (current versions).")
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let banks = try Catalog(connection: try database.migratedConnection()).list()
            switch format {
            case .json:
                try printJSON(banks)
            case .text:
                if banks.isEmpty { print("no banks; load them with assay bank sync"); return }
                let width = max(4, banks.map(\.slug.count).max() ?? 4)
                print("BANK".padding(toLength: width, withPad: " ", startingAt: 0) + "  VERSION  HASH          ITEMS  DOMAIN")
                for bank in banks {
                    print(bank.slug.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                          + "v\(bank.version)".padding(toLength: 7, withPad: " ", startingAt: 0) + "  \(bank.contentHash)  "
                          + String(bank.items).padding(toLength: 5, withPad: " ", startingAt: 0) + "  \(bank.domain)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a bank with its answer keys (staff only: never give this output to a candidate).")
        @Argument(help: "The bank's slug.") var slug: String
        @Option(help: "Output format: text (YAML) or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let (summary, bank) = try Catalog(connection: try database.migratedConnection()).bank(slug: slug)
            switch format {
            case .json:
                try printJSON(bank)
            case .text:
                print("# \(bank.slug) v\(summary.version), content \(summary.contentHash), \(bank.items.count) items — contains answer keys")
                print(try BankWriter.yaml(bank), terminator: "")
            }
        }
    }

    struct ImportGift: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-gift",
            abstract: "Convert a Moodle GIFT file into a bank file in our YAML format.",
            discussion: "Anything that cannot be converted is reported with its line number. Exit code 2 when something could not be converted.")
        @Argument(help: "The GIFT file.") var file: String
        @Option(help: "The domain slug of the new bank.") var domain: String
        @Option(help: "The slug of the new bank.") var bank: String
        @Option(help: "Where to write the YAML (default: standard output).") var out: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AssayError(.badInput, "cannot read \(file): no such file, or not readable")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw AssayError(.badInput, "\(file) is not valid UTF-8; convert it first (iconv -f latin1 -t utf-8)")
            }
            let result = GIFTImporter.convert(text, file: file, bankSlug: bank)
            for diagnostic in result.diagnostics { Assay.printError(diagnostic.description) }
            guard !result.items.isEmpty else {
                throw AssayError(.badInput, "no question in \(file) could be converted")
            }
            let count = result.items.count
            let converted = Bank(
                slug: bank, title: bank, domain: domain, language: "en",
                settings: BankSettings(itemsPerScreen: min(20, count), timeLimitMinutes: 40, shuffleOptions: true, retakeCooldownDays: 90, showScore: false, passRule: PassRule(minPercent: 70)),
                items: result.items)
            let yaml = try BankWriter.yaml(converted)
            if let out {
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: out))
                Assay.printError("wrote \(count) item(s) to \(out); review title, language, settings, topics and difficulties before syncing")
            } else {
                print(yaml, terminator: "")
            }
            if result.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
        }
    }
}

/// A value as pretty JSON with sorted keys and ISO 8601 dates (the form of every `--format json`).
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Prints a value as ``jsonText(_:)``.
func printJSON(_ value: some Encodable) throws {
    print(try jsonText(value))
}
