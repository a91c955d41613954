/// A dichotomous item response model (Lord 1980; Baker & Kim 2004), always on the logistic metric
/// with scaling constant D = 1.
public enum IRTModel: String, Sendable, Hashable, CaseIterable {
    /// Rasch / one-parameter logistic: P(θ) = 1 / (1 + e^−(θ − b)); a = 1, c = 0.
    case rasch
    /// Two-parameter logistic: P(θ) = 1 / (1 + e^−a(θ − b)); c = 0.
    case twoParameter = "2pl"
    /// Three-parameter logistic: P(θ) = c + (1 − c) / (1 + e^−a(θ − b)).
    case threeParameter = "3pl"
}
