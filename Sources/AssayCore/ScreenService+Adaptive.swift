import Banks
import Foundation
import Postgres
import Psychometrics

/// Adaptive screens and ability estimates.
///
/// An adaptive screen (a bank with `mode: adaptive`) has no draw at invitation: each item is
/// chosen when the candidate asks for the next question, by ``ItemPool/selectNextItem(theta:administered:topicTargets:randomesque:using:)``
/// at the current EAP estimate, with randomesque exposure control among the best
/// ``randomesque`` items (a generator seeded from the screen's recorded seed and the position,
/// so a resumed screen makes the same choice) and equal topic targets over the bank's topics.
/// After every answer the EAP estimate θ̂ and its SE are stored on the answer's row and on the
/// screen, and ``StoppingRule`` decides whether to stop (SE ≤ `target_se` after `min_items`, or
/// `max_items`, or an exhausted pool).
///
/// **Item parameters.** For every screen: those of the bank's latest calibration (recorded on
/// the screen at invitation) where it estimated the item, else the item's `irt` in the bank file.
/// An adaptive screen records on each row the parameters its selector used.
///
/// **Scoring for θ.** A response counts as correct for IRT when it earned at least half of the
/// item's points (so partial credit of ½ or more is a success); an item shown but not answered
/// counts as wrong, as it scores 0 points.
extension ScreenService {
    /// How many of the most informative items the next one is drawn from.
    static let randomesque = 5

    /// The prior and quadrature every screen estimate uses: EAP with N(0, 1) and 61 points.
    static func estimator() throws -> AbilityEstimator { try AbilityEstimator() }

    /// The items of a bank version, each with the parameters a screen uses for it (nil when
    /// neither the calibration nor the file has them).
    static func parameterizedItems(bankID: Int, calibrationID: Int?, _ tx: Connection) throws -> [(id: Int, item: Item, parameters: ItemParameters?)] {
        try tx.query("""
            SELECT i.id, i.content, ci.a, ci.b, ci.c FROM bank_items bi JOIN items i ON i.id = bi.item_id
            LEFT JOIN calibration_items ci ON ci.calibration_id = $2 AND ci.item_id = i.id AND ci.status = 'estimated'
            WHERE bi.bank_id = $1 ORDER BY bi.position
            """, [bankID, calibrationID]).map { row in
            let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
            var parameters: ItemParameters?
            if let a: Double = try row.decode("a"), let b: Double = try row.decode("b") {
                parameters = try ItemParameters(a: a, b: b, c: try row.decode("c", as: Double?.self) ?? 0)
            } else if let irt = item.irt {
                parameters = try ItemParameters(a: irt.a, b: irt.b, c: irt.c)
            }
            return (try row.decode("id"), item, parameters)
        }
    }

    /// Chooses and stores the item at `position` of an adaptive screen (inside the caller's
    /// transaction, the screen row locked).
    func chooseNextItem(_ row: ScreenRow, position: Int, _ tx: Connection) throws {
        guard let settings = row.settings.adaptive else { return }
        guard row.stopReason == nil, row.shown < settings.maxItems else {
            throw AssayError(.badInput, "there is no question \(position): the screen has ended after \(row.shown) questions; submit it")
        }
        guard position == row.shown + 1 else {
            throw AssayError(.badInput, "there is no question \(position) yet; in an adaptive screen question \(row.shown + 1) comes next")
        }
        let open: Int = try tx.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NULL", [row.id])[0].decode(0)
        guard open == 0 else {
            throw AssayError(.badInput, "answer question \(row.shown) first: in an adaptive screen the next question is chosen from it")
        }
        let items = try Self.parameterizedItems(bankID: row.bankID, calibrationID: row.calibrationID, tx).filter { $0.parameters != nil }
        let used = Set(try tx.query("SELECT item_id FROM screen_items WHERE screen_id = $1", [row.id]).map { try $0.decode("item_id", as: Int.self) })
        let pool = ItemPool(items: items.map { PoolItem(parameters: $0.parameters!, topic: $0.item.topic) })
        let administered = Set(items.indices.filter { used.contains(items[$0].id) })
        let theta: Double = try tx.query("""
            SELECT theta FROM screen_items WHERE screen_id = $1 AND theta IS NOT NULL ORDER BY position DESC LIMIT 1
            """, [row.id]).first?.decode("theta") ?? 0
        var rng = SplitMix64(seed: row.seed &+ UInt64(position) &* 0x9E37_79B9_7F4A_7C15)
        let targets = Dictionary(pool.topics.map { ($0, 1.0) }, uniquingKeysWith: { first, _ in first })
        guard let index = try pool.selectNextItem(theta: theta, administered: administered, topicTargets: targets,
                                                  randomesque: Self.randomesque, using: &rng) else {
            try tx.execute("UPDATE screens SET stop_reason = 'pool-exhausted' WHERE id = $1", [row.id])
            throw AssayError(.badInput, "there is no question \(position): every item of the bank was given; submit the screen")
        }
        let (itemID, item, parameters) = items[index]
        let count = Self.choiceCount(item)
        var order: [Int]?
        if count > 0, row.settings.shuffleOptions || Self.alwaysShuffled(item) {
            var shuffled = Array(0..<count)
            ScreenDraw.shuffle(&shuffled, &rng)
            if Self.alwaysShuffled(item), shuffled == Array(0..<count), count > 1 { shuffled.swapAt(0, 1) }
            order = shuffled
        }
        try tx.execute("""
            INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points, a, b, c) VALUES ($1, $2, $3, $4::int[], $5, $6, $7, $8)
            """, [row.id, position, itemID, order.map { "{" + $0.map(String.init).joined(separator: ",") + "}" }, item.points,
                  parameters?.a, parameters?.b, parameters?.c])
    }

