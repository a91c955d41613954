/// The result of ``ClassicalItemAnalysis/analyze(scores:maximumPoints:choices:)``: statistics per
/// item and the test's internal consistency.
public struct ClassicalTestAnalysis: Sendable, Hashable {
    /// One entry per item, in item order.
    public let items: [ClassicalItemStatistics]
    /// Cronbach's alpha; nil with fewer than 2 items or when total scores do not vary.
    public let cronbachAlpha: Double?
    /// Size of each of the top and bottom groups used for distractor analysis.
    public let groupSize: Int

    /// Creates a test analysis.
    ///
    /// - Parameters:
    ///   - items: per-item statistics.
    ///   - cronbachAlpha: Cronbach's alpha, if defined.
    ///   - groupSize: size of the top and bottom groups.
    public init(items: [ClassicalItemStatistics], cronbachAlpha: Double?, groupSize: Int) {
        self.items = items
        self.cronbachAlpha = cronbachAlpha
        self.groupSize = groupSize
    }

    /// The items with at least one review flag.
    public var flaggedItems: [ClassicalItemStatistics] { items.filter { !$0.flags.isEmpty } }
}
