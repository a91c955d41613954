/// How often one option of a choice item was chosen, overall and in the top and bottom groups.
public struct OptionStatistics: Sendable, Hashable {
    /// The option's index.
    public let option: Int
    /// Whether the option is the key.
    public let isKey: Bool
    /// Proportion of all persons who chose it.
    public let proportionAll: Double
    /// Proportion of the top group (top 27 % by total score) who chose it.
    public let proportionTop: Double
    /// Proportion of the bottom group (bottom 27 % by total score) who chose it.
    public let proportionBottom: Double

    /// Creates option statistics.
    ///
    /// - Parameters:
    ///   - option: the option's index.
    ///   - isKey: whether it is the key.
    ///   - proportionAll: share of all persons choosing it.
    ///   - proportionTop: share of the top group choosing it.
    ///   - proportionBottom: share of the bottom group choosing it.
    public init(option: Int, isKey: Bool, proportionAll: Double, proportionTop: Double, proportionBottom: Double) {
        self.option = option
        self.isKey = isKey
        self.proportionAll = proportionAll
        self.proportionTop = proportionTop
        self.proportionBottom = proportionBottom
    }
}
