extension ClassicalItemAnalysis {
    /// Analyses responses where each person answered any subset of the items (screens that draw
    /// part of a bank), by available-case statistics that equal ``analyze(scores:maximumPoints:choices:)``
    /// when every person answered every item.
    ///
    /// - Person score: the proportion of possible points over the items the person answered,
    ///   P_p = Σ x_pi / Σ m_i (a linear function of the raw total when everyone answered the same
    ///   items, so rankings and correlations are unchanged).
    /// - Facility: mean(x_i) / m_i over the persons who answered item i.
    /// - Corrected point-biserial: over those persons, the Pearson correlation of x_i with the rest
    ///   score (Σ x_p − x_pi) / (Σ m_p − m_i) on the person's other items; nil when either is
    ///   constant or the person answered nothing else.
    /// - Distractor analysis: the top and bottom groups are the g = max(1, round(0.27 N)) persons
    ///   with the highest and lowest P_p (ties keep input order), as in Kelley (1939); each
    ///   option's proportions are among the group members who answered the item.
    /// - Cronbach's alpha from pairwise (available-case) variances and covariances (divisor n):
    ///   α = k/(k − 1) · (1 − Σ σ²_i / (Σ σ²_i + Σ_{i≠j} σ_ij)); nil when some pair of items was
    ///   never answered together by at least 2 persons, or the total variance is not positive.
    /// - Flags: as in ``analyze(scores:maximumPoints:choices:)``.
    ///
    /// - Parameters:
    ///   - scores: per person, the points earned on each item answered (item index → points in
    ///     `0...maximumPoints[item]`).
    ///   - maximumPoints: each item's points (finite, > 0); every item must have a response.
    ///   - choices: for choice items, keyed by item index, the option each person chose (nil
    ///     when not answered); one entry per person.
    /// - Returns: per-item statistics, alpha and the group size.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` for
    ///   fewer than 2 persons, an item with no response, a score out of range or a bad choice table.
    public static func analyze(sparseScores scores: [[Int: Double]], maximumPoints: [Double], choices: [Int: ChoiceResponses] = [:]) throws -> ClassicalTestAnalysis {
        let persons = scores.count
        let k = maximumPoints.count
        guard persons >= 2 else { throw PsychometricsError(.invalidData, "item analysis needs at least 2 persons, got \(persons)") }
        for (i, points) in maximumPoints.enumerated() where !(points.isFinite && points > 0) {
            throw PsychometricsError(.invalidData, "item \(i) has invalid maximum points \(points)")
        }
        var respondents = [[Int]](repeating: [], count: k)
        for (p, row) in scores.enumerated() {
            for (i, x) in row {
                guard (0..<k).contains(i) else { throw PsychometricsError(.invalidData, "person \(p) answered item \(i), which does not exist") }
                guard x.isFinite, x >= 0, x <= maximumPoints[i] else {
                    throw PsychometricsError(.invalidData, "person \(p), item \(i): score \(x) is outside 0…\(maximumPoints[i])")
                }
                respondents[i].append(p)
            }
        }
        if let empty = respondents.firstIndex(where: \.isEmpty) { throw PsychometricsError(.invalidData, "item \(empty) has no response") }
        for (item, table) in choices {
            guard (0..<k).contains(item), table.optionCount >= 2, (0..<table.optionCount).contains(table.key), table.chosen.count == persons else {
                throw PsychometricsError(.invalidData, "choice table for item \(item) needs an existing item, ≥ 2 options, a key in range and one entry per person")
            }
        }

        let earned = scores.map { $0.values.reduce(0, +) }
        let possible = scores.map { $0.keys.reduce(0) { $0 + maximumPoints[$1] } }
        let proportion = (0..<persons).map { possible[$0] > 0 ? earned[$0] / possible[$0] : 0 }
        let groupSize = max(1, Int((groupFraction * Double(persons)).rounded()))
        let ranked = (0..<persons).sorted { proportion[$0] > proportion[$1] || (proportion[$0] == proportion[$1] && $0 < $1) }
        let top = Set(ranked.prefix(groupSize))
        let bottom = Set(ranked.suffix(groupSize))

        var results: [ClassicalItemStatistics] = []
        for i in 0..<k {
            let who = respondents[i]
            let x = who.map { scores[$0][i] ?? 0 }
            let facility = x.reduce(0, +) / Double(x.count) / maximumPoints[i]
            var pairs: [(Double, Double)] = []
            for (p, xi) in zip(who, x) where possible[p] - maximumPoints[i] > 0 {
                pairs.append((xi, (earned[p] - xi) / (possible[p] - maximumPoints[i])))
            }
            let r = availableCasePearson(pairs.map(\.0), pairs.map(\.1))
            var flags: [ReviewFlag] = []
            if let r, r < 0 { flags.append(.negativeDiscrimination) }
            if facility < minimumFacility { flags.append(.tooHard) }
            if facility > maximumFacility { flags.append(.tooEasy) }
            var options: [OptionStatistics]?
            if let table = choices[i] {
                func share(_ group: [Int], _ option: Int) -> Double {
                    group.isEmpty ? 0 : Double(group.filter { table.chosen[$0] == option }.count) / Double(group.count)
                }
                let topWho = who.filter(top.contains), bottomWho = who.filter(bottom.contains)
                let list = (0..<table.optionCount).map { option in
                    OptionStatistics(option: option, isKey: option == table.key, proportionAll: share(who, option),
                                     proportionTop: share(topWho, option), proportionBottom: share(bottomWho, option))
                }
                for option in list where !option.isKey && option.proportionTop > list[table.key].proportionTop {
                    flags.append(.distractorAttractsTopGroup(option: option.option))
                }
                options = list
            }
            results.append(ClassicalItemStatistics(item: i, facility: facility, correctedPointBiserial: r, options: options, flags: flags))
        }
        return ClassicalTestAnalysis(items: results, cronbachAlpha: pairwiseAlpha(scores, k: k), groupSize: groupSize)
    }

    /// Cronbach's alpha from available-case variances and covariances, or nil (see above).
    private static func pairwiseAlpha(_ scores: [[Int: Double]], k: Int) -> Double? {
        guard k >= 2 else { return nil }
        var itemVariance = 0.0
        var covariance = 0.0
        for i in 0..<k {
            let x = scores.compactMap { $0[i] }
            let mean = x.reduce(0, +) / Double(x.count)
            itemVariance += x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
            for j in (i + 1)..<k {
                let both = scores.compactMap { row -> (Double, Double)? in
                    guard let u = row[i], let v = row[j] else { return nil }
                    return (u, v)
                }
                guard both.count >= 2 else { return nil }
                let n = Double(both.count)
                let mu = both.reduce(0) { $0 + $1.0 } / n, mv = both.reduce(0) { $0 + $1.1 } / n
                covariance += 2 * both.reduce(0) { $0 + ($1.0 - mu) * ($1.1 - mv) } / n
            }
        }
        let total = itemVariance + covariance
        guard total > 0 else { return nil }
        return Double(k) / Double(k - 1) * (1 - itemVariance / total)
    }

    /// The Pearson correlation, or nil when either variable is constant or there are < 2 pairs.
    private static func availableCasePearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count >= 2 else { return nil }
        return pearson(x, y)
    }
}
