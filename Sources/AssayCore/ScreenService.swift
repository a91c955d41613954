public import Banks
public import Foundation
public import Postgres
import Psychometrics

/// Screens: staff invite, list, show, void and extend them, and grade essays; candidates take
/// them through ``CandidateScreenService``, which this type implements over the database.
///
/// Uses one connection; not `Sendable`.
public final class ScreenService: CandidateScreenService {
    /// The connection used.
    public let connection: Connection

    /// A service over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    // MARK: Invitations

    /// What ``invite(expert:bank:expiresInDays:actor:)`` made.
    public struct Invitation: Sendable, Codable {
        public var screenID: Int
        /// The code to give the candidate; shown once, never stored.
        public var code: String
        public var expiresAt: Date
        public var bankSlug: String
        public var bankVersion: Int
        public var questions: Int
    }

    /// Creates a screen for an expert on the current version of a bank, draws its items, and
    /// returns a single-use invite code. The expert's application for the bank's domain (the
    /// latest) moves to `invited`.
    ///
    /// - Throws: ``AssayError``: unknown expert or bank; an open screen on that bank (with the
    ///   date it closes); inside the bank's retake cooldown (with the date it ends).
    /// - Parameter drawSeed: the draw's seed; random unless given (the demo gives one so that
    ///   its runs repeat).
    public func invite(expert: String, bank slug: String, expiresInDays days: Double, actor: String, drawSeed: UInt64? = nil) throws -> Invitation {
        guard days >= 1.0 / 24 - 1e-9, days <= 365 else { throw AssayError(.badInput, "--expires must be between 1 hour and 365 days") }
        return try connection.withTransaction { tx in
            let expertID = try Self.expertID(expert, tx)
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [expertID])
            let bankRows = try tx.query("SELECT id, version, domain, settings FROM banks WHERE slug = $1 AND is_current", [slug])
            guard let bankRow = bankRows.first else {
                throw AssayError(.notFound, "no bank '\(slug)'; assay bank list shows the banks (load them with assay bank sync)")
            }
            let bankID: Int = try bankRow.decode("id")
            let settings = try bankRow.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
            let iso = ISO8601DateFormatter()
            try closeOverdue(expertID: expertID, bank: slug, tx)
            let open = try tx.query("""
                SELECT id, status, coalesce(deadline, invite_expires_at) AS closes FROM screens
                WHERE expert_id = $1 AND bank_slug = $2 AND status IN ('invited', 'in_progress')
                """, [expertID, slug])
            if let row = open.first {
                let closes: Date = try row.decode("closes")
                throw AssayError(.badInput, "expert \(expertID) already has an open screen on \(slug) (screen \(try row.decode("id", as: Int.self)), \(try row.decode("status", as: String.self))); a new invitation is possible once it ends, at the latest \(iso.string(from: closes)), or after assay screen void")
            }
            if settings.retakeCooldownDays > 0 {
                let last = try tx.query("""
                    SELECT max(coalesce(submitted_at, scored_at)) + make_interval(days => $3::int) AS until
                    FROM screens WHERE expert_id = $1 AND bank_slug = $2 AND status IN ('awaiting_review', 'scored')
                    HAVING max(coalesce(submitted_at, scored_at)) + make_interval(days => $3::int) > now()
                    """, [expertID, slug, settings.retakeCooldownDays])
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
            // Adaptive screens choose each item when it is asked for (see ScreenService+Adaptive).
            let draw = settings.isAdaptive ? [] : ScreenDraw.draw(
                items: items.map { (topic: $0.item.topic, choiceCount: Self.choiceCount($0.item), isOrdering: Self.alwaysShuffled($0.item)) },
                count: settings.itemsPerScreen, shuffleOptions: settings.shuffleOptions, seed: seed)
            let code = InviteCode.generate()
            guard let normalized = InviteCode.normalize(code) else { throw AssayError(.database, "internal error: a generated invite code does not normalize") }
            let application: Int? = try tx.query("""
                SELECT a.id FROM applications a JOIN banks b ON b.id = $2
                WHERE a.expert_id = $1 AND b.domain = ANY (a.domains) ORDER BY a.applied_at DESC, a.id DESC LIMIT 1
                """, [expertID, bankID]).first?.decode("id")
            // The bank's latest calibration supplies item parameters wherever it estimated them.
            let calibration: Int? = try tx.query("SELECT max(id) AS id FROM calibrations WHERE bank_slug = $1", [slug])[0].decode("id")
            let screen = try tx.query("""
                INSERT INTO screens (expert_id, application_id, bank_id, bank_slug, invite_hash, seed, time_limit_minutes, invited_by, invite_expires_at,
                                     adaptive, calibration_id)
                VALUES ($1, $2, $3, $4, encode(sha256(convert_to($5, 'UTF8')), 'hex'), $6, $7, $8, now() + make_interval(secs => $9), $10, $11)
                RETURNING id, invite_expires_at
                """, [expertID, application, bankID, slug, normalized, Int(seed), settings.timeLimitMinutes, actor, days * 86_400,
                      settings.isAdaptive, calibration])[0]
            let screenID: Int = try screen.decode("id")
            for (position, entry) in draw.enumerated() {
                let (itemID, item) = items[entry.itemIndex]
                try tx.execute("""
                    INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points) VALUES ($1, $2, $3, $4::int[], $5)
                    """, [screenID, position + 1, itemID, entry.choiceOrder.map { "{" + $0.map(String.init).joined(separator: ",") + "}" }, item.points])
            }
            if let application {
                try tx.execute("UPDATE applications SET status = 'invited', updated_at = now() WHERE id = $1 AND status IN ('received', 'invited', 'failed', 'passed', 'scored')", [application])
            }
            try Self.event(tx, actor: actor, action: "screen.invite", screen: screenID, details: ["bank": slug, "expert_id": String(expertID), "questions": String(settings.adaptive?.maxItems ?? draw.count),
                                    "seed": String(seed), "mode": settings.isAdaptive ? "adaptive" : "fixed"])
            let version: Int = try bankRow.decode("version")
            return Invitation(screenID: screenID, code: code, expiresAt: try screen.decode("invite_expires_at"), bankSlug: slug, bankVersion: version,
                              questions: settings.adaptive?.maxItems ?? draw.count)
        }
    }

