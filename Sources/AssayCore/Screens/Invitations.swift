import Banks
public import Foundation
public import Postgres

/// Invitations: staff invite an expert to a screen on a bank; the candidate gets a single-use
/// code (only its SHA-256 is stored).
///
/// Uses one connection; not `Sendable`.
public struct Invitations {
    /// The connection used.
    public let connection: Connection

    /// Invitations over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// What ``invite(expert:bank:expiresInDays:actor:drawSeed:)`` made.
    public struct Invitation: Sendable, Codable {
        /// The screen created.
        public var screenID: Int
        /// The code to give the candidate; shown once, never stored.
        public var code: String
        /// When the unused invitation expires.
        public var expiresAt: Date
        /// The bank.
        public var bankSlug: String
        /// The bank's version the screen uses.
        public var bankVersion: Int
        /// Questions in the screen (an adaptive screen's maximum).
        public var questions: Int
        /// Whether the expert has an application claiming the bank's domain (a screen in a
        /// domain the expert never applied for is allowed, and worth a warning).
        public var appliedForDomain: Bool
    }

    /// The longest and shortest validity an invitation may have, in days.
    public static let validity: ClosedRange<Double> = (1.0 / 24)...365

    /// Creates a screen for an expert on the current version of a bank, draws its items, and
    /// returns a single-use invite code. The expert's application for the bank's domain (the
    /// latest) moves to `invited`.
    ///
    /// - Parameters:
    ///   - expert: the expert's email or id.
    ///   - slug: the bank.
    ///   - days: how long the invitation stays valid (``validity``).
    ///   - actor: who invites.
    ///   - drawSeed: the draw's seed; random unless given (the demo and tests give one so that
    ///     their runs repeat).
    /// - Throws: ``AssayError``: a validity outside ``validity`` (field `expiresInDays`); unknown
    ///   expert or bank; an open screen on that bank (with the date it closes); inside the bank's
    ///   retake cooldown (with the date it ends).
    public func invite(expert: String, bank slug: String, expiresInDays days: Double, actor: String, drawSeed: UInt64? = nil) throws -> Invitation {
        guard days >= Self.validity.lowerBound - 1e-9, days <= Self.validity.upperBound else {
            throw AssayError(.badInput, "must be between 1 hour and 365 days", field: "expiresInDays")
        }
        return try connection.withTransaction { tx in
            let expertID = try ExpertReference(expert).resolve(on: tx)
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [expertID])
            let bankRows = try tx.query("SELECT id, version, domain, settings FROM banks WHERE slug = $1 AND is_current", [slug])
            guard let bankRow = bankRows.first else {
                throw AssayError(.notFound, "no bank '\(slug)'; assay bank list shows the banks (load them with assay bank sync)")
            }
            let bankID: Int = try bankRow.decode("id")
            let settings = try bankRow.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
            let iso = ISO8601DateFormatter()
            try ScreenSweeper.closeOverdue(expertID: expertID, bank: slug, tx)
            let open = try tx.query("""
                SELECT id, status, coalesce(deadline, invite_expires_at) AS closes FROM screens
                WHERE expert_id = $1 AND bank_slug = $2 AND status = ANY ($3)
                """, [expertID, slug, ScreenStatus.openValues])
            if let row = open.first {
                let closes: Date = try row.decode("closes")
                throw AssayError(.badInput, "expert \(expertID) already has an open screen on \(slug) (screen \(try row.decode("id", as: Int.self)), \(try row.decode("status", as: String.self))); a new invitation is possible once it ends, at the latest \(iso.string(from: closes)), or after assay screen void")
            }
            if settings.retakeCooldownDays > 0 {
                let last = try tx.query("""
                    SELECT max(coalesce(submitted_at, scored_at)) + make_interval(days => $3::int) AS until
                    FROM screens WHERE expert_id = $1 AND bank_slug = $2 AND status = ANY ($4)
                    HAVING max(coalesce(submitted_at, scored_at)) + make_interval(days => $3::int) > now()
                    """, [expertID, slug, settings.retakeCooldownDays, ScreenStatus.submittedValues])
                if let row = last.first {
                    let until: Date = try row.decode("until")
                    throw AssayError(.badInput, "expert \(expertID) took \(slug) less than \(settings.retakeCooldownDays) days ago; the retake cooldown ends \(iso.string(from: until))")
                }
            }
            // The draw.
            let items = try tx.query("""
                SELECT i.id, i.content FROM bank_items bi JOIN items i ON i.id = bi.item_id
                WHERE bi.bank_id = $1 ORDER BY bi.position
                """, [bankID]).map { (id: try $0.decode("id", as: Int.self), item: try $0.decode("content", as: PostgresJSON.self).decode(Item.self)) }
            var generator = SystemRandomNumberGenerator()
            let seed = (drawSeed ?? generator.next()) >> 1
            // Adaptive screens choose each item when it is asked for (see CandidateSession+Adaptive).
            let draw = settings.isAdaptive ? [] : ScreenDraw.draw(
                items: items.map { (topic: $0.item.topic, choiceCount: AnswerMapping.choiceCount($0.item), isOrdering: AnswerMapping.alwaysShuffled($0.item)) },
                count: settings.itemsPerScreen, shuffleOptions: settings.shuffleOptions, seed: seed)
            let code = InviteCode.generate()
            guard let normalized = InviteCode.normalize(code) else { throw AssayError(.database, "internal error: a generated invite code does not normalize") }
            let application: Int? = try tx.query("""
                SELECT a.id FROM applications a JOIN banks b ON b.id = $2
                WHERE a.expert_id = $1 AND b.domain = ANY (a.domains) ORDER BY a.applied_at DESC, a.id DESC LIMIT 1
                """, [expertID, bankID]).first?.decode("id")
            // The bank's latest calibration supplies item parameters wherever it estimated them.
            let calibration: Int? = try tx.query("SELECT max(id) AS id FROM calibrations WHERE bank_slug = $1", [slug]).one().decode("id")
            let screen = try tx.query("""
                INSERT INTO screens (expert_id, application_id, bank_id, bank_slug, invite_hash, seed, time_limit_minutes, invited_by, invite_expires_at,
                                     adaptive, calibration_id)
                VALUES ($1, $2, $3, $4, encode(sha256(convert_to($5, 'UTF8')), 'hex'), $6, $7, $8, now() + make_interval(secs => $9), $10, $11)
                RETURNING id, invite_expires_at
                """, [expertID, application, bankID, slug, normalized, Int(seed), settings.timeLimitMinutes, actor, days * 86_400,
                      settings.isAdaptive, calibration]).one()
            let screenID: Int = try screen.decode("id")
            for (position, entry) in draw.enumerated() {
                let (itemID, item) = items[entry.itemIndex]
                try tx.execute("""
                    INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points) VALUES ($1, $2, $3, $4::int[], $5)
                    """, [screenID, position + 1, itemID, entry.choiceOrder, item.points])
            }
            if let application {
                try tx.execute("UPDATE applications SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY ($3)",
                               [application, ApplicationStatus.invited.rawValue, ApplicationStatus.invited.allowedPredecessorValues])
            }
            let questions = settings.adaptive?.maxItems ?? draw.count
            try AuditTrail(tx).record(.screenInvite, actor: actor, subject: .screen(screenID),
                                      details: ["bank": .string(slug), "expert_id": .number(Double(expertID)), "questions": .number(Double(questions)),
                                                // A 64-bit seed stays text: JSON numbers are exact only to 2^53.
                                                "seed": .string(String(seed)), "mode": .string(settings.isAdaptive ? "adaptive" : "fixed")] as [String: JSONValue])
            let version: Int = try bankRow.decode("version")
            return Invitation(screenID: screenID, code: code, expiresAt: try screen.decode("invite_expires_at"), bankSlug: slug, bankVersion: version,
                              questions: questions, appliedForDomain: application != nil)
        }
    }
}
