/// Which way an outcome metric counts as better work.
///
/// Correlations are reported as computed; the direction only decides what "predicts the wrong
/// way" means for an item and which pass mark maximises expected quality. `gold_accuracy` and
/// `review_pass_rate` are better when higher; `rework_rate` is better when lower.
public enum OutcomeDirection: String, Sendable, Hashable, CaseIterable {
    /// A higher value is better work (accuracy, pass rates).
    case higherIsBetter = "higher_is_better"
    /// A lower value is better work (rework, error rates).
    case lowerIsBetter = "lower_is_better"

    /// +1 for ``higherIsBetter``, −1 for ``lowerIsBetter``: multiplying a correlation or a mean
    /// by it turns "larger" into "better".
    public var sign: Double {
        switch self {
        case .higherIsBetter: 1
        case .lowerIsBetter: -1
        }
    }
}
