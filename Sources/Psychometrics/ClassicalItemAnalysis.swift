/// Classical item analysis of a scored test: facility, corrected point-biserial discrimination,
/// distractor tables, Cronbach's alpha and review flags (Crocker & Algina 1986, ch. 14; Kelley
/// 1939 for the 27 % groups; Cronbach 1951).
public enum ClassicalItemAnalysis {
    /// Flag an item as too hard below this facility.
    public static let minimumFacility = 0.1
    /// Flag an item as too easy above this facility.
    public static let maximumFacility = 0.95
    /// The share of persons in each of the top and bottom groups (Kelley 1939).
    public static let groupFraction = 0.27

    /// Analyses a complete persons × items matrix of awarded points.
    ///
    /// - Facility: p_i = mean(x_i) / points_i.
    /// - Corrected point-biserial: r(x_i, T − x_i), the Pearson correlation between the item and
    ///   the total of the other items (Crocker & Algina 1986, §14.3); nil if either is constant.
    /// - Distractor analysis (choice items): persons ranked by total score T (ties keep input
    ///   order), top and bottom groups of g = max(1, round(0.27 N)) persons; for each option the
    ///   proportion choosing it overall and in each group (omissions count in the denominator).
    /// - Cronbach's alpha: α = k/(k − 1) · (1 − Σ var(x_i) / var(T)) (Cronbach 1951).
    /// - Flags: ``ReviewFlag/negativeDiscrimination`` when r < 0; ``ReviewFlag/tooHard`` when
    ///   p < 0.1; ``ReviewFlag/tooEasy`` when p > 0.95;
    ///   ``ReviewFlag/distractorAttractsTopGroup(option:)`` when a wrong option's top-group
    ///   proportion exceeds the key's.
    ///
    /// - Parameters:
    ///   - scores: `scores[p][i]` is the points person p earned on item i; every row has one
    ///     entry per item, each in `0...maximumPoints[i]`.
    ///   - maximumPoints: each item's points (finite, > 0).
    ///   - choices: for choice items, keyed by item index, the option each person chose.
    /// - Returns: per-item statistics, alpha and the group size.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` for
    ///   fewer than 2 persons, ragged rows, scores out of range, a bad choice table or item index.
    public static func analyze(scores: [[Double]], maximumPoints: [Double], choices: [Int: ChoiceResponses] = [:]) throws -> ClassicalTestAnalysis {
        let persons = scores.count
        let k = maximumPoints.count
        guard persons >= 2 else { throw PsychometricsError(.invalidData, "item analysis needs at least 2 persons, got \(persons)") }
        for (i, points) in maximumPoints.enumerated() where !(points.isFinite && points > 0) {
            throw PsychometricsError(.invalidData, "item \(i) has invalid maximum points \(points)")
        }
        for (p, row) in scores.enumerated() {
            guard row.count == k else { throw PsychometricsError(.invalidData, "row \(p) has \(row.count) scores, expected \(k)") }
            for (i, x) in row.enumerated() where !(x.isFinite && x >= 0 && x <= maximumPoints[i]) {
                throw PsychometricsError(.invalidData, "person \(p), item \(i): score \(x) is outside 0…\(maximumPoints[i])")
            }
        }
        for (item, table) in choices {
            guard (0..<k).contains(item) else { throw PsychometricsError(.invalidData, "choice table for item \(item), which does not exist") }
            guard table.optionCount >= 2, (0..<table.optionCount).contains(table.key), table.chosen.count == persons else {
                throw PsychometricsError(.invalidData, "choice table for item \(item) needs ≥ 2 options, a key in range and one entry per person")
            }
            if let bad = table.chosen.compactMap({ $0 }).first(where: { !(0..<table.optionCount).contains($0) }) {
                throw PsychometricsError(.invalidData, "item \(item): option \(bad) does not exist")
            }
        }

        let totals = scores.map { $0.reduce(0, +) }
        let n = Double(persons)
        let groupSize = max(1, Int((groupFraction * n).rounded()))
        let ranked = (0..<persons).sorted { totals[$0] > totals[$1] || (totals[$0] == totals[$1] && $0 < $1) }
        let top = ranked.prefix(groupSize)
        let bottom = ranked.suffix(groupSize)

        var itemVarianceSum = 0.0
        var results: [ClassicalItemStatistics] = []
        for i in 0..<k {
            let x = scores.map { $0[i] }
            let rest = (0..<persons).map { totals[$0] - x[$0] }
            let mean = x.reduce(0, +) / n
            itemVarianceSum += x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            let facility = mean / maximumPoints[i]
            let r = pearson(x, rest)

            var flags: [ReviewFlag] = []
            if let r, r < 0 { flags.append(.negativeDiscrimination) }
            if facility < minimumFacility { flags.append(.tooHard) }
            if facility > maximumFacility { flags.append(.tooEasy) }

            var options: [OptionStatistics]?
            if let table = choices[i] {
                func share(_ group: some Collection<Int>, _ option: Int) -> Double {
                    Double(group.filter { table.chosen[$0] == option }.count) / Double(group.count)
                }
                let list = (0..<table.optionCount).map { option in
                    OptionStatistics(option: option, isKey: option == table.key, proportionAll: share(0..<persons, option),
                                     proportionTop: share(top, option), proportionBottom: share(bottom, option))
                }
                let keyTop = list[table.key].proportionTop
                for option in list where !option.isKey && option.proportionTop > keyTop {
                    flags.append(.distractorAttractsTopGroup(option: option.option))
                }
                options = list
            }
            results.append(ClassicalItemStatistics(item: i, facility: facility, correctedPointBiserial: r, options: options, flags: flags))
        }

        var alpha: Double?
        if k >= 2 {
            let meanTotal = totals.reduce(0, +) / n
            let totalVariance = totals.reduce(0) { $0 + ($1 - meanTotal) * ($1 - meanTotal) } / n
            if totalVariance > 0 {
                alpha = Double(k) / Double(k - 1) * (1 - itemVarianceSum / totalVariance)
            }
        }
        return ClassicalTestAnalysis(items: results, cronbachAlpha: alpha, groupSize: groupSize)
    }

    /// The Pearson correlation, or nil when either variable is constant.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in zip(x, y) {
            sxy += (u - mx) * (v - my)
            sxx += (u - mx) * (u - mx)
            syy += (v - my) * (v - my)
        }
        guard sxx > 1e-12 * max(1, mx * mx) * n, syy > 1e-12 * max(1, my * my) * n else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}
