public import Psychometrics

/// What Assay knows about work-outcome metrics: which way each counts as better, and which are
/// rates that must lie in [0, 1].
///
/// Any metric name of lower-case letters, digits and underscores may be imported; the metrics
/// listed here are checked further. A metric not listed counts as better when higher unless the
/// report is told otherwise.
public enum OutcomeMetric {
    /// Rates that lie in [0, 1], better when higher.
    public static let higherRates: Set<String> = ["gold_accuracy", "review_pass_rate", "acceptance_rate", "agreement_rate"]
    /// Rates that lie in [0, 1], better when lower.
    public static let lowerRates: Set<String> = ["rework_rate", "error_rate", "rejection_rate", "defect_rate"]

    /// Which way `metric` counts as better (higher, unless it is a known lower-is-better rate).
    ///
    /// - Parameters:
    ///   - metric: the metric's name.
    /// - Returns: its direction.
    public static func direction(of metric: String) -> OutcomeDirection {
        lowerRates.contains(metric) ? .lowerIsBetter : .higherIsBetter
    }

    /// Whether `metric` is a known rate, whose values must lie in [0, 1].
    ///
    /// - Parameters:
    ///   - metric: the metric's name.
    /// - Returns: true for the rates listed in ``higherRates`` and ``lowerRates``.
    public static func isRate(_ metric: String) -> Bool {
        higherRates.contains(metric) || lowerRates.contains(metric)
    }

    /// Whether `name` is a valid metric name: a lower-case letter, then up to 62 lower-case
    /// letters, digits or underscores.
    ///
    /// - Parameters:
    ///   - name: the name to check.
    /// - Returns: true when valid.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (97...122).contains(first), bytes.count <= 63 else { return false }
        return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}
