import Banks
import Foundation
import Postgres
import Psychometrics

/// Adaptive screens: the candidate's side.
///
/// An adaptive screen (a bank with `mode: adaptive`) has no draw at invitation: each item is
/// chosen when the candidate asks for the next question, by ``ItemPool/selectNextItem(theta:administered:topicTargets:randomesque:using:)``
/// at the current EAP estimate, with randomesque exposure control among the best
/// ``randomesque`` items (a generator seeded from the screen's recorded seed and the position,
/// so a resumed screen makes the same choice) and equal topic targets over the bank's topics.
/// After every answer the EAP estimate θ̂ and its SE are stored on the answer's row and on the
/// screen, and ``StoppingRule`` decides whether to stop (SE ≤ `target_se` after `min_items`, or
/// `max_items`, or an exhausted pool). Item parameters and the θ scoring rule: ``AbilityEstimates``.
extension CandidateSession {
    /// How many of the most informative items the next one is drawn from.
    static let randomesque = 5

    /// Chooses and stores the item at `position` of an adaptive screen (inside the caller's
    /// transaction, the screen row locked).
    func chooseNextItem(_ row: ScreenRecord, position: Int, _ tx: Connection) throws {
        guard let settings = row.settings.adaptive else { return }
        guard row.stopReason == nil, row.shown < settings.maxItems else {
            throw AssayError(.badInput, "there is no question \(position): the screen has ended after \(row.shown) questions; submit it")
        }
        guard position == row.shown + 1 else {
            throw AssayError(.badInput, "there is no question \(position) yet; in an adaptive screen question \(row.shown + 1) comes next")
        }
        let open: Int = try tx.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1 AND answered_at IS NULL", [row.id]).one().decode(0)
        guard open == 0 else {
            throw AssayError(.badInput, "answer question \(row.shown) first: in an adaptive screen the next question is chosen from it")
        }
        let items = try AbilityEstimates.parameterizedItems(bankID: row.bankID, calibrationID: row.calibrationID, tx).compactMap { entry in
            entry.parameters.map { (id: entry.id, item: entry.item, parameters: $0) }
        }
        let used = Set(try tx.query("SELECT item_id FROM screen_items WHERE screen_id = $1", [row.id]).map { try $0.decode("item_id", as: Int.self) })
        let pool = ItemPool(items: items.map { PoolItem(parameters: $0.parameters, topic: $0.item.topic) })
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
        let count = AnswerMapping.choiceCount(item)
        var order: [Int]?
        if count > 0, row.settings.shuffleOptions || AnswerMapping.alwaysShuffled(item) {
            var shuffled = Array(0..<count)
            ScreenDraw.shuffle(&shuffled, &rng)
            if AnswerMapping.alwaysShuffled(item), shuffled == Array(0..<count), count > 1 { shuffled.swapAt(0, 1) }
            order = shuffled
        }
        try tx.execute("""
            INSERT INTO screen_items (screen_id, position, item_id, choice_order, max_points, a, b, c) VALUES ($1, $2, $3, $4::int[], $5, $6, $7, $8)
            """, [row.id, position, itemID, order, item.points,
                  parameters.a, parameters.b, parameters.c])
    }

    /// Scores an adaptive answer at once, stores θ̂ and its SE after it, and decides whether to
    /// stop. Returns true when the screen needs no more questions.
    func recordEstimate(_ row: ScreenRecord, position: Int, item: Item, answer: StoredAnswer, _ tx: Connection) throws -> Bool {
        guard let settings = row.settings.adaptive else { return false }
        let points = try ItemScoring.points(item, answer)
        try tx.execute("UPDATE screen_items SET points = $3, correct = $4 WHERE screen_id = $1 AND position = $2",
                       [row.id, position, points, ItemScoring.isCorrect(points: points, of: item.points)])
        let answered = try tx.query("""
            SELECT a, b, c, points, max_points FROM screen_items
            WHERE screen_id = $1 AND answered_at IS NOT NULL AND a IS NOT NULL ORDER BY position
            """, [row.id])
        var parameters: [ItemParameters] = []
        var responses: [Bool] = []
        for answer in answered {
            parameters.append(try ItemParameters(a: try answer.decode("a"), b: try answer.decode("b"), c: try answer.decode("c", as: Double?.self) ?? 0))
            responses.append(AbilityEstimates.isSuccess(points: try answer.decode("points"), of: try answer.decode("max_points")))
        }
        let estimate = try AbilityEstimates.estimator().expectedAPosteriori(items: parameters, responses: responses)
        try tx.execute("UPDATE screen_items SET theta = $3, theta_se = $4 WHERE screen_id = $1 AND position = $2",
                       [row.id, position, estimate.theta, estimate.standardError])
        try tx.execute("UPDATE screens SET theta = $2, theta_se = $3 WHERE id = $1", [row.id, estimate.theta, estimate.standardError])
        let poolSize = try AbilityEstimates.parameterizedItems(bankID: row.bankID, calibrationID: row.calibrationID, tx).filter { $0.parameters != nil }.count
        let rule = try StoppingRule(targetStandardError: settings.targetSE, minimumLength: settings.minItems, maximumLength: settings.maxItems)
        let shown = max(row.shown, position)
        guard let reason = rule.reasonToStop(administeredCount: parameters.count, standardError: estimate.standardError,
                                             remainingItems: poolSize - shown) else { return false }
        try tx.execute("UPDATE screens SET stop_reason = $2 WHERE id = $1", [row.id, reason.rawValue])
        try AuditTrail(tx).record(.screenAdaptiveStop, actor: "assay", subject: .screen(row.id),
                                  details: ["reason": .string(reason.rawValue), "items": .number(Double(parameters.count)),
                                            "theta": .number((estimate.theta * 1000).rounded() / 1000),
                                            "theta_se": .number((estimate.standardError * 1000).rounded() / 1000)] as [String: JSONValue])
        return true
    }
}
