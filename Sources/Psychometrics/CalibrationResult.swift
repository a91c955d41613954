/// The outcome of a ``Calibrator`` run: one ``CalibratedItem`` per item and how the EM ended.
public struct CalibrationResult: Sendable, Hashable {
    /// The model fitted (``IRTModel/rasch`` or ``IRTModel/twoParameter``).
    public let model: IRTModel
    /// One entry per item of the response matrix, in item order.
    public let items: [CalibratedItem]
    /// EM cycles run.
    public let iterations: Int
    /// Whether the convergence rule (largest parameter change < tolerance) was met before the
    /// iteration limit.
    public let converged: Bool
    /// The largest absolute change of any a or b in the last EM cycle.
    public let lastChange: Double
    /// The marginal log-likelihood Σ_persons log Σ_k w_k L_p(q_k) at the final parameters
    /// (computed in the last E-step).
    public let logLikelihood: Double

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - model: the model fitted.
    ///   - items: one entry per item.
    ///   - iterations: EM cycles run.
    ///   - converged: whether the convergence rule was met.
    ///   - lastChange: the largest parameter change in the last cycle.
    ///   - logLikelihood: the final marginal log-likelihood.
    public init(model: IRTModel, items: [CalibratedItem], iterations: Int, converged: Bool, lastChange: Double, logLikelihood: Double) {
        self.model = model
        self.items = items
        self.iterations = iterations
        self.converged = converged
        self.lastChange = lastChange
        self.logLikelihood = logLikelihood
    }

    /// The items that were not estimated or ended on a bound, for review.
    public var flaggedItems: [CalibratedItem] {
        items.filter { $0.status != .estimated || $0.atBound }
    }
}
