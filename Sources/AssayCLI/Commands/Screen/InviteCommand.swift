import ArgumentParser
import AssayCore
import Foundation

/// `assay screen invite EXPERT --bank SLUG`: a screen and its single-use invite code.
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Create a screen for an expert and print its single-use invite code.",
        discussion: """
            Example:
              assay screen invite ana@example.org --bank medicine-core --expires 3d
            """)
    @Argument(help: "The expert's email or id.") var expert: String
    @Option(help: "The bank's slug.") var bank: String
    @Option(help: "How long the code stays valid: 7d, 36h, 90m.") var expires = Period(days: 7, text: "7d")
    @Option(help: "Who invites, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    /// The draw's seed: the same seed draws the same items in the same order (a fixed screen)
    /// or makes the same randomesque choices (an adaptive one), so that tests repeat exactly.
    @Option(help: ArgumentHelp("Seed of the draw, for reproducible tests (default: random).", visibility: .hidden))
    var seed: UInt64?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["bank": "--bank", "expiresInDays": "--expires", "drawSeed": "--seed", "actor": "--actor"]

    func validate() throws {
        guard expires.days >= 1.0 / 24 - 1e-9, expires.days <= 365 else {
            throw ValidationError("--expires must be between 1 hour and 365 days, is \(expires.text)")
        }
    }

    func run() throws {
        let invitation = try namingFlags(Self.flags) {
            try Invitations(connection: try database.migratedConnection())
                .invite(expert: expert, bank: bank, expiresInDays: expires.days, actor: actor ?? ActorName.current, drawSeed: seed)
        }
        if format.value == .json {
            try printJSON(invitation)
        } else {
            print("screen \(invitation.screenID): \(invitation.questions) questions from \(invitation.bankSlug) v\(invitation.bankVersion)")
            print("invite code (give it to the candidate; it is shown only now): \(invitation.code)")
            print("valid until \(ISO8601DateFormatter().string(from: invitation.expiresAt)); the candidate runs: assay screen take \(invitation.code)")
        }
    }
}
