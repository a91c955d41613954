/// How close a numeric answer must be to the key to earn the points (docs/bank-format.md,
/// "numeric").
///
/// All comparisons allow a relative slack of 1e-9 of the larger magnitude involved, so that a
/// value on the printed boundary (9.83 against 9.81 ± 0.02) is accepted despite binary rounding.
public enum NumericTolerance: Sendable, Hashable {
    /// The given number must equal the answer.
    case exact
    /// |given − answer| ≤ the tolerance (a finite number ≥ 0).
    case absolute(Double)
    /// |given − answer| ≤ percent / 100 × |answer|. With an answer of 0 only 0 is accepted.
    case percent(Double)
    /// min ≤ given ≤ max (a closed range); the answer, if any, must lie inside it.
    case range(min: Double, max: Double)
}
