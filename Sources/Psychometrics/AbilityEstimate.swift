/// An estimate of one person's ability θ with its standard error and how it was obtained.
public struct AbilityEstimate: Sendable, Hashable {
    /// How an ``AbilityEstimate`` was computed.
    public enum Method: String, Sendable, Hashable {
        /// Expected a posteriori: the posterior mean; the SE is the posterior SD.
        case expectedAPosteriori = "eap"
        /// Maximum likelihood by Newton–Raphson / Fisher scoring; the SE is 1/√I(θ̂).
        case maximumLikelihood = "mle"
        /// Maximum likelihood was asked for, but the pattern was all correct, all wrong or empty,
        /// so no finite maximum exists: the EAP estimate (with the estimator's prior) is
        /// returned instead.
        case expectedAPosterioriFallback = "eap-fallback"
    }

    /// The ability estimate θ̂ on the logistic metric.
    public let theta: Double
    /// The standard error of θ̂ (posterior SD for EAP, 1/√I(θ̂) for MLE).
    public let standardError: Double
    /// How the estimate was computed.
    public let method: Method
    /// Newton–Raphson iterations used (0 for EAP).
    public let iterations: Int
    /// Whether the iteration met its convergence rule (always true for EAP). A maximum-likelihood
    /// estimate that ran into the bound ±6 (possible with 3PL items) is reported as not converged.
    public let converged: Bool

    /// Creates an estimate.
    ///
    /// - Parameters:
    ///   - theta: the estimate θ̂.
    ///   - standardError: its standard error.
    ///   - method: how it was computed.
    ///   - iterations: iterations used (0 for EAP).
    ///   - converged: whether the convergence rule was met.
    public init(theta: Double, standardError: Double, method: Method, iterations: Int = 0, converged: Bool = true) {
        self.theta = theta
        self.standardError = standardError
        self.method = method
        self.iterations = iterations
        self.converged = converged
    }
}
