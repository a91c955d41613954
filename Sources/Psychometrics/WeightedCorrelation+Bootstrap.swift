import Foundation

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

    /// Percentile bootstrap intervals of the weighted Pearson r and Spearman ρ of several
    /// predictors against one outcome over the same observations, every interval exactly as
    /// ``pearsonInterval(_:_:weights:bootstrap:)`` and ``spearmanInterval(_:_:weights:bootstrap:)``
    /// give it alone: all start from the same seed with the same n, so one set of multiplicities
    /// per replicate serves them all (the draws are then made once instead of twice per predictor).
    ///
    /// - Parameters:
    ///   - predictors: the predictors (e.g. percent and θ̂), each with as many values as `y`.
    ///   - y: the outcome.
    ///   - weights: one weight ≥ 0 per observation.
    ///   - bootstrap: replicates, seed and level.
    /// - Returns: per predictor, its Pearson and Spearman intervals (nil when too few replicates had one).
    /// - Throws: ``PsychometricsError/Code/invalidData`` as ``pearson(_:_:weights:)`` does.
    public static func correlationIntervals(_ predictors: [[Double]], _ y: [Double], weights: [Double],
                                            bootstrap: PercentileBootstrap) throws -> [(pearson: ConfidenceInterval?, spearman: ConfidenceInterval?)] {
        for x in predictors { try validate(x, y, weights) }
        guard !predictors.isEmpty else { return [] }
        let orders = predictors.map { RankOrder(values: $0) }
        let orderY = RankOrder(values: y)
        var effective = weights
        var ranksY: [Double] = []
        // Statistic 2p is predictor p's Pearson r, 2p + 1 its Spearman ρ; `intervals` asks for them
        // in order within a replicate, so the replicate's weights and outcome ranks are made at 0.
        let intervals = bootstrap.intervals(count: y.count, statistics: 2 * predictors.count) { multiplicities, k in
            if k == 0 {
                for i in effective.indices { effective[i] = weights[i] * multiplicities[i] }
                ranksY = orderY.midRanks(weights: effective)
            }
            let p = k / 2
            if k % 2 == 0 { return pearsonUnchecked(predictors[p], y, effective) }
            return pearsonUnchecked(orders[p].midRanks(weights: effective), ranksY, effective)
        }
        return predictors.indices.map { (pearson: intervals[2 * $0], spearman: intervals[2 * $0 + 1]) }
    }

    /// The variance factor of Fisher's z for Spearman's ρ, 1.06 (Fieller, Hartley & Pearson 1957).
    public static let spearmanVarianceFactor = 1.06

    /// The analytic interval of a weighted correlation r: Fisher's z transformation with the Kish
    /// effective sample size, tanh(atanh(r) ± z₍₁₊ₗₑᵥₑₗ₎⸝₂ · √(f / (n_eff − 3))) with
    /// n_eff = (Σwᵢ)² / Σwᵢ² (Fisher 1921; Kish 1965, *Survey Sampling*, §11.7). f is 1 for
    /// Pearson's r (and the point-biserial); 1.06 for Spearman's ρ (Fieller, Hartley & Pearson
    /// 1957). Used instead of the bootstrap on large samples, where the two agree closely and the
    /// bootstrap's cost grows with n × replicates.
    ///
    /// - Parameters:
    ///   - r: the correlation, in (−1, 1).
    ///   - weights: the weights of the observations it was computed on.
    ///   - level: the confidence level, in (0, 1).
    ///   - varianceFactor: f, the variance of z relative to Pearson's 1 / (n − 3).
    /// - Returns: the interval, or nil when |r| = 1, r is not finite or n_eff ≤ 3.
    public static func fisherInterval(_ r: Double, weights: [Double], level: Double, varianceFactor: Double = 1) -> ConfidenceInterval? {
        var total = 0.0
        var squares = 0.0
        for w in weights {
            total += w
            squares += w * w
        }
        guard squares > 0, r.isFinite, abs(r) < 1, level > 0, level < 1 else { return nil }
        let effective = total * total / squares
        guard effective > 3 else { return nil }
        let z = atanh(r)
        let half = normalQuantile((1 + level) / 2) * (varianceFactor / (effective - 3)).squareRoot()
        return ConfidenceInterval(lower: tanh(z - half), upper: tanh(z + half), level: level, replicates: 0,
                                  method: .fisherZ, effectiveSize: effective)
    }

    /// The standard normal quantile Φ⁻¹(p): Acklam's rational approximation refined by one
    /// Halley step on erfc, accurate to about 1e-15.
    ///
    /// - Parameters:
    ///   - p: the probability, in (0, 1).
    /// - Returns: x with Φ(x) = p.
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
