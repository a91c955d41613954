/// One item of an adaptive-testing pool: its IRT parameters and its topic label.
public struct PoolItem: Sendable, Hashable {
    /// The item's calibrated parameters.
    public let parameters: ItemParameters
    /// The item's topic (the bank's `topic` field), used for topic balancing.
    public let topic: String

    /// Creates a pool item.
    ///
    /// - Parameters:
    ///   - parameters: the item's parameters.
    ///   - topic: its topic label.
    public init(parameters: ItemParameters, topic: String) {
        self.parameters = parameters
        self.topic = topic
    }
}
