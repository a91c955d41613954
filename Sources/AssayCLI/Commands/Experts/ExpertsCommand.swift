import ArgumentParser
import AssayCore
import Foundation
import Postgres

/// `assay experts …`: who is in the database.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "List experts, or show one with their applications and audit trail.",
        subcommands: [List.self, Show.self]
    )

    enum ListFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List experts, oldest first.")
        @Option(help: "Only experts with an application claiming this domain.") var domain: String?
        @Option(help: "Only experts with an application in this status (received, invited, …).") var status: String?
        @Option(help: "Only experts from this country (ISO 3166-1 alpha-2).") var country: String?
        @Option(help: "Only experts speaking this language (ISO 639-1).") var language: String?
        @Option(help: "At most this many experts.") var limit: Int = 50
        @Option(help: "Output format: table, json or csv.") var format: ListFormat = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let experts = try ExpertDirectory(connection: try database.migratedConnection())
                .list(.init(domain: domain, status: status, country: country, language: language, limit: limit))
            switch format {
            case .json:
                try printJSON(experts)
            case .csv:
                print("id,email,full_name,country,languages,highest_degree,years_experience,domains,statuses")
                for e in experts {
                    print([String(e.id), e.email, e.fullName, e.country, e.languages.joined(separator: ";"), e.highestDegree,
                           String(e.yearsExperience), e.domains.joined(separator: ";"), e.statuses.joined(separator: ";")]
                        .map(CSVText.field).joined(separator: ","))
                }
            case .table:
                if experts.isEmpty { print("no experts match"); return }
                for e in experts {
                    print("\(String(e.id).padding(toLength: 7, withPad: " ", startingAt: 0)) \(e.fullName) <\(e.email)>  \(e.country)  \(e.languages.joined(separator: ","))  \(e.highestDegree), \(e.yearsExperience)y  [\(e.domains.joined(separator: ", "))] \(e.statuses.joined(separator: ","))")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one expert: details, applications and events.")
        @Argument(help: "The expert's email or id.") var expert: String
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let profile = try ExpertDirectory(connection: try database.migratedConnection()).profile(expert)
            if format == .json { try printJSON(profile); return }
            let e = profile.expert
            let iso = ISO8601DateFormatter()
            print("expert \(e.id): \(e.fullName) <\(e.email)>")
            print("  country \(e.country), languages \(e.languages.joined(separator: ", ")), \(e.highestDegree), \(e.yearsExperience) years")
            print("applications:")
            for a in profile.applications {
                print("  #\(a.id) \(a.source)/\(a.externalID): \(a.domains.joined(separator: ", ")) — \(a.status), applied \(iso.string(from: a.appliedAt))\(a.hasResume ? ", résumé on file" : "")")
            }
            print("screens:")
            for sc in profile.screens {
                let result = sc.scorePercent.map { String(format: "%.1f%%, %@", $0, sc.passed == true ? "passed" : "failed") } ?? sc.status
                print("  screen \(sc.id) on \(sc.bankSlug) v\(sc.bankVersion): invited by \(sc.invitedBy) \(iso.string(from: sc.invitedAt))\(sc.submittedAt.map { ", submitted \(iso.string(from: $0))" } ?? ""), \(result)")
            }
            print("pool:")
            if profile.memberships.isEmpty { print("  not a member of any pool") }
            for m in profile.memberships {
                print("  \(m.domain): \(m.tier) (\(m.status)), score \(String(format: "%.1f", m.score)), until \(iso.string(from: m.expiresAt))")
            }
            if !profile.memberships.isEmpty {
                print("why in the pool (evidence chain):")
                for m in profile.memberships {
                    for screenID in m.evidenceScreens {
                        guard let sc = profile.screens.first(where: { $0.id == screenID }) else { continue }
                        let application = sc.applicationID.flatMap { id in profile.applications.first { $0.id == id } }
                        let applied = application.map { "application #\($0.id) (\($0.source)/\($0.externalID), applied \(iso.string(from: $0.appliedAt)))" } ?? "no application on record"
                        print("  \(m.domain): \(applied)")
                        print("    → screen \(sc.id) on \(sc.bankSlug) v\(sc.bankVersion), invited by \(sc.invitedBy) \(iso.string(from: sc.invitedAt)), submitted \(sc.submittedAt.map(iso.string) ?? "-")")
                        print("    → score \(sc.scorePercent.map { String(format: "%.1f%%", $0) } ?? "-"), \(sc.passed == true ? "passed" : "not passed") (scored \(sc.scoredAt.map(iso.string) ?? "-"))")
                    }
                    print("    → promoted to \(m.tier) \(iso.string(from: m.promotedAt)) by \(m.promotedBy ?? "?") under the rule \"\(m.rule)\"")
                }
            }
            print("events:")
            for ev in profile.events {
                print("  \(iso.string(from: ev.occurredAt)) \(ev.action) by \(ev.actor)\(ev.reason.map { ": \($0)" } ?? "") \(ev.details)")
            }
        }
    }
}

