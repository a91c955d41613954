/// The calibration result for one item: its estimated parameters and standard errors, or the
/// reason it was not estimated.
public struct CalibratedItem: Sendable, Hashable {
    /// Whether and why an item was estimated.
    public enum Status: String, Sendable, Hashable {
        /// Parameters were estimated.
        case estimated
        /// Every respondent answered correctly: difficulty would diverge to −∞; not estimated.
        case allCorrect = "all-correct"
        /// Every respondent answered wrongly: difficulty would diverge to +∞; not estimated.
        case allWrong = "all-wrong"
        /// Fewer responses than the calibrator's minimum; not estimated.
        case tooFewResponses = "too-few-responses"
    }

    /// Zero-based item index in the ``ResponseMatrix``.
    public let item: Int
    /// Whether and why the item was estimated.
    public let status: Status
    /// The estimated parameters (c = 0), or nil when the item was not estimated.
    public let parameters: ItemParameters?
    /// Standard error of a (nil for Rasch, where a = 1 is fixed, and for items not estimated).
    public let standardErrorA: Double?
    /// Standard error of b (nil for items not estimated).
    public let standardErrorB: Double?
    /// Number of responses to the item.
    public let responseCount: Int
    /// Proportion of those responses that were correct (0 when there were none).
    public let proportionCorrect: Double
    /// True when the estimate of a ended on a bound of ``Calibrator/discriminationBounds`` or b
    /// on a bound of ``Calibrator/difficultyBounds``: the item deserves review.
    public let atBound: Bool

    /// Creates an item result.
    ///
    /// - Parameters:
    ///   - item: zero-based item index.
    ///   - status: whether and why the item was estimated.
    ///   - parameters: the estimated parameters, if any.
    ///   - standardErrorA: SE of a, if estimated.
    ///   - standardErrorB: SE of b, if estimated.
    ///   - responseCount: number of responses.
    ///   - proportionCorrect: proportion correct among them.
    ///   - atBound: whether a parameter ended on a bound.
    public init(item: Int, status: Status, parameters: ItemParameters?, standardErrorA: Double?, standardErrorB: Double?,
                responseCount: Int, proportionCorrect: Double, atBound: Bool) {
        self.item = item
        self.status = status
        self.parameters = parameters
        self.standardErrorA = standardErrorA
        self.standardErrorB = standardErrorB
        self.responseCount = responseCount
        self.proportionCorrect = proportionCorrect
        self.atBound = atBound
    }
}
