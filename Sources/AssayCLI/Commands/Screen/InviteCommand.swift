import ArgumentParser
import AssayCore
import Foundation

/// `assay screen invite EXPERT --bank SLUG`: a screen and its single-use invite code; or a whole
/// campaign (`--domain D --status S`, `--experts FILE`) with the codes written to `--out FILE`.
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Create a screen for an expert and print its single-use invite code, or invite a whole campaign.",
        discussion: """
            One expert: prints the code. A campaign, in one transaction: --domain D --status
            received [--limit N], or --experts FILE (one email or expert id per line). The codes go
            to the --out file only (CSV: code, email, name, expires_at, screen_id; mode 0600, for a
            mail merge), never to the terminal.

            Examples:
              assay screen invite ana@example.org --bank medicine-core --expires 3d
              assay screen invite --bank medicine-core --domain medicine --status received --limit 500 --out codes.csv
            """)
    @Argument(help: "The expert's email or id (one invitation).") var expert: String?
    @Option(help: "The bank's slug.") var bank: String
    @Option(help: "Invite experts with an application claiming this domain (a campaign; with --status).") var domain: Slug?
    @Option(help: "With --domain: the applications' status (\(ApplicationStatus.allCases.map(\.rawValue).joined(separator: ", "))).")
    var status: ApplicationStatusOption?
    @Option(help: "With --domain: at most this many experts, those who applied first first.") var limit: Int?
    @Option(help: "Invite the experts in this file: one email or expert id per line (a campaign).") var experts: String?
    @Option(help: "A campaign's codes file (CSV, created 0600; required with --domain or --experts).") var out: String?
    @Option(help: "How long the code stays valid: 7d, 36h, 90m.") var expires = Period(days: 7, text: "7d")
    @Option(help: "Who invites, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    /// The draw's seed: the same seed draws the same items in the same order (a fixed screen)
    /// or makes the same randomesque choices (an adaptive one), so that tests repeat exactly.
    @Option(help: ArgumentHelp("Seed of the draw, for reproducible tests (default: random).", visibility: .hidden))
    var seed: UInt64?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["bank": "--bank", "expiresInDays": "--expires", "drawSeed": "--seed", "actor": "--actor",
                                       "codesFile": "--out", "limit": "--limit", "domain": "--domain"]

    /// An application status given on the command line (`--status received`).
    struct ApplicationStatusOption: ExpressibleByArgument {
        /// The status.
        let value: ApplicationStatus

        init?(argument: String) {
            guard let value = ApplicationStatus(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            self.value = value
        }

        /// The statuses, for help, errors and completion.
        static var allValueStrings: [String] { ApplicationStatus.allCases.map(\.rawValue) }
    }

    func validate() throws {
        guard expires.days >= 1.0 / 24 - 1e-9, expires.days <= 365 else {
            throw ValidationError("--expires must be between 1 hour and 365 days, is \(expires.text)")
        }
        let modes = [expert != nil, domain != nil, experts != nil].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError(modes == 0 ? "name an expert, or a campaign with --domain D --status S or --experts FILE"
                                             : "give one of: an expert, --domain with --status, --experts FILE")
        }
        if domain != nil, status == nil { throw ValidationError("--domain needs --status (e.g. --status received): which applicants to invite") }
        if domain == nil, status != nil || limit != nil { throw ValidationError("--status and --limit go with --domain") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, is \(limit)") }
        if expert == nil, out == nil {
            throw ValidationError("a campaign needs --out FILE for its codes (a CSV created 0600, for a mail merge); codes are never printed in bulk")
        }
        if expert != nil, out != nil { throw ValidationError("--out goes with a campaign (--domain or --experts); one invitation prints its code") }
    }

    func run() throws {
        let actor = actor ?? ActorName.current
        if let out {
            let selection: Invitations.Selection
            if let domain, let status {
                selection = .applicants(domain: domain.name, status: status.value, limit: limit)
            } else {
                selection = .file(experts ?? "")
            }
            let campaign = try namingFlags(Self.flags) {
                try Invitations(connection: try database.migratedConnection())
                    .invite(selection, bank: bank, expiresInDays: expires.days, actor: actor, codesFile: out, drawSeed: seed)
            }
            try report(campaign)
            return
        }
        let invitation = try namingFlags(Self.flags) {
            try Invitations(connection: try database.migratedConnection())
                .invite(expert: expert ?? "", bank: bank, expiresInDays: expires.days, actor: actor, drawSeed: seed)
        }
        if !invitation.appliedForDomain {
            warn("warning: \(expert?.visibleSafe ?? "the expert") never applied for the domain of \(invitation.bankSlug); the screen was made (void it with assay screen void \(invitation.screenID) --reason … if that was a mistake)")
        }
        if format.value == .json {
            try printJSON(invitation)
        } else {
            print("screen \(invitation.screenID): \(invitation.questions) questions from \(invitation.bankSlug) v\(invitation.bankVersion)")
            print("invite code (give it to the candidate; it is shown only now): \(invitation.code)")
            print("valid until \(ISO8601DateFormatter().string(from: invitation.expiresAt)); the candidate runs assay screen take and types the code when asked (never on the command line)")
        }
    }

    private func warn(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    /// A campaign's summary: counts and warnings, never a code.
    private func report(_ campaign: Invitations.Campaign) throws {
        if !campaign.notApplied.isEmpty {
            let shown = campaign.notApplied.prefix(10).map(\.visibleSafe).joined(separator: ", ")
            let more = campaign.notApplied.count > 10 ? " and \(campaign.notApplied.count - 10) more" : ""
            warn("warning: \(campaign.notApplied.count) invited expert(s) never applied for the domain of \(campaign.bankSlug): \(shown)\(more); their screens were made (void one with assay screen void ID --reason … if that was a mistake)")
        }
        for skip in campaign.skipped.prefix(10) { warn("skipped \(skip.email.visibleSafe): \(skip.reason)") }
        if campaign.skipped.count > 10 { warn("skipped \(campaign.skipped.count - 10) more for the same reasons") }
        if campaign.duplicates > 0 { warn("\(campaign.duplicates) line(s) named an expert already named above; each expert is invited once") }
        if format.value == .json {
            try printJSON(campaign)
            return
        }
        let until = campaign.expiresAt.map { ", valid until \(ISO8601DateFormatter().string(from: $0))" } ?? ""
        print("invited \(campaign.invited) expert(s) to \(campaign.bankSlug) v\(campaign.bankVersion) (\(campaign.questions) questions each)\(until)")
        print("codes: \(campaign.codesFile.visibleSafe) (CSV, mode 0600: one code per candidate, for a mail merge; keep it private and delete it once sent)")
        if !campaign.skipped.isEmpty { print("skipped \(campaign.skipped.count) expert(s) with an open screen or inside the retake cooldown") }
    }
}
