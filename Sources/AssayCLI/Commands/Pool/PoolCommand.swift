import ArgumentParser
import AssayCore
import Foundation
import Postgres

/// `assay pool …`: the domain-tagged annotator pool.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Promote passing candidates into the annotator pool, list, suspend and reinstate members.",
        subcommands: [Promote.self, List.self, Suspend.self, Reinstate.self]
    )

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Promote everyone whose results qualify, by each domain's policy (idempotent).")
        @Option(help: "Only this domain.") var domain: String?
        @Flag(name: .customLong("dry-run"), help: "Show what would change, write nothing.") var dryRun = false
        @Option(help: "Who promotes, for the audit trail (default: the OS user).") var actor: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let changes = try Pool(connection: try database.migratedConnection()).promote(domain: domain, dryRun: dryRun, actor: actor ?? ActorName.current)
            if format == .json { try printJSON(changes); return }
            for c in changes {
                let from = c.previousTier.map { " (was \($0))" } ?? ""
                print("\(dryRun ? "would " : "")\(c.action) \(c.email) in \(c.domain): \(c.tier)\(from), score \(String(format: "%.1f", c.score)), screens \(c.evidenceScreens.map(String.init).joined(separator: ",")) — \(c.rule)")
            }
            print(changes.isEmpty ? "no changes: the pool is up to date" : "\(changes.count) change(s)\(dryRun ? " (dry run: nothing written)" : "")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pool members (past their expiry date they show as expired).")
        @Option(help: "Only this domain.") var domain: String?
        @Option(help: "Only this tier.") var tier: String?
        @Option(help: "Only this status: active, suspended or expired.") var status: String?
        @Option(help: "Only members speaking this language (ISO 639-1).") var language: String?
        @Option(help: "Only members from this country (ISO 3166-1 alpha-2).") var country: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let members = try Pool(connection: try database.migratedConnection()).list(domain: domain, tier: tier, status: status, language: language, country: country)
            if format == .json { try printJSON(members); return }
            if members.isEmpty { print("no members match"); return }
            let iso = ISO8601DateFormatter()
            for m in members {
                print("\(m.domain)\t\(m.tier)\t\(m.status)\t\(m.fullName) <\(m.email)>\t\(m.country)\t\(m.languages.joined(separator: ","))\t\(String(format: "%.1f", m.score))\tuntil \(iso.string(from: m.expiresAt))")
            }
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a member: they leave listings of active members and exports.")
        @Argument(help: "The expert's email or id.") var expert: String
        @Option(help: "The domain.") var domain: String
        @Option(help: "Why (kept in the audit trail).") var reason: String
        @Option(help: "Who suspends (default: the OS user).") var actor: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try Pool(connection: try database.migratedConnection()).setSuspended(true, expert: expert, domain: domain, reason: reason, actor: actor ?? ActorName.current)
            print("suspended \(expert) in \(domain)")
        }
    }

    struct Reinstate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reinstate a suspended member.")
        @Argument(help: "The expert's email or id.") var expert: String
        @Option(help: "The domain.") var domain: String
        @Option(help: "Why (kept in the audit trail).") var reason: String?
        @Option(help: "Who reinstates (default: the OS user).") var actor: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try Pool(connection: try database.migratedConnection()).setSuspended(false, expert: expert, domain: domain, reason: reason, actor: actor ?? ActorName.current)
            print("reinstated \(expert) in \(domain)")
        }
    }
}

/// `assay roster export`: vetted rosters for client projects.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Export vetted expert rosters.",
        subcommands: [Export.self]
    )

    enum RosterFormat: String, ExpressibleByArgument, CaseIterable { case csv, jsonl, json }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream the active pool members as CSV, JSON Lines or JSON.",
            discussion: "With --pseudonymize, names and emails become stable keyed hashes; the key comes from \(Roster.keyVariable).")
        @Option(help: "Only this domain.") var domain: String?
        @Option(help: "Only members speaking this language (ISO 639-1).") var language: String?
        @Option(help: "Only members from this country (ISO 3166-1 alpha-2).") var country: String?
        @Option(name: .customLong("min-tier"), help: "Only this tier and higher (a tier name of the domain's policy).") var minTier: String?
        @Option(help: "csv, jsonl or json.") var format: RosterFormat = .csv
        @Option(help: "Write to this file instead of standard output (written whole or not at all).") var out: String?
        @Flag(help: "Replace names and emails with stable keyed hashes (key from \(Roster.keyVariable)).") var pseudonymize = false
        @Flag(name: .customLong("show-sql"), help: "Print the query the export runs, and exit.") var showSQL = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            if showSQL { print(Roster.query); return }
            var key: String?
            if pseudonymize {
                guard let value = ProcessInfo.processInfo.environment[Roster.keyVariable], value.count >= 16 else {
                    throw AssayError(.badInput, "--pseudonymize needs a key of at least 16 characters in \(Roster.keyVariable); keep the same key to get the same pseudonyms")
                }
                key = value
            }
            let roster = Roster(connection: try database.migratedConnection())
            let filter = Roster.Filter(domain: domain, language: language, country: country, minTier: minTier)
            guard let chosen = Roster.Format(rawValue: format.rawValue) else { return }
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