    /// Marks invitations past their expiry as expired and closes (and scores) screens whose
    /// deadline has passed, so that no screen stays open for ever because its candidate did not
    /// come back. Run before invitations, listings, reviews and promotions.
    ///
    /// - Returns: how many screens it closed or expired.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public func closeOverdue() throws -> Int {
        try connection.withTransaction { tx in try closeOverdue(expertID: nil, bank: nil, tx) }
    }

    @discardableResult
    func closeOverdue(expertID: Int?, bank: String?, _ tx: Connection) throws -> Int {
        let expired = try tx.execute("""
            UPDATE screens SET status = 'expired'
            WHERE status = 'invited' AND invite_expires_at <= now()
              AND ($1::bigint IS NULL OR expert_id = $1) AND ($2::text IS NULL OR bank_slug = $2)
            """, [expertID, bank])
        let overdue = try tx.query("""
            SELECT id FROM screens WHERE status = 'in_progress' AND deadline < now()
              AND ($1::bigint IS NULL OR expert_id = $1) AND ($2::text IS NULL OR bank_slug = $2)
            ORDER BY id FOR UPDATE
            """, [expertID, bank]).map { try $0.decode("id", as: Int.self) }
        for id in overdue { try finalize(screenID: id, by: "deadline", tx) }
        return expired + overdue.count
    }

    static func expertID(_ key: String, _ connection: Connection) throws -> Int {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        let rows = Int(trimmed) != nil
            ? try connection.query("SELECT id FROM experts WHERE id = $1", [Int(trimmed)!])
            : try connection.query("SELECT id FROM experts WHERE email = lower($1)", [trimmed])
        guard let row = rows.first else { throw AssayError(.notFound, "no expert '\(trimmed)'; assay experts list shows who is there") }
        return try row.decode("id")
    }

    static func choiceCount(_ item: Item) -> Int {
        switch item.body {
        case .singleChoice(let options), .multipleResponse(let options, _): options.count
        case .ordering(let steps, _): steps.count
        case .matching(let pairs, let distractors, _): MatchingLayout(pairs: pairs, distractors: distractors).choices.count
        default: 0
        }
    }

    /// Items whose choices are shuffled whatever the bank says, never left in key order: the
    /// steps of an ordering item, the answers of a matching item (listed in key order they would
    /// give the key away).
    static func alwaysShuffled(_ item: Item) -> Bool { item.type == .ordering || item.type == .matching }

    static func event(_ tx: Connection, actor: String, action: String, screen: Int, reason: String? = nil, details: [String: String] = [:]) throws {
        try tx.execute("INSERT INTO events (actor, action, subject_type, subject_id, reason, details) VALUES ($1, $2, 'screen', $3, $4, $5)",
                       [actor, action, screen, reason, try PostgresJSON(encoding: details)])
    }

    // MARK: The candidate's side

    struct ScreenRow {
        var id: Int
        var status: String
        var title: String
        var description: String?
        var count: Int
        var minutes: Int
        var secondsLeft: Int?
        var pastDeadline: Bool
        var inviteExpired: Bool
        var settings: BankSettings
        /// Adaptive screens: their seed, bank version and calibration, rows so far and why they stopped.
        var adaptive: Bool
        var seed: UInt64
        var bankID: Int
        var calibrationID: Int?
        var shown: Int
        var stopReason: String?
    }

    func screen(code: String, _ tx: Connection, lock: Bool = false) throws -> ScreenRow {
        guard let normalized = InviteCode.normalize(code) else {
            throw AssayError(.notFound, "this is not a valid invite code (32 letters and digits, in groups of four); check it and try again")
        }
        let rows = try tx.query("""
            SELECT s.id, s.status, b.title, b.description, b.settings, s.time_limit_minutes + s.extra_minutes AS minutes,
                   s.adaptive, s.seed, s.bank_id, s.calibration_id, s.stop_reason,
                   (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS n,
                   greatest(0, ceil(extract(epoch FROM s.deadline - now())))::int AS seconds_left,
                   coalesce(now() > s.deadline, false) AS past_deadline,
                   now() > s.invite_expires_at AS invite_expired
            FROM screens s JOIN banks b ON b.id = s.bank_id
            WHERE s.invite_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
            \(lock ? "FOR UPDATE OF s" : "")
            """, [normalized])
        guard let row = rows.first else {
            throw AssayError(.notFound, "this invite code is not known; check it, or ask your recruiter for a new one")
        }
        let settings = try row.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        let adaptive: Bool = try row.decode("adaptive")
        let shown: Int = try row.decode("n")
        let stopReason: String? = try row.decode("stop_reason")
        // An adaptive screen has its maximum length until it stops, then the length it reached.
        let count = adaptive && stopReason == nil ? (settings.adaptive?.maxItems ?? shown) : shown
        return ScreenRow(
            id: try row.decode("id"), status: try row.decode("status"), title: try row.decode("title"), description: try row.decode("description"),
            count: count, minutes: try row.decode("minutes"), secondsLeft: try row.decode("seconds_left"),
            pastDeadline: try row.decode("past_deadline"), inviteExpired: try row.decode("invite_expired"),
            settings: settings, adaptive: adaptive, seed: UInt64(bitPattern: Int64(try row.decode("seed", as: Int.self))), bankID: try row.decode("bank_id"),
            calibrationID: try row.decode("calibration_id"), shown: shown, stopReason: stopReason)
    }

    /// Refuses codes that can no longer be used. (Stale invitations are marked expired by
    /// ``closeOverdue()``, not here: a write followed by a throw would be rolled back.)
    private func usable(_ row: ScreenRow, _ tx: Connection) throws -> ScreenRow {
        switch row.status {
        case "invited" where row.inviteExpired:
            throw AssayError(.badInput, "this invitation has expired; ask your recruiter for a new one")
        case "invited", "in_progress":
            return row
        case "voided":
            throw AssayError(.badInput, "this screen was cancelled; ask your recruiter")
        case "expired":
            throw AssayError(.badInput, "this invitation has expired; ask your recruiter for a new one")
        default:
            throw AssayError(.badInput, "this screen is finished and the code can no longer be used; thank you")
        }
    }

    private func answeredPositions(_ id: Int, _ tx: Connection) throws -> [Int] {
        try tx.query("SELECT position FROM screen_items WHERE screen_id = $1 AND answered_at IS NOT NULL ORDER BY position", [id]).map { try $0.decode("position") }
    }

    public func overview(code: String) throws -> ScreenOverview {
        let row = try connection.withTransaction { tx -> ScreenRow in
            var row = try screen(code: code, tx)
            if row.status == "in_progress", row.pastDeadline {
                try finalize(screenID: row.id, by: "deadline", tx)
                row.status = "closed"
                return row
            }
            return try usable(row, tx)
        }
        return ScreenOverview(
            title: row.title, description: row.description, questionCount: row.count, timeLimitMinutes: row.minutes,
            state: row.status == "invited" ? .notStarted : row.status == "in_progress" ? .inProgress : .closed,
            secondsLeft: row.status == "in_progress" ? row.secondsLeft : nil, answered: try answeredPositions(row.id, connection), adaptive: row.adaptive)
    }

    public func begin(code: String) throws -> ScreenOverview {
        try connection.withTransaction { tx in
            let row = try usable(try screen(code: code, tx, lock: true), tx)
            if row.status == "invited" {
                try tx.execute("""
                    UPDATE screens SET status = 'in_progress', started_at = now(),
                        deadline = now() + make_interval(mins => time_limit_minutes + extra_minutes)
                    WHERE id = $1
                    """, [row.id])
                try tx.execute("UPDATE applications SET status = 'screening', updated_at = now() FROM screens s WHERE s.id = $1 AND applications.id = s.application_id AND applications.status = 'invited'", [row.id])
                try Self.event(tx, actor: "candidate", action: "screen.begin", screen: row.id)
            }
        }
        return try overview(code: code)
    }

    public func question(code: String, position: Int) throws -> CandidateQuestion {
        try connection.withTransaction { tx in
            let row = try usable(try screen(code: code, tx, lock: true), tx)
            guard row.status == "in_progress" else { throw AssayError(.badInput, "the screen has not begun") }
            if row.pastDeadline {
                // Time ran out between two questions: close and score now, and tell the prompt
                // with a question that has no time left (throwing would roll the closing back).
                try finalize(screenID: row.id, by: "deadline", tx)
                return CandidateQuestion(position: position, total: row.count, kind: .shortText, prompt: "", choices: [], unit: nil,
                                         maxWords: nil, secondsLeft: 0, answered: false)
            }
            if row.adaptive, position > row.shown {
                try chooseNextItem(row, position: position, tx)
            }
            let rows = try tx.query("""
                UPDATE screen_items SET first_shown_at = coalesce(first_shown_at, now())
                WHERE screen_id = $1 AND position = $2
                RETURNING (SELECT content FROM items WHERE items.id = screen_items.item_id) AS content,
                          choice_order::text AS choice_order, answered_at IS NOT NULL AS answered
                """, [row.id, position])
            guard let item = rows.first else { throw AssayError(.badInput, "there is no question \(position); the screen has \(row.count)") }
            let content = try item.decode("content", as: PostgresJSON.self).decode(Item.self)
            let order = try Self.intArray(try item.decode("choice_order", as: String?.self))
            return Self.view(content, position: position, total: row.count, order: order, secondsLeft: row.secondsLeft ?? 0, answered: try item.decode("answered"))
        }
    }

    /// The candidate's view of an item: no key, no explanation, no rubric.
    static func view(_ item: Item, position: Int, total: Int, order: [Int]?, secondsLeft: Int, answered: Bool) -> CandidateQuestion {
        func shown(_ texts: [String]) -> [String] { (order ?? Array(texts.indices)).map { texts[$0] } }
        var question = CandidateQuestion(position: position, total: total, kind: .essay, prompt: item.prompt, choices: [], unit: nil,
                                         maxWords: nil, secondsLeft: secondsLeft, answered: answered)
        switch item.body {
        case .singleChoice(let options):
            question.kind = .singleChoice
            question.choices = shown(options.map(\.text))
        case .multipleResponse(let options, _):
            question.kind = .multipleResponse
            question.choices = shown(options.map(\.text))
        case .trueFalse:
            question.kind = .trueFalse
        case .numeric(let key):
            question.kind = .numeric
            question.unit = key.unit
        case .shortText:
            question.kind = .shortText
        case .ordering(let steps, _):
            question.kind = .ordering
            question.choices = shown(steps)
        case .essay(_, let maxWords):
            question.kind = .essay
            question.maxWords = maxWords
        case .matching(let pairs, let distractors, _):
            question.kind = .matching
            question.choices = shown(MatchingLayout(pairs: pairs, distractors: distractors).choices)
            question.matchPrompts = pairs.map(\.prompt)
        }
        return question
    }

    static func intArray(_ text: String?) throws -> [Int]? {
        guard let text else { return nil }
        let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map {
            guard let value = Int($0) else { throw AssayError(.database, "malformed choice order \(text)") }
            return value
        }
    }

    /// An answer in the item's original indices, as stored.
    enum StoredAnswer: Codable, Equatable {
        case choice(Int), choices([Int]), boolean(Bool), number(Double), text(String), order([Int]), matches([Int])
    }

    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        try connection.withTransaction { tx in
            let row = try usable(try screen(code: code, tx, lock: true), tx)
            guard row.status == "in_progress" else { throw AssayError(.badInput, "the screen has not begun") }
            if row.pastDeadline {
                try finalize(screenID: row.id, by: "deadline", tx)
                return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
            }
            let itemRow = try tx.query("""
                SELECT si.choice_order::text AS choice_order, i.content, si.answered_at IS NOT NULL AS answered FROM screen_items si JOIN items i ON i.id = si.item_id
                WHERE si.screen_id = $1 AND si.position = $2
                """, [row.id, position])
            guard let itemData = itemRow.first else { throw AssayError(.badInput, "there is no question \(position)") }
            if row.adaptive, try itemData.decode("answered", as: Bool.self) {
                throw AssayError(.badInput, "question \(position) is already answered; in an adaptive screen an answer cannot be changed, because the next questions were chosen from it")
            }
            let item = try itemData.decode("content", as: PostgresJSON.self).decode(Item.self)
            let order = try Self.intArray(try itemData.decode("choice_order", as: String?.self))
            let stored = try Self.stored(answer, item: item, order: order)
            let updated = try tx.execute("""
                UPDATE screen_items SET answer = $3, answer_text = $4, answered_at = now(),
                    seconds_taken = extract(epoch FROM now() - coalesce(first_shown_at, now()))
                WHERE screen_id = $1 AND position = $2
                """, [row.id, position, try PostgresJSON(encoding: stored), typed])
            var complete = false
            if row.adaptive {
                complete = try recordEstimate(row, position: position, item: item, answer: stored, tx)
            }
            return AnswerReceipt(saved: updated == 1, secondsLeft: row.secondsLeft ?? 0, closed: false, complete: complete)
        }
    }

    /// Maps shown positions back to the item's original indices and checks the answer fits.
    static func stored(_ answer: CandidateAnswer, item: Item, order: [Int]?) throws -> StoredAnswer {
        let count = choiceCount(item)
        func original(_ shown: Int) throws -> Int {
            guard shown >= 0, shown < count else { throw AssayError(.badInput, "there is no option \(shown + 1)") }
            return order?[shown] ?? shown
        }
        switch (item.body, answer) {
        case (.singleChoice, .choice(let shown)):
            return .choice(try original(shown))
        case (.multipleResponse, .choices(let shown)):
            guard !shown.isEmpty else { throw AssayError(.badInput, "select at least one option") }
            return .choices(try shown.map(original).sorted())
        case (.trueFalse, .boolean(let value)):
            return .boolean(value)
        case (.numeric, .number(let value)):
            guard value.isFinite else { throw AssayError(.badInput, "the number must be finite") }
            return .number(value)
        case (.shortText, .text(let value)), (.essay, .text(let value)):
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AssayError(.badInput, "the answer is empty") }
            return .text(value)
        case (.ordering, .order(let shown)):
            guard shown.count == count, Set(shown).count == count else { throw AssayError(.badInput, "give every step exactly once") }
            return .order(try shown.map(original))
        case (.matching(let pairs, _, _), .matches(let shown)):
            guard shown.count == pairs.count else { throw AssayError(.badInput, "give one answer for each of the \(pairs.count) prompts") }
            return .matches(try shown.map(original))
        default:
            throw AssayError(.badInput, "this kind of answer does not fit a \(item.type.rawValue) question")
        }
    }

    public func submit(code: String) throws -> ScreenCompletion {
        let (id, byDeadline) = try connection.withTransaction { tx -> (Int, Bool) in
            let row = try screen(code: code, tx, lock: true)
            if row.status == "in_progress" {
                let by = row.pastDeadline ? "deadline" : "candidate"
                try finalize(screenID: row.id, by: by, tx)
                return (row.id, by == "deadline")
            }
            if row.status == "awaiting_review" || row.status == "scored" {
                // Already submitted (by the deadline, or twice): submitting again just reports it.
                let by: String? = try tx.query("SELECT submitted_by FROM screens WHERE id = $1", [row.id])[0].decode(0)
                return (row.id, by == "deadline")
            }
            _ = try usable(row, tx)  // throws for voided and expired screens
            throw AssayError(.badInput, "the screen has not begun")
        }
        return try completion(screenID: id, byDeadline: byDeadline)
    }

    private func completion(screenID: Int, byDeadline: Bool) throws -> ScreenCompletion {
        let row = try connection.query("""
            SELECT s.status, s.score_percent, b.settings,
                   (SELECT count(*)::int FROM screen_items WHERE screen_id = s.id AND answered_at IS NOT NULL) AS answered,
                   (SELECT count(*)::int FROM screen_items WHERE screen_id = s.id) AS total
            FROM screens s JOIN banks b ON b.id = s.bank_id WHERE s.id = $1
            """, [screenID])[0]
        let settings = try row.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        let status: String = try row.decode("status")
        let percent: Double? = try row.decode("score_percent")
        return ScreenCompletion(answered: try row.decode("answered"), total: try row.decode("total"),
                                scorePercent: settings.showScore && status == "scored" ? percent : nil,
                                awaitingReview: status == "awaiting_review", closedByDeadline: byDeadline)
    }

    // MARK: Scoring

    /// Ends an in-progress screen and scores what it has (inside the caller's transaction).
    func finalize(screenID: Int, by: String, _ tx: Connection) throws {
        let changed = try tx.execute("""
            UPDATE screens SET status = 'awaiting_review', submitted_by = $2,
                submitted_at = CASE WHEN $2 = 'deadline' THEN least(now(), deadline) ELSE now() END
            WHERE id = $1 AND status = 'in_progress'
            """, [screenID, by])
        guard changed == 1 else { return }
        try Self.event(tx, actor: by == "staff" ? "staff" : "candidate", action: "screen.submit", screen: screenID, details: ["by": by])
        let items = try tx.query("""
            SELECT si.position, si.answer, i.content FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 ORDER BY si.position
            """, [screenID])
        for row in items {
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            let position: Int = try row.decode("position")
            guard let answerJSON = try row.decode("answer", as: PostgresJSON?.self) else {
                try tx.execute("UPDATE screen_items SET points = 0, correct = false WHERE screen_id = $1 AND position = $2", [screenID, position])
                continue
            }
            let answer = try answerJSON.decode(StoredAnswer.self)
            if item.type == .essay {
                try tx.execute("UPDATE screen_items SET needs_review = true WHERE screen_id = $1 AND position = $2", [screenID, position])
                continue
            }
            let points = try Self.score(item, answer)
            try tx.execute("UPDATE screen_items SET points = $3, correct = $4 WHERE screen_id = $1 AND position = $2",
                           [screenID, position, points, points >= item.points - 1e-9])
        }
        try flag(screenID: screenID, tx)
        try completeIfGraded(screenID: screenID, tx)
    }

    /// Scores one answer with the rules of docs/bank-format.md (Psychometrics' scoring).
    static func score(_ item: Item, _ answer: StoredAnswer) throws -> Double {
        func tolerance(_ written: Banks.NumericTolerance) -> ScoringTolerance {
            switch written {
            case .exact: .exact
            case .absolute(let value): .absolute(value)
            case .percent(let value): .percent(value)
            case .range(let low, let high): .range(min: low, max: high)
            }
        }
        let key: AnswerKey
        switch item.body {
        case .singleChoice(let options) where options.contains { $0.credit != nil }:
            key = .creditedChoice(credits: options.map { $0.credit ?? 0 })
        case .singleChoice(let options):
            key = .singleChoice(correct: options.firstIndex(where: \.correct) ?? -1, optionCount: options.count)
        case .multipleResponse(let options, _) where options.contains { $0.credit != nil }:
            key = .creditedSelection(credits: options.map { $0.credit ?? 0 })
        case .multipleResponse(let options, let scoring):
            key = .multipleResponse(correct: Set(options.indices.filter { options[$0].correct }), optionCount: options.count,
                                    rule: scoring == .partial ? .partial : .allOrNothing)
        case .trueFalse(let value):
            key = .trueFalse(answer: value)
        case .numeric(let numeric):
            if let others = numeric.otherAnswers {
                key = .numericAnswers([NumericAnswer(answer: numeric.answer, tolerance: tolerance(numeric.tolerance))]
                    + others.map { NumericAnswer(answer: $0.answer, tolerance: tolerance($0.tolerance), credit: $0.credit) })
            } else {
                key = .numeric(answer: numeric.answer, tolerance: tolerance(numeric.tolerance))
            }
        case .shortText(let accept, let regex, let graded?):
            key = .textAnswers(accept.map { TextAnswer($0) } + regex.map { TextAnswer($0, match: .regex) }
                + graded.map { TextAnswer($0.text, match: TextAnswer.Match(rawValue: $0.match.rawValue) ?? .exact, credit: $0.credit) })
        case .shortText(let accept, let regex, nil):
            key = .shortText(accept: accept, acceptRegex: regex)
        case .ordering(let steps, let scoring):
            key = .ordering(stepCount: steps.count, rule: scoring == .partial ? .partial : .allOrNothing)
        case .matching(let pairs, let distractors, let scoring):
            let layout = MatchingLayout(pairs: pairs, distractors: distractors)
            key = .matching(key: layout.key, choiceCount: layout.choices.count, rule: scoring == .partial ? .partial : .allOrNothing)
        case .essay:
            throw AssayError(.database, "essays are graded by a reviewer")
        }
        let response: Response
        switch answer {
        case .choice(let index): response = .choice(index)
        case .choices(let indices): response = .selection(Set(indices))
        case .boolean(let value): response = .boolean(value)
        case .number(let value): response = .number(value)
        case .text(let value): response = .text(value)
        case .order(let indices): response = .order(indices)
        case .matches(let indices): response = .matches(indices)
        }
        return try key.score(response, points: item.points)
    }

    /// When no answer awaits a reviewer: totals, pass or fail, the application's status.
    func completeIfGraded(screenID: Int, _ tx: Connection) throws {
        let pending: Int = try tx.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND needs_review AND reviewed_at IS NULL", [screenID])[0].decode(0)
        guard pending == 0 else { return }
        try recordFinalEstimate(screenID: screenID, tx)
        let row = try tx.query("""
            UPDATE screens s SET status = 'scored', scored_at = now(),
                points_awarded = t.awarded, points_possible = t.possible,
                score_percent = CASE WHEN t.possible > 0 THEN 100 * t.awarded / t.possible ELSE 0 END
            FROM (SELECT coalesce(sum(points), 0) AS awarded, coalesce(sum(max_points), 0) AS possible FROM screen_items WHERE screen_id = $1) t, banks b
            WHERE s.id = $1 AND b.id = s.bank_id AND s.status = 'awaiting_review'
            RETURNING s.score_percent, s.application_id, s.theta, s.theta_se, b.settings
            """, [screenID])
        guard let scored = row.first else { return }
        let percent: Double = try scored.decode("score_percent")
        // The pass rule: every stated condition (percent, θ, SE of θ) must hold.
        let rule = try scored.decode("settings", as: PostgresJSON.self).decode(BankSettings.self).passRule
        let theta: Double? = try scored.decode("theta")
        let thetaSE: Double? = try scored.decode("theta_se")
        let passed = rule.passes(percent: percent, theta: theta, standardError: thetaSE)
        try tx.execute("UPDATE screens SET passed = $2 WHERE id = $1", [screenID, passed])
        if let application = try scored.decode("application_id", as: Int?.self) {
            try tx.execute("UPDATE applications SET status = $2, updated_at = now() WHERE id = $1 AND status IN ('invited', 'screening', 'scored', 'passed', 'failed')",
                           [application, passed ? "passed" : "failed"])
        }
        var details = ["score_percent": String(format: "%.1f", percent), "passed": String(passed)]
        if let theta, let thetaSE {
            details["theta"] = String(format: "%.3f", theta)
            details["theta_se"] = String(format: "%.3f", thetaSE)
        }
        try Self.event(tx, actor: "assay", action: "screen.scored", screen: screenID, details: details)
    }

    /// Integrity flags, for staff: answers faster than a plausible reading time, a long gap
    /// before an answer (a resume), a wrong-answer pattern shared with another screen.
    func flag(screenID: Int, _ tx: Connection) throws {
        var flags: [[String: String]] = []
        let timings = try tx.query("""
            SELECT si.position, si.seconds_taken, si.answered_at,
                   lag(si.answered_at) OVER (ORDER BY si.answered_at) AS previous,
                   array_length(regexp_split_to_array(btrim(i.content->>'prompt'), '\\s+'), 1) AS words
            FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 AND si.answered_at IS NOT NULL ORDER BY si.answered_at
            """, [screenID])
        var fast: [String] = []
        var gaps: [String] = []
        for row in timings {
            let position: Int = try row.decode("position")
            let seconds: Double = try row.decode("seconds_taken", as: Double?.self) ?? 0
            let words: Int = try row.decode("words", as: Int?.self) ?? 0
            // Reading at 400 words a minute plus two seconds to answer.
            if seconds < 2 + Double(words) * 0.15 { fast.append(String(position)) }
            if let previous = try row.decode("previous", as: Date?.self) {
                let answeredAt: Date = try row.decode("answered_at")
                if answeredAt.timeIntervalSince(previous) > 600 { gaps.append(String(position)) }
            }
        }
        if fast.count >= 3 { flags.append(["flag": "fast_answers", "positions": fast.joined(separator: ",")]) }
        if !gaps.isEmpty { flags.append(["flag": "long_gap", "positions": gaps.joined(separator: ",")]) }
        let shared = try tx.query("""
            SELECT other.screen_id, count(*)::int AS both_wrong, count(*) FILTER (WHERE other.answer = mine.answer)::int AS same
            FROM screen_items mine JOIN screen_items other ON other.item_id = mine.item_id AND other.screen_id <> mine.screen_id
            JOIN screens o ON o.id = other.screen_id AND o.status IN ('scored', 'awaiting_review')
            WHERE mine.screen_id = $1 AND mine.correct = false AND mine.answer IS NOT NULL
              AND other.correct = false AND other.answer IS NOT NULL
            GROUP BY other.screen_id
            HAVING count(*) >= 4 AND count(*) FILTER (WHERE other.answer = mine.answer) >= 0.8 * count(*)
            """, [screenID])
        for row in shared {
            flags.append(["flag": "shared_wrong_answers", "other_screen": String(try row.decode("screen_id", as: Int.self)),
                          "same": "\(try row.decode("same", as: Int.self)) of \(try row.decode("both_wrong", as: Int.self))"])
        }
        try tx.execute("UPDATE screens SET flags = $2 WHERE id = $1", [screenID, try PostgresJSON(encoding: flags)])
    }
}
