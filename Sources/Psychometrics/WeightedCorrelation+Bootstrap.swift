extension WeightedCorrelation {
    /// A percentile bootstrap interval for the weighted Pearson correlation: each replicate
    /// resamples observations (pairs with their weights) and weights observation i by
    /// wᵢ × its multiplicity.
    ///
    /// - Parameters:
    ///   - x: the first variable.
    ///   - y: the second variable.
    ///   - weights: one weight ≥ 0 per observation.
    ///   - bootstrap: replicates, seed and level.
    /// - Returns: the interval, or nil when too few replicates had a defined correlation.
    /// - Throws: ``PsychometricsError/Code/invalidData`` as ``pearson(_:_:weights:)`` does.
    public static func pearsonInterval(_ x: [Double], _ y: [Double], weights: [Double], bootstrap: PercentileBootstrap) throws -> ConfidenceInterval? {
        try validate(x, y, weights)
        var effective = weights
        return bootstrap.interval(count: x.count) { multiplicities in
            for i in effective.indices { effective[i] = weights[i] * multiplicities[i] }
            return pearsonUnchecked(x, y, effective)
        }
    }

    /// A percentile bootstrap interval for the weighted Spearman correlation; each replicate
    /// re-ranks under its own weights wᵢ × multiplicity (ties averaged as in
    /// ``midRanks(_:weights:)``).
    ///
    /// - Parameters:
    ///   - x: the first variable.
    ///   - y: the second variable.
    ///   - weights: one weight ≥ 0 per observation.
    ///   - bootstrap: replicates, seed and level.
    /// - Returns: the interval, or nil when too few replicates had a defined correlation.
    /// - Throws: ``PsychometricsError/Code/invalidData`` as ``pearson(_:_:weights:)`` does.
    public static func spearmanInterval(_ x: [Double], _ y: [Double], weights: [Double], bootstrap: PercentileBootstrap) throws -> ConfidenceInterval? {
        try validate(x, y, weights)
        let orderX = RankOrder(values: x)
        let orderY = RankOrder(values: y)
        var effective = weights
        return bootstrap.interval(count: x.count) { multiplicities in
            for i in effective.indices { effective[i] = weights[i] * multiplicities[i] }
            return pearsonUnchecked(orderX.midRanks(weights: effective), orderY.midRanks(weights: effective), effective)
        }
    }
}
