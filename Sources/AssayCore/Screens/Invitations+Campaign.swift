import Banks
public import Foundation
import Postgres
import Psychometrics

extension Invitations {
    /// Who a campaign invites.
    public enum Selection: Sendable, Equatable {
        /// Experts with an application claiming `domain` in `status`, those who applied first
        /// first, at most `limit` (all when nil) of those who can be invited.
        case applicants(domain: String, status: ApplicationStatus, limit: Int?)
        /// The experts named in a file: one email or expert id per line; blank lines and lines
        /// starting with `#` are skipped.
        case file(String)
    }

    /// An expert a campaign did not invite, and why.
    public struct Skipped: Sendable, Codable {
        /// The expert.
        public var expertID: Int
        /// The expert's email.
        public var email: String
        /// Why: an open screen on the bank, or the bank's retake cooldown (with dates).
        public var reason: String
    }

    /// What a campaign did.
    public struct Campaign: Sendable, Codable {
        /// The bank.
        public var bankSlug: String
        /// The bank's version the screens use.
        public var bankVersion: Int
        /// Questions per screen (an adaptive screen's maximum).
        public var questions: Int
        /// How many experts were invited (one screen and one code each).
        public var invited: Int
        /// When the invitations expire.
        public var expiresAt: Date?
        /// The file holding the codes.
        public var codesFile: String
        /// Experts left out, with the reason.
        public var skipped: [Skipped]
        /// Emails of invited experts with no application claiming the bank's domain.
        public var notApplied: [String]
        /// Lines of the experts file that named an expert already named above.
        public var duplicates: Int
    }

    /// One expert to invite, as resolved.
    private struct Target {
        var id: Int
        var email: String
        var name: String
        var application: Int?
    }

    /// Invites a whole campaign to one bank in one transaction and writes each candidate's code,
    /// email, name and expiry to `codesFile` (CSV, created 0600 through ``OutputFile``, named only
    /// once the invitations are committed): for a mail merge, never printed.
    ///
    /// Each invitation is what ``invite(expert:bank:expiresInDays:actor:drawSeed:)`` makes (a
    /// screen with its own draw and code, the application moved to `invited`, a `screen.invite`
    /// event), written set-based: a statement per table, not per expert. Experts with an open
    /// screen on the bank or inside its retake cooldown are skipped and reported; an expert named
    /// twice in the file is invited once. Nothing is written when anything fails.
    ///
    /// - Parameters:
    ///   - selection: who.
    ///   - slug: the bank.
    ///   - days: how long the invitations stay valid (``validity``).
    ///   - actor: who invites.
    ///   - codesFile: where the codes go (field `codesFile`).
    ///   - drawSeed: seeds every draw (for tests); random unless given.
    /// - Returns: what was done.
    /// - Throws: ``AssayError``: a validity outside ``validity`` (field `expiresInDays`); an unknown
    ///   bank or domain; a limit below 1 (field `limit`); an experts file that cannot be read, or a
    ///   line that names nobody (file and line); a codes file that cannot be written (field
    ///   `codesFile`); ``PostgresError``.
    public func invite(_ selection: Selection, bank slug: String, expiresInDays days: Double, actor: String, codesFile: String,
                       drawSeed: UInt64? = nil) throws -> Campaign {
        guard days >= Self.validity.lowerBound - 1e-9, days <= Self.validity.upperBound else {
            throw AssayError(.badInput, "must be between 1 hour and 365 days", field: "expiresInDays")
        }
        var references: [(line: Int, reference: ExpertReference)] = []
        var inputs: [String] = []
        switch selection {
        case .applicants(_, _, let limit):
            if let limit, limit < 1 { throw AssayError(.badInput, "must be at least 1", field: "limit") }
        case .file(let path):
            references = try Self.readExperts(path)
            inputs = [path]
        }
        let file = try OutputFile(path: codesFile, inputs: inputs, personalData: true, field: "codesFile")
        do {
            let campaign = try connection.withTransaction { tx in
                try inviteAll(selection, references: references, bank: slug, days: days, actor: actor, file: file, drawSeed: drawSeed, tx)
            }
            do {
                try file.commit()
            } catch let error as AssayError {
                var error = error
                error.message = "the \(campaign.invited) invitations were made, but their codes could not be saved: \(error.message)"
                error.hint = "void the campaign's screens (assay screen list --bank \(slug)) and invite again"
                throw error
            }
            return campaign
        } catch {
            file.discard()
            throw error
        }
    }

