import ArgumentParser
import AssayCore
import Foundation

/// `assay pool promote`: everyone whose results qualify joins the pool.
struct PromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Promote everyone whose results qualify, by each domain's policy (idempotent).")
    @Option(help: "Only this domain.") var domain: Slug?
    @Flag(name: .customLong("dry-run"), help: "Show what would change, write nothing.") var dryRun = false
    @Option(help: "Who promotes, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "actor": "--actor"]

    func run() throws {
        let changes = try namingFlags(Self.flags) {
            try Pool(connection: try database.migratedConnection()).promote(domain: domain?.name, dryRun: dryRun, actor: actor ?? ActorName.current)
        }
        if format.value == .json { try printJSON(changes); return }
        for c in changes {
            let from = c.previousTier.map { " (was \($0))" } ?? ""
            print("\(dryRun ? "would " : "")\(c.action) \(c.email) in \(c.domain): \(c.tier)\(from), score \(String(format: "%.1f", c.score)), screens \(c.evidenceScreens.map(String.init).joined(separator: ",")) — \(c.rule)".visibleSafe)
        }
        print(changes.isEmpty ? "no changes: the pool is up to date" : "\(changes.count) change(s)\(dryRun ? " (dry run: nothing written)" : "")")
    }
}