    /// Scores an adaptive answer at once, stores θ̂ and its SE after it, and decides whether to
    /// stop. Returns true when the screen needs no more questions.
    func recordEstimate(_ row: ScreenRow, position: Int, item: Item, answer: StoredAnswer, _ tx: Connection) throws -> Bool {
        guard let settings = row.settings.adaptive else { return false }
        let points = try Self.score(item, answer)
        try tx.execute("UPDATE screen_items SET points = $3, correct = $4 WHERE screen_id = $1 AND position = $2",
                       [row.id, position, points, points >= item.points - 1e-9])
        let answered = try tx.query("""
            SELECT a, b, c, points, max_points FROM screen_items
            WHERE screen_id = $1 AND answered_at IS NOT NULL AND a IS NOT NULL ORDER BY position
            """, [row.id])
        var parameters: [ItemParameters] = []
        var responses: [Bool] = []
        for answer in answered {
            parameters.append(try ItemParameters(a: try answer.decode("a"), b: try answer.decode("b"), c: try answer.decode("c", as: Double?.self) ?? 0))
            let earned: Double = try answer.decode("points", as: Double?.self) ?? 0
            responses.append(earned >= 0.5 * (try answer.decode("max_points", as: Double.self)))
        }
        let estimate = try Self.estimator().expectedAPosteriori(items: parameters, responses: responses)
        try tx.execute("UPDATE screen_items SET theta = $3, theta_se = $4 WHERE screen_id = $1 AND position = $2",
                       [row.id, position, estimate.theta, estimate.standardError])
        try tx.execute("UPDATE screens SET theta = $2, theta_se = $3 WHERE id = $1", [row.id, estimate.theta, estimate.standardError])
        let poolSize = try Self.parameterizedItems(bankID: row.bankID, calibrationID: row.calibrationID, tx).filter { $0.parameters != nil }.count
        let rule = try StoppingRule(targetStandardError: settings.targetSE, minimumLength: settings.minItems, maximumLength: settings.maxItems)
        let shown = max(row.shown, position)
        guard let reason = rule.reasonToStop(administeredCount: parameters.count, standardError: estimate.standardError,
                                             remainingItems: poolSize - shown) else { return false }
        try tx.execute("UPDATE screens SET stop_reason = $2 WHERE id = $1", [row.id, reason.rawValue])
        try Self.event(tx, actor: "assay", action: "screen.adaptive_stop", screen: row.id,
                       details: ["reason": reason.rawValue, "items": String(parameters.count),
                                 "theta": String(format: "%.3f", estimate.theta), "theta_se": String(format: "%.3f", estimate.standardError)])
        return true
    }

    /// Stores the screen's final θ̂ and SE over every item shown (unanswered items count as
    /// wrong), when every item has parameters; leaves them unset otherwise.
    func recordFinalEstimate(screenID: Int, _ tx: Connection) throws {
        let rows = try tx.query("""
            SELECT si.points, si.max_points, coalesce(si.a, ci.a, (i.content->'irt'->>'a')::float8) AS a,
                   coalesce(si.b, ci.b, (i.content->'irt'->>'b')::float8) AS b,
                   coalesce(si.c, ci.c, (i.content->'irt'->>'c')::float8, 0) AS c
            FROM screen_items si JOIN screens s ON s.id = si.screen_id JOIN items i ON i.id = si.item_id
            LEFT JOIN calibration_items ci ON ci.calibration_id = s.calibration_id AND ci.item_id = si.item_id AND ci.status = 'estimated'
            WHERE si.screen_id = $1 AND s.status = 'awaiting_review' ORDER BY si.position
            """, [screenID])
        guard !rows.isEmpty else { return }
        var parameters: [ItemParameters] = []
        var responses: [Bool] = []
        for row in rows {
            guard let a: Double = try row.decode("a"), let b: Double = try row.decode("b") else { return }
            parameters.append(try ItemParameters(a: a, b: b, c: try row.decode("c")))
            let earned: Double = try row.decode("points", as: Double?.self) ?? 0
            responses.append(earned >= 0.5 * (try row.decode("max_points", as: Double.self)))
        }
        let estimate = try Self.estimator().expectedAPosteriori(items: parameters, responses: responses)
        try tx.execute("UPDATE screens SET theta = $2, theta_se = $3 WHERE id = $1", [screenID, estimate.theta, estimate.standardError])
    }
}