    /// The experts file's references, with their line numbers.
    private static func readExperts(_ path: String) throws -> [(line: Int, reference: ExpertReference)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AssayError(.badInput, "cannot read the experts file", file: path.visibleSafe, hint: "name a file with one email or expert id per line")
        }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            throw AssayError(.badInput, "the experts file is not UTF-8 text", file: path.visibleSafe, hint: "save it as UTF-8, one email or expert id per line")
        }
        var references: [(line: Int, reference: ExpertReference)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let entry = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            guard !entry.contains(where: { $0 == "," || $0 == ";" || $0.isWhitespace }) else {
                throw AssayError(.badInput, "'\(entry.visibleSafe)' is not one email or expert id", file: path.visibleSafe, line: index + 1,
                                 hint: "put one email or expert id on each line, nothing else")
            }
            references.append((index + 1, ExpertReference(entry)))
        }
        guard !references.isEmpty else {
            throw AssayError(.badInput, "the experts file names nobody", file: path.visibleSafe, hint: "put one email or expert id on each line")
        }
        return references
    }

    private func inviteAll(_ selection: Selection, references: [(line: Int, reference: ExpertReference)], bank slug: String, days: Double,
                           actor: String, file: OutputFile, drawSeed: UInt64?, _ tx: Connection) throws -> Campaign {
        let bankRows = try tx.query("SELECT id, version, domain, settings FROM banks WHERE slug = $1 AND is_current", [slug])
        guard let bankRow = bankRows.first else {
            throw AssayError(.notFound, "no bank '\(slug)'; assay bank list shows the banks (load them with assay bank sync)")
        }
        let bankID: Int = try bankRow.decode("id")
        let bankDomain: String = try bankRow.decode("domain")
        let settings = try bankRow.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        // Invitations and screens of this bank that time has ended, before deciding who has an open one.
        try ScreenSweeper.closeOverdue(expertID: nil, bank: slug, tx)

        // Who, in order, with an open screen or a cooldown that stands in the way.
        var ids: [Int] = []
        var lines: [Int: Int] = [:]
        var duplicates = 0
        switch selection {
        case .applicants(let domain, let status, _):
            guard try tx.query("SELECT 1 FROM domains WHERE slug = $1", [domain]).first != nil else {
                throw AssayError(.notFound, "no domain '\(domain)'; assay bank list shows the domains of the loaded banks", field: "domain")
            }
            ids = try tx.query("""
                SELECT a.expert_id FROM applications a WHERE $1 = ANY (a.domains) AND a.status = $2
                GROUP BY a.expert_id ORDER BY min(a.applied_at), a.expert_id
                """, [domain, status.rawValue]).map { try $0.decode("expert_id") }
        case .file(let path):
            let resolved = try tx.query("""
                SELECT t.n, e.id FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(id, email, n)
                LEFT JOIN experts e ON e.id = t.id OR e.email = lower(t.email)
                ORDER BY t.n
                """, [references.map { entry -> Int? in if case .id(let id) = entry.reference { return id }; return nil },
                      references.map { entry -> String? in if case .email(let email) = entry.reference { return email }; return nil }])
            var seen = Set<Int>()
            for row in resolved {
                let index = try row.decode("n", as: Int.self) - 1
                guard let id = try row.decode("id", as: Int?.self) else {
                    let (line, reference) = references[index]
                    throw AssayError(.badInput, "\(reference.notFound.message)", file: path.visibleSafe, line: line,
                                     hint: "correct or remove the line; nothing was invited")
                }
                if seen.insert(id).inserted {
                    ids.append(id)
                    lines[id] = references[index].line
                } else {
                    duplicates += 1
                }
            }
        }
        let iso = ISO8601DateFormatter()
        let rows = try tx.query("""
            WITH t AS (SELECT id, n FROM unnest($1::bigint[]) WITH ORDINALITY AS t(id, n)),
            open AS (
                SELECT DISTINCT ON (s.expert_id) s.expert_id, s.id, s.status, coalesce(s.deadline, s.invite_expires_at) AS closes
                FROM screens s JOIN t ON t.id = s.expert_id WHERE s.bank_slug = $2 AND s.status = ANY ($3)
                ORDER BY s.expert_id, s.id),
            cooldown AS (
                SELECT s.expert_id, max(coalesce(s.submitted_at, s.scored_at)) + make_interval(days => $4::int) AS until
                FROM screens s JOIN t ON t.id = s.expert_id WHERE $4::int > 0 AND s.bank_slug = $2 AND s.status = ANY ($5)
                GROUP BY s.expert_id HAVING max(coalesce(s.submitted_at, s.scored_at)) + make_interval(days => $4::int) > now()),
            application AS (
                SELECT DISTINCT ON (a.expert_id) a.expert_id, a.id FROM applications a JOIN t ON t.id = a.expert_id
                WHERE $6 = ANY (a.domains) ORDER BY a.expert_id, a.applied_at DESC, a.id DESC)
            SELECT t.id, e.email, e.full_name, application.id AS application_id,
                   open.id AS open_screen, open.status AS open_status, open.closes, cooldown.until
            FROM t JOIN experts e ON e.id = t.id
            LEFT JOIN open ON open.expert_id = t.id LEFT JOIN cooldown ON cooldown.expert_id = t.id
            LEFT JOIN application ON application.expert_id = t.id
            ORDER BY t.n
            """, [ids, slug, ScreenStatus.openValues, settings.retakeCooldownDays, ScreenStatus.submittedValues, bankDomain])
        var limit = Int.max
        if case .applicants(_, _, let most?) = selection { limit = most }
        var targets: [Target] = []
        var skipped: [Skipped] = []
        for row in rows where targets.count < limit {
            let id: Int = try row.decode("id")
            let email: String = try row.decode("email")
            if let screen = try row.decode("open_screen", as: Int?.self) {
                let closes: Date = try row.decode("closes")
                skipped.append(Skipped(expertID: id, email: email, reason: "already has an open screen on \(slug) (screen \(screen), \(try row.decode("open_status", as: String.self))) until \(iso.string(from: closes)) at the latest"))
            } else if let until = try row.decode("until", as: Date?.self) {
                skipped.append(Skipped(expertID: id, email: email, reason: "took \(slug) less than \(settings.retakeCooldownDays) days ago; the retake cooldown ends \(iso.string(from: until))"))
            } else {
                targets.append(Target(id: id, email: email, name: try row.decode("full_name"), application: try row.decode("application_id")))
            }
        }
        let version: Int = try bankRow.decode("version")
        guard !targets.isEmpty else {
            let why: String
            switch selection {
            case .applicants(let domain, let status, _) where rows.isEmpty:
                why = "no expert has an application in \(domain) with status \(status.rawValue)"
            default:
                why = "all \(skipped.count) experts selected have an open screen on \(slug) or are inside its retake cooldown (first: \(skipped.first.map { "\($0.email.visibleSafe) \($0.reason)" } ?? "-"))"
            }
            throw AssayError(.badInput, "nobody was invited: \(why); no codes file was written")
        }

        // The draws, codes and seeds, made here as the single invitation makes them.
        let items = try tx.query("""
            SELECT i.id, i.content FROM bank_items bi JOIN items i ON i.id = bi.item_id
            WHERE bi.bank_id = $1 ORDER BY bi.position
            """, [bankID]).map { (id: try $0.decode("id", as: Int.self), item: try $0.decode("content", as: PostgresJSON.self).decode(Item.self)) }
        let shapes = items.map { (topic: $0.item.topic, choiceCount: AnswerMapping.choiceCount($0.item), isOrdering: AnswerMapping.alwaysShuffled($0.item)) }
        var system = SystemRandomNumberGenerator()
        var seeded = SplitMix64(seed: drawSeed ?? 0)
        var codes: [String] = [], normalized: [String] = [], seeds: [Int] = []
        var draws: [[ScreenDraw.Entry]] = []
        for _ in targets {
            let seed = (drawSeed == nil ? system.next() : seeded.next()) >> 1
            let code = InviteCode.generate()
            guard let plain = InviteCode.normalize(code) else { throw AssayError(.database, "internal error: a generated invite code does not normalize") }
            codes.append(code)
            normalized.append(plain)
            seeds.append(Int(seed))
            draws.append(settings.isAdaptive ? [] : ScreenDraw.draw(items: shapes, count: settings.itemsPerScreen, shuffleOptions: settings.shuffleOptions, seed: seed))
        }
        let calibration: Int? = try tx.query("SELECT max(id) AS id FROM calibrations WHERE bank_slug = $1", [slug]).one().decode("id")
        let inserted = try tx.query("""
            INSERT INTO screens (expert_id, application_id, bank_id, bank_slug, invite_hash, seed, time_limit_minutes, invited_by, invite_expires_at,
                                 adaptive, calibration_id)
            SELECT t.expert_id, t.application_id, $1, $2, encode(sha256(convert_to(t.code, 'UTF8')), 'hex'), t.seed, $3, $4,
                   now() + make_interval(secs => $5), $6, $7
            FROM unnest($8::bigint[], $9::bigint[], $10::text[], $11::bigint[]) WITH ORDINALITY AS t(expert_id, application_id, code, seed, n)
            ORDER BY t.n
            ON CONFLICT DO NOTHING
            RETURNING id, expert_id, invite_expires_at
            """, [bankID, slug, settings.timeLimitMinutes, actor, days * 86_400, settings.isAdaptive, calibration,
                  targets.map(\.id), targets.map(\.application), normalized, seeds])
        var screens: [Int: (id: Int, expires: Date)] = [:]
        for row in inserted { screens[try row.decode("expert_id")] = (try row.decode("id"), try row.decode("invite_expires_at")) }
        guard screens.count == targets.count else {
            // Another invitation for one of these experts was committed meanwhile (the one-open-screen index).
            throw AssayError(.badInput, "\(targets.count - screens.count) of the experts were invited to \(slug) by someone else while this campaign ran; nothing was invited",
                             hint: "run the same command again: it skips experts who have an open screen")
        }

        // Every drawn item of every screen, in one statement; each choice order is a slice of one array.
        var itemScreens: [Int] = [], positions: [Int32] = [], itemIDs: [Int] = [], firsts: [Int32] = [], lengths: [Int32] = [], points: [Double] = []
        var orders: [Int] = []
        for (target, draw) in zip(targets, draws) {
            guard let screen = screens[target.id] else { continue }
            for (position, entry) in draw.enumerated() {
                let (itemID, item) = items[entry.itemIndex]
                itemScreens.append(screen.id)
                positions.append(Int32(position + 1))
                itemIDs.append(itemID)
                points.append(item.points)
                firsts.append(Int32(orders.count + 1))
                lengths.append(Int32(entry.choiceOrder?.count ?? -1))
                orders += entry.choiceOrder ?? []
            }
        }
        if !itemScreens.isEmpty {
            try tx.execute("""
                INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points)
                SELECT t.screen_id, t.position, t.item_id,
                       CASE WHEN t.length < 0 THEN NULL ELSE ($7::int[])[t.first:t.first + t.length - 1] END, t.points
                FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::int[], $5::int[], $6::float8[]) AS t(screen_id, position, item_id, first, length, points)
                """, [itemScreens, positions, itemIDs, firsts, lengths, points, orders])
        }
        let applications = targets.compactMap(\.application)
        if !applications.isEmpty {
            try tx.execute("UPDATE applications SET status = $2, updated_at = now() WHERE id = ANY ($1) AND status = ANY ($3)",
                           [applications, ApplicationStatus.invited.rawValue, ApplicationStatus.invited.allowedPredecessorValues])
        }
        try AuditTrail(tx).record(try zip(targets, zip(seeds, draws)).compactMap { target, seedAndDraw in
            let (seed, draw) = seedAndDraw
            guard let screen = screens[target.id] else { return nil }
            return try AuditTrail.Entry(.screenInvite, subject: .screen(screen.id),
                                        details: ["bank": slug, "expert_id": String(target.id), "questions": String(settings.adaptive?.maxItems ?? draw.count),
                                                  "seed": String(seed), "mode": settings.isAdaptive ? "adaptive" : "fixed"])
        }, actor: actor)

        // The codes file, on disk before the transaction commits; it gets its name after.
        var sheet: [(code: String, target: Target, screen: Int, expires: Date)] = []
        for (target, code) in zip(targets, codes) {
            guard let screen = screens[target.id] else { continue }
            sheet.append((code, target, screen.id, screen.expires))
        }
        try writeCodes(sheet, to: file)
        return Campaign(bankSlug: slug, bankVersion: version, questions: settings.adaptive?.maxItems ?? draws.first?.count ?? 0, invited: sheet.count, expiresAt: sheet.first?.expires,
                        codesFile: file.path, skipped: skipped, notApplied: targets.filter { $0.application == nil }.map(\.email),
                        duplicates: duplicates)
    }

    /// Writes the codes sheet (CSV with a header; names and emails neutralised against
    /// spreadsheet formulas) and flushes it to disk.
    private func writeCodes(_ sheet: [(code: String, target: Target, screen: Int, expires: Date)], to file: OutputFile) throws {
        let iso = ISO8601DateFormatter()
        try file.write("code,email,name,expires_at,screen_id\n")
        for row in sheet {
            try file.write("\(row.code),\(CSVText.field(row.target.email)),\(CSVText.field(row.target.name)),\(iso.string(from: row.expires)),\(row.screen)\n")
        }
        try file.synchronize()
    }
}
