/// Task-weighted correlation coefficients: Pearson's r and Spearman's ρ with weighted mid-ranks.
///
/// Each observation i has a value pair (xᵢ, yᵢ) and a weight wᵢ ≥ 0 (in Assay, the number of
/// tasks behind a work outcome). With integer weights every statistic here equals the ordinary,
/// unweighted statistic of the data in which observation i is repeated wᵢ times; that identity is
/// how the tests check them against SciPy (see `docs/validity.md`).
///
/// ```swift
/// let r = try WeightedCorrelation.pearson([50, 70, 90], [0.7, 0.8, 0.95], weights: [10, 40, 5])
/// ```
public enum WeightedCorrelation {
    /// The weighted Pearson product-moment correlation.
    ///
    /// r = Σ wᵢ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ wᵢ(xᵢ − x̄)² · Σ wᵢ(yᵢ − ȳ)²), with weighted means
    /// x̄ = Σ wᵢxᵢ / Σ wᵢ (two passes, for accuracy).
    ///
    /// - Parameters:
    ///   - x: the first variable (e.g. screen percent).
    ///   - y: the second variable (e.g. gold accuracy), as many values as `x`.
    ///   - weights: one finite weight ≥ 0 per observation.
    /// - Returns: r in [−1, 1], or nil when it is undefined (fewer than two observations with a
    ///   positive weight, or no spread in `x` or `y`).
    /// - Throws: ``PsychometricsError/Code/invalidData`` when the lengths differ, a value is not
    ///   finite, or a weight is negative or not finite.
    public static func pearson(_ x: [Double], _ y: [Double], weights: [Double]) throws -> Double? {
        try validate(x, y, weights)
        return pearsonUnchecked(x, y, weights)
    }

    /// The weighted Spearman rank correlation: the weighted Pearson correlation of the weighted
    /// mid-ranks of `x` and of `y` (see ``midRanks(_:weights:)``), with the same weights.
    ///
    /// - Parameters:
    ///   - x: the first variable.
    ///   - y: the second variable, as many values as `x`.
    ///   - weights: one finite weight ≥ 0 per observation.
    /// - Returns: ρ in [−1, 1], or nil when undefined (as for ``pearson(_:_:weights:)``).
    /// - Throws: ``PsychometricsError/Code/invalidData`` as ``pearson(_:_:weights:)`` does.
    public static func spearman(_ x: [Double], _ y: [Double], weights: [Double]) throws -> Double? {
        try validate(x, y, weights)
        return pearsonUnchecked(midRanks(x, weights: weights), midRanks(y, weights: weights), weights)
    }

    /// Weighted mid-ranks, ties averaged: each group of equal values gets the midpoint of the
    /// stretch of cumulative weight it occupies, Rᵢ = W(< xᵢ) + W(= xᵢ) / 2.
    ///
    /// With unit weights this is the usual average rank minus ½, a shift that no correlation
    /// sees; with integer weights it is the average rank (minus ½) of the expanded data.
    ///
    /// - Parameters:
    ///   - values: the values to rank (finite).
    ///   - weights: one weight ≥ 0 per value.
    /// - Returns: one mid-rank per value, in the order of `values`.
    public static func midRanks(_ values: [Double], weights: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        return RankOrder(values: values, order: order).midRanks(weights: weights)
    }

    /// The weighted mean Σ wᵢvᵢ / Σ wᵢ, or nil when the weights sum to zero.
    ///
    /// - Parameters:
    ///   - values: the values.
    ///   - weights: one weight ≥ 0 per value.
    /// - Returns: the weighted mean, or nil.
    public static func mean(_ values: [Double], weights: [Double]) -> Double? {
        var total = 0.0
        var sum = 0.0
        for i in values.indices {
            total += weights[i]
            sum += weights[i] * values[i]
        }
        return total > 0 ? sum / total : nil
    }

