import ArgumentParser
import AssayCore
import Foundation

/// `assay experts show EXPERT`: one expert with applications, screens, pool memberships and events.
struct ExpertsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one expert: details, applications, screens, pool memberships with their evidence, and events.",
        discussion: """
            Examples:
              assay experts show ana@example.org
              assay experts show 42 --format json
            """)
    @Argument(help: "The expert's email or id.") var expert: String
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let profile = try ExpertDirectory(connection: try database.migratedConnection()).profile(expert)
        if format.value == .json { try printJSON(profile); return }
        let e = profile.expert
        let iso = ISO8601DateFormatter()
        // Names, sources, ids, actors, reasons and details come from outside: each line is shown visible-safe.
        func print(_ line: String) { Swift.print(line.visibleSafe) }
        print("expert \(e.id): \(e.fullName) <\(e.email)>")
        if let into = e.mergedInto { print("  merged into expert \(into) (assay experts show \(into))") }
        print("  country \(e.country), languages \(e.languages.isEmpty ? "unknown" : e.languages.joined(separator: ", ")), degree \(e.highestDegree ?? "unknown"), \(e.yearsExperience.map { "\($0) years" } ?? "years unknown")\(e.phone.map { ", phone \($0)" } ?? "")")
        print("applications:")
        for a in profile.applications {
            print("  #\(a.id) \(a.source.visibleSafe)/\(a.externalID.visibleSafe): \(a.domains.joined(separator: ", ")) — \(a.status), applied \(iso.string(from: a.appliedAt))\(a.hasResume ? ", résumé on file" : "")")
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
                    if sc.flags.isEmpty {
                        print("    → no integrity flags")
                    } else if let cleared = sc.flagsCleared {
                        print("    → integrity flags: \(sc.flags.map(\.summary).joined(separator: "; ")); cleared by \(cleared.by.visibleSafe) \(iso.string(from: cleared.at)): \(cleared.reason.visibleSafe)")
                    } else {
                        print("    → integrity flags: \(sc.flags.map(\.summary).joined(separator: "; ")) (not cleared)")
                    }
                }
                print("    → promoted to \(m.tier) \(iso.string(from: m.promotedAt)) by \(m.promotedBy ?? "?") under the rule \"\(m.rule)\"")
            }
        }
        print("events:")
        for ev in profile.events {
            print("  \(iso.string(from: ev.occurredAt)) \(ev.action) by \(ev.actor.visibleSafe)\(ev.reason.map { ": \($0.visibleSafe)" } ?? "") \(ev.details.description.visibleSafe)")
        }
    }
}
