/// A two-sided confidence interval from a percentile bootstrap.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    /// The lower bound.
    public let lower: Double
    /// The upper bound.
    public let upper: Double
    /// The confidence level, e.g. 0.95.
    public let level: Double
    /// How many bootstrap replicates had a defined statistic and made the interval.
    public let replicates: Int

    /// Creates an interval.
    ///
    /// - Parameters:
    ///   - lower: the lower bound.
    ///   - upper: the upper bound.
    ///   - level: the confidence level.
    ///   - replicates: the replicates behind it.
    public init(lower: Double, upper: Double, level: Double, replicates: Int) {
        self.lower = lower
        self.upper = upper
        self.level = level
        self.replicates = replicates
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
        ConfidenceInterval(lower: try transform(lower), upper: try transform(upper), level: level, replicates: replicates)
    }
}
