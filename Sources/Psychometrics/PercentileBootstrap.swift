/// Percentile bootstrap confidence intervals (Efron & Tibshirani 1993, ch. 13), reproducible from
/// a seed.
///
/// Each replicate draws n observations with replacement; the statistic is computed with each
/// observation's multiplicity (how often it was drawn) and the interval is the (1 − level)/2 and
/// (1 + level)/2 quantiles of the replicate values, interpolated linearly between order statistics
/// (NumPy's default `percentile` rule). Replicates whose statistic is undefined (a resample with
/// no spread) are dropped; when more than half are, there is no interval.
///
/// The draws are exactly specified so that an independent implementation can repeat them: one
/// ``SplitMix64`` seeded with ``seed`` per interval, and index k = ⌊u · n / 2⁶⁴⌋ for each 64-bit
/// output u, n draws per replicate, replicates one after another.
///
/// ```swift
/// let bootstrap = try PercentileBootstrap(replicates: 1000, seed: 42)
/// let interval = bootstrap.interval(count: scores.count) { m in
///     WeightedCorrelation.mean(scores, weights: m)
/// }
/// ```
public struct PercentileBootstrap: Sendable, Hashable {
    /// Replicates to draw.
    public let replicates: Int
    /// The generator's seed; the same seed gives the same interval.
    public let seed: UInt64
    /// The confidence level, in (0, 1).
    public let level: Double

    /// Creates a bootstrap.
    ///
    /// - Parameters:
    ///   - replicates: replicates to draw (at least 2; 1000 by default).
    ///   - seed: the generator's seed.
    ///   - level: the confidence level (0.95 by default).
    /// - Throws: ``PsychometricsError/Code/invalidOption`` when replicates < 2 or the level is
    ///   not strictly between 0 and 1.
    public init(replicates: Int = 1000, seed: UInt64 = 2026, level: Double = 0.95) throws {
        guard replicates >= 2 else {
            throw PsychometricsError(.invalidOption, "a bootstrap needs at least 2 replicates, not \(replicates)")
        }
        guard level > 0, level < 1 else {
            throw PsychometricsError(.invalidOption, "a confidence level must lie strictly between 0 and 1, not \(level)")
        }
        self.replicates = replicates
        self.seed = seed
        self.level = level
    }

    /// The percentile interval of a statistic of n observations.
    ///
    /// - Parameters:
    ///   - count: the number of observations n (at least 1).
    ///   - statistic: computes the statistic of one resample from the multiplicities (one count
    ///     per observation, summing to n); nil when undefined.
    /// - Returns: the interval, or nil when n is 0 or more than half of the replicates were
    ///   undefined.
    public func interval(count: Int, statistic: ([Double]) -> Double?) -> ConfidenceInterval? {
        intervals(count: count, statistics: 1) { multiplicities, _ in statistic(multiplicities) }[0]
    }

    /// The percentile intervals of several statistics of the same n observations, each exactly
    /// as ``interval(count:statistic:)`` would give it alone: the draws depend only on the seed
    /// and n, so one set of multiplicities per replicate serves every statistic (the per-item
    /// intervals of a screen whose items were all shown to the same number of members).
    ///
    /// - Parameters:
    ///   - count: the number of observations n.
    ///   - statistics: how many statistics (at least 1).
    ///   - statistic: computes statistic k of one resample from the multiplicities.
    /// - Returns: one interval (or nil) per statistic, in order.
    func intervals(count: Int, statistics: Int, statistic: ([Double], Int) -> Double?) -> [ConfidenceInterval?] {
        guard count > 0, statistics > 0 else { return [ConfidenceInterval?](repeating: nil, count: max(statistics, 0)) }
        var generator = SplitMix64(seed: seed)
        var multiplicities = [Double](repeating: 0, count: count)
        var values = [[Double]](repeating: [], count: statistics)
        for k in values.indices { values[k].reserveCapacity(replicates) }
        for _ in 0..<replicates {
            for i in multiplicities.indices { multiplicities[i] = 0 }
            for _ in 0..<count {
                let index = Int(generator.next().multipliedFullWidth(by: UInt64(count)).high)
                multiplicities[index] += 1
            }
            for k in values.indices {
                if let value = statistic(multiplicities, k), value.isFinite { values[k].append(value) }
            }
        }
        let tail = (1 - level) / 2
        return values.map { replicateValues in
            guard replicateValues.count * 2 >= replicates else { return nil }
            let sorted = replicateValues.sorted()
            return ConfidenceInterval(lower: Self.quantile(sorted, tail), upper: Self.quantile(sorted, 1 - tail), level: level, replicates: sorted.count)
        }
    }

    /// The p-quantile of sorted values by linear interpolation between order statistics
    /// (Hyndman & Fan 1996, definition 7; NumPy's `percentile` default).
    ///
    /// - Parameters:
    ///   - sorted: values in ascending order (not empty).
    ///   - p: the probability, in [0, 1].
    /// - Returns: the quantile.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + fraction * (sorted[high] - sorted[low])
    }
}
