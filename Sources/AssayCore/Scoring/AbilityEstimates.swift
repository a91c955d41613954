import Banks
import Postgres
import Psychometrics

/// Ability estimates (θ̂ and its standard error) for screens: the estimator every screen uses,
/// the item parameters a screen uses, and the final estimate stored when a screen is scored.
///
/// **Item parameters.** For every screen: those of the bank's latest calibration (recorded on
/// the screen at invitation) where it estimated the item, else the item's `irt` in the bank file.
/// An adaptive screen records on each row the parameters its selector used.
///
/// **Scoring for θ.** A response counts as correct for IRT when it earned at least half of the
/// item's points (so partial credit of ½ or more is a success); an item shown but not answered
/// counts as wrong, as it scores 0 points.
enum AbilityEstimates {
    /// The prior and quadrature every screen estimate uses: EAP with N(0, 1) and 61 points.
    static func estimator() throws -> AbilityEstimator { try AbilityEstimator() }

    /// Whether earning `points` of `maximum` counts as a correct response for IRT.
    static func isSuccess(points: Double?, of maximum: Double) -> Bool { (points ?? 0) >= 0.5 * maximum }

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

    /// Stores the screen's final θ̂ and SE over every item shown (unanswered items count as
    /// wrong), when every item has parameters; leaves them unset otherwise.
    static func recordFinal(screenID: Int, _ tx: Connection, whileIn status: ScreenStatus = .awaitingReview) throws {
        let rows = try tx.query("""
            SELECT si.points, si.max_points, coalesce(si.a, ci.a, (i.content->'irt'->>'a')::float8) AS a,
                   coalesce(si.b, ci.b, (i.content->'irt'->>'b')::float8) AS b,
                   coalesce(si.c, ci.c, (i.content->'irt'->>'c')::float8, 0) AS c
            FROM screen_items si JOIN screens s ON s.id = si.screen_id JOIN items i ON i.id = si.item_id
            LEFT JOIN calibration_items ci ON ci.calibration_id = s.calibration_id AND ci.item_id = si.item_id AND ci.status = 'estimated'
            WHERE si.screen_id = $1 AND s.status = $2 ORDER BY si.position
            """, [screenID, status.rawValue])
        guard !rows.isEmpty else { return }
        var parameters: [ItemParameters] = []
        var responses: [Bool] = []
        for row in rows {
            guard let a: Double = try row.decode("a"), let b: Double = try row.decode("b") else { return }
            parameters.append(try ItemParameters(a: a, b: b, c: try row.decode("c")))
            responses.append(isSuccess(points: try row.decode("points"), of: try row.decode("max_points")))
        }
        let estimate = try estimator().expectedAPosteriori(items: parameters, responses: responses)
        try tx.execute("UPDATE screens SET theta = $2, theta_se = $3 WHERE id = $1", [screenID, estimate.theta, estimate.standardError])
    }
}
