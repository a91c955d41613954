/// A two-sided confidence interval: from a percentile bootstrap, or analytic (Fisher's z with a
/// Kish effective sample size) for correlations on many observations.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    /// How an interval was computed.
    public enum Method: String, Sendable, Hashable, Codable {
        /// Quantiles of bootstrap replicates (``PercentileBootstrap``).
        case percentileBootstrap = "percentile_bootstrap"
        /// tanh(atanh(r) ± z · 1/√(n_eff − 3)), n_eff = (Σw)²/Σw² (``WeightedCorrelation/fisherInterval(_:weights:level:)``).
        case fisherZ = "fisher_z"
    }

    /// The lower bound.
    public let lower: Double
    /// The upper bound.
    public let upper: Double
    /// The confidence level, e.g. 0.95.
    public let level: Double
    /// How many bootstrap replicates had a defined statistic and made the interval (0 for an
    /// analytic interval).
    public let replicates: Int
    /// How the interval was computed.
    public let method: Method
    /// The Kish effective sample size behind an analytic interval; nil for a bootstrap one.
    public let effectiveSize: Double?

    /// Creates an interval.
    ///
    /// - Parameters:
    ///   - lower: the lower bound.
    ///   - upper: the upper bound.
    ///   - level: the confidence level.
    ///   - replicates: the replicates behind it (0 for an analytic interval).
    ///   - method: how it was computed (a percentile bootstrap by default).
    ///   - effectiveSize: the effective sample size behind an analytic interval.
    public init(lower: Double, upper: Double, level: Double, replicates: Int, method: Method = .percentileBootstrap, effectiveSize: Double? = nil) {
        self.lower = lower
        self.upper = upper
        self.level = level
        self.replicates = replicates
        self.method = method
        self.effectiveSize = effectiveSize
    }

    /// Whether `value` lies within the interval (bounds included).
    ///
    /// - Parameters:
    ///   - value: the value to test.
    /// - Returns: true when lower ≤ value ≤ upper.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// The interval with each bound passed through a monotone increasing function (for example a
    /// range-restriction correction), as the percentile interval of the transformed statistic.
    ///
    /// - Parameters:
    ///   - transform: an increasing function.
    /// - Returns: the transformed interval.
    /// - Throws: whatever `transform` throws.
    public func mapped(_ transform: (Double) throws -> Double) rethrows -> ConfidenceInterval {
        ConfidenceInterval(lower: try transform(lower), upper: try transform(upper), level: level, replicates: replicates,
                           method: method, effectiveSize: effectiveSize)
    }
}
