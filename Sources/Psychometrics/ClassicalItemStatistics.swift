/// Classical test theory statistics of one item.
public struct ClassicalItemStatistics: Sendable, Hashable {
    /// Zero-based item index.
    public let item: Int
    /// Facility (difficulty index p): mean proportion of the item's points earned.
    public let facility: Double
    /// Corrected item–total point-biserial: the Pearson correlation of the item score with the
    /// total of the *other* items; nil when either has zero variance.
    public let correctedPointBiserial: Double?
    /// Option table for choice items (nil for other items).
    public let options: [OptionStatistics]?
    /// Reasons to review the item (empty when none).
    public let flags: [ReviewFlag]

    /// Creates item statistics.
    ///
    /// - Parameters:
    ///   - item: zero-based item index.
    ///   - facility: mean proportion of points.
    ///   - correctedPointBiserial: item–rest correlation, if defined.
    ///   - options: option table for choice items.
    ///   - flags: review flags.
    public init(item: Int, facility: Double, correctedPointBiserial: Double?, options: [OptionStatistics]?, flags: [ReviewFlag]) {
        self.item = item
        self.facility = facility
        self.correctedPointBiserial = correctedPointBiserial
        self.options = options
        self.flags = flags
    }
}
