import ArgumentParser
import AssayCore
import Foundation

/// `assay pool promote`: everyone whose results qualify joins the pool.
struct PromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Promote everyone whose results qualify, by each domain's policy (idempotent).",
        discussion: """
            A domain whose policy sets renewal: (a work-quality floor, docs/bank-format.md) renews
            or raises an existing member only when their recent work outcomes meet it; the others
            are listed as not renewed, each with a pool.renewal_refused event (assay experts show).

            Examples:
              assay pool promote --dry-run
              assay pool promote --domain medicine
            """)
    @Option(help: "Only this domain.") var domain: Slug?
    @Flag(name: .customLong("dry-run"), help: "Show what would change, write nothing.") var dryRun = false
    @Flag(name: .customLong("include-flagged"), help: "Use screens with integrity flags that nobody cleared as evidence too (by default they are held: see assay screen clear-flags).")
    var includeFlagged = false
    /// The former implementation, one statement per change and blind to flags: kept for the
    /// equivalence test and scripts/bench-promote.sh.
    @Flag(name: .customLong("row-by-row"), help: ArgumentHelp("The former one-statement-per-change implementation, for benchmarks.", visibility: .private))
    var rowByRow = false
    @Option(help: "Who promotes, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["domain": "--domain", "actor": "--actor"]

    func run() throws {
        let promotion = try namingFlags(Self.flags) {
            let connection = try database.migratedConnection()
            if let domain { try KnownValues(connection: connection).checkDomain(domain.name) }
            let pool = Pool(connection: connection)
            if rowByRow {
                return Pool.Promotion(changes: try pool.promoteRowByRow(domain: domain?.name, dryRun: dryRun, actor: actor ?? ActorName.current), held: [])
            }
            return try pool.promote(domain: domain?.name, dryRun: dryRun, includeFlagged: includeFlagged, actor: actor ?? ActorName.current)
        }
        if format.value == .json { try printJSON(promotion); return }
        let changes = promotion.changes
        // A campaign's promotion prints tens of thousands of lines: written in blocks, each
        // distinct score formatted once.
        var block = ""
        var scoreTexts: [Double: String] = [:]
        for c in changes {
            let from = c.previousTier.map { " (was \($0))" } ?? ""
            let score: String
            if let known = scoreTexts[c.score] {
                score = known
            } else {
                score = String(format: "%.1f", c.score)
                scoreTexts[c.score] = score
            }
            block += "\(dryRun ? "would " : "")\(c.action) \(c.email) in \(c.domain): \(c.tier)\(from), score \(score), screens \(c.evidenceScreens.map(String.init).joined(separator: ",")) — \(c.rule)".visibleSafe
            block += "\n"
            if block.utf8.count >= 1 << 16 {
                print(block, terminator: "")
                block = ""
            }
        }
        print(block, terminator: "")
        print(changes.isEmpty ? "no changes: the pool is up to date" : "\(changes.count) change(s)\(dryRun ? " (dry run: nothing written)" : "")")
        if !promotion.refused.isEmpty {
            print("\(dryRun ? "would not renew" : "not renewed") by the domain's work-quality floor (\(promotion.refused.count)):")
            for r in promotion.refused {
                print("  \(r.action) \(r.email.visibleSafe) in \(r.domain): \(r.tier) — \(r.reason.visibleSafe)")
            }
        }
        guard !promotion.held.isEmpty else { return }
        print("held back by integrity flags (\(promotion.held.count)):")
        for h in promotion.held {
            let screens = h.flaggedScreens.map { "screen \($0.screenID): \($0.summary)" }.joined(separator: "; ")
            print("  \(h.action) \(h.email.visibleSafe) in \(h.domain): \(h.tier), score \(String(format: "%.1f", h.score)) — \(screens)")
        }
        print("look at each screen (assay screen show ID), then clear its flags with assay screen clear-flags ID --reason \"…\", or promote with --include-flagged")
    }
}