    /// The weighted population standard deviation √(Σ wᵢ(vᵢ − v̄)² / Σ wᵢ), or nil when the
    /// weights sum to zero. With unit weights it is NumPy's `std` with `ddof=0`.
    ///
    /// - Parameters:
    ///   - values: the values.
    ///   - weights: one weight ≥ 0 per value.
    /// - Returns: the standard deviation, or nil.
    public static func standardDeviation(_ values: [Double], weights: [Double]) -> Double? {
        guard let mean = mean(values, weights: weights) else { return nil }
        var total = 0.0
        var sum = 0.0
        for i in values.indices {
            total += weights[i]
            sum += weights[i] * (values[i] - mean) * (values[i] - mean)
        }
        return (sum / total).squareRoot()
    }

    /// Checks lengths, finiteness and weights.
    static func validate(_ x: [Double], _ y: [Double], _ weights: [Double]) throws {
        guard x.count == y.count, x.count == weights.count else {
            throw PsychometricsError(.invalidData, "a correlation needs as many values of each variable as weights (\(x.count), \(y.count), \(weights.count))")
        }
        for i in x.indices {
            guard x[i].isFinite, y[i].isFinite else {
                throw PsychometricsError(.invalidData, "observation \(i + 1) has a value that is not a finite number")
            }
            guard weights[i].isFinite, weights[i] >= 0 else {
                throw PsychometricsError(.invalidData, "observation \(i + 1) has weight \(weights[i]); weights must be finite and at least 0")
            }
        }
    }

    /// Weighted Pearson without validation; nil when undefined.
    static func pearsonUnchecked(_ x: [Double], _ y: [Double], _ w: [Double]) -> Double? {
        var total = 0.0
        var sumX = 0.0
        var sumY = 0.0
        var positive = 0
        for i in x.indices where w[i] > 0 {
            total += w[i]
            sumX += w[i] * x[i]
            sumY += w[i] * y[i]
            positive += 1
        }
        guard positive >= 2, total > 0 else { return nil }
        let meanX = sumX / total
        let meanY = sumY / total
        var sxx = 0.0
        var syy = 0.0
        var sxy = 0.0
        for i in x.indices where w[i] > 0 {
            let dx = x[i] - meanX
            let dy = y[i] - meanY
            sxx += w[i] * dx * dx
            syy += w[i] * dy * dy
            sxy += w[i] * dx * dy
        }
        // Spread that is only rounding noise counts as none.
        let scaleX = max(abs(meanX), 1) * 1e-12
        let scaleY = max(abs(meanY), 1) * 1e-12
        guard (sxx / total).squareRoot() > scaleX, (syy / total).squareRoot() > scaleY else { return nil }
        return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }
}

/// A value order computed once, so that mid-ranks under many different weightings (bootstrap
/// replicates) cost one linear pass each instead of a sort.
struct RankOrder {
    /// Indices of the observations in ascending order of value.
    let order: [Int]
    /// For each position in `order`, the position one past the end of its tie group.
    let groupEnd: [Int]

    /// Builds the order's tie groups.
    init(values: [Double], order: [Int]) {
        self.order = order
        var ends = [Int](repeating: 0, count: order.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            for position in start..<end { ends[position] = end }
            start = end
        }
        groupEnd = ends
    }

    /// Builds the order by sorting `values`.
    init(values: [Double]) {
        self.init(values: values, order: values.indices.sorted { values[$0] < values[$1] })
    }

    /// Weighted mid-ranks under `weights`.
    func midRanks(weights: [Double]) -> [Double] {
        var ranks = [Double](repeating: 0, count: order.count)
        var below = 0.0
        var start = 0
        while start < order.count {
            let end = groupEnd[start]
            var group = 0.0
            for position in start..<end { group += weights[order[position]] }
            let rank = below + group / 2
            for position in start..<end { ranks[order[position]] = rank }
            below += group
            start = end
        }
        return ranks
    }
}
