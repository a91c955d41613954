import Foundation

/// Estimates a person's ability θ from dichotomous responses to items with known parameters:
/// EAP (Bock & Mislevy 1982) and maximum likelihood (Lord 1980, ch. 4; Baker & Kim 2004, ch. 7).
///
/// Both take the items and the responses as parallel arrays (`responses[i]` is the answer to
/// `items[i]`, `true` = correct). Items may follow any mix of Rasch, 2PL and 3PL models.
public struct AbilityEstimator: Sendable, Hashable {
    /// Mean μ of the N(μ, σ²) prior used by EAP (and by the MLE fallback).
    public let priorMean: Double
    /// Standard deviation σ of the prior.
    public let priorStandardDeviation: Double
    /// Number of equally spaced quadrature points over [−6, 6] for EAP (≥ 41).
    public let quadraturePoints: Int
    /// MLE convergence rule: stop when |Δθ| < tolerance.
    public let tolerance: Double
    /// MLE iteration limit.
    public let maximumIterations: Int

    /// The interval [−6, 6] over which EAP integrates and within which MLE is bounded.
    public static let thetaBounds: ClosedRange<Double> = -6...6

    /// Creates an estimator.
    ///
    /// - Parameters:
    ///   - priorMean: μ of the N(μ, σ²) prior (default 0).
    ///   - priorStandardDeviation: σ of the prior, finite and > 0 (default 1).
    ///   - quadraturePoints: EAP quadrature points over [−6, 6], at least 41 (default 61).
    ///   - tolerance: MLE stops when the Newton step |Δθ| is below this (default 1e-6).
    ///   - maximumIterations: MLE iteration limit, ≥ 1 (default 100).
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption``.
    public init(priorMean: Double = 0, priorStandardDeviation: Double = 1, quadraturePoints: Int = 61,
                tolerance: Double = 1e-6, maximumIterations: Int = 100) throws {
        guard priorMean.isFinite else { throw PsychometricsError(.invalidOption, "prior mean must be finite, is \(priorMean)") }
        guard priorStandardDeviation.isFinite, priorStandardDeviation > 0 else {
            throw PsychometricsError(.invalidOption, "prior SD must be finite and > 0, is \(priorStandardDeviation)")
        }
        guard quadraturePoints >= 41 else { throw PsychometricsError(.invalidOption, "EAP needs at least 41 quadrature points, got \(quadraturePoints)") }
        guard tolerance.isFinite, tolerance > 0 else { throw PsychometricsError(.invalidOption, "tolerance must be finite and > 0, is \(tolerance)") }
        guard maximumIterations >= 1 else { throw PsychometricsError(.invalidOption, "maximum iterations must be ≥ 1, is \(maximumIterations)") }
        self.priorMean = priorMean
        self.priorStandardDeviation = priorStandardDeviation
        self.quadraturePoints = quadraturePoints
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
    }

    /// The expected a posteriori (EAP) estimate and posterior SD (Bock & Mislevy 1982).
    ///
    /// With nodes q_k equally spaced over [−6, 6] and weights w_k = φ((q_k − μ)/σ):
    /// θ̂ = Σ q_k L(q_k) w_k / Σ L(q_k) w_k and SD² = Σ (q_k − θ̂)² L(q_k) w_k / Σ L(q_k) w_k,
    /// where L is the likelihood of the pattern (computed in log space). With no responses the
    /// result is the prior's mean and SD (as represented on the grid).
    ///
    /// - Parameters:
    ///   - items: the items answered.
    ///   - responses: `responses[i]` is true when `items[i]` was answered correctly.
    /// - Returns: the estimate with method ``AbilityEstimate/Method/expectedAPosteriori``.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` when
    ///   the arrays differ in length.
    public func expectedAPosteriori(items: [ItemParameters], responses: [Bool]) throws -> AbilityEstimate {
        try checkLengths(items, responses)
        return eap(items, responses, method: .expectedAPosteriori)
    }

    /// The maximum-likelihood estimate by Newton–Raphson with Fisher scoring (Lord 1980, eq. 4-31;
    /// Baker & Kim 2004, §7.2), and its standard error 1/√I(θ̂).
    ///
    /// Each step is θ ← θ + S(θ)/I(θ), where S = Σ (u_i − P_i) P′_i / (P_i Q_i) is the score and
    /// I = Σ P′_i² / (P_i Q_i) the test information (for Rasch and 2PL this *is* Newton–Raphson,
    /// since the observed and expected information coincide). Steps are limited to ±1 and θ is
    /// kept in [−6, 6]. Convergence rule: |Δθ| < ``tolerance``, or ``maximumIterations``.
    ///
    /// **Extreme patterns.** For an all-correct, all-wrong or empty pattern the likelihood has no
    /// finite maximum. This estimator then returns the EAP estimate with its prior instead, with
    /// method ``AbilityEstimate/Method/expectedAPosterioriFallback`` and the posterior SD as SE, so
    /// every pattern has a defined, finite result. With 3PL items a mixed pattern can also have
    /// its maximum at −∞; the estimate then stops at −6 and is reported as not converged.
    ///
    /// - Parameters:
    ///   - items: the items answered.
    ///   - responses: `responses[i]` is true when `items[i]` was answered correctly.
    /// - Returns: the estimate.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` when
    ///   the arrays differ in length.
    public func maximumLikelihood(items: [ItemParameters], responses: [Bool]) throws -> AbilityEstimate {
        try checkLengths(items, responses)
        let correct = responses.reduce(0) { $0 + ($1 ? 1 : 0) }
        if correct == 0 || correct == responses.count {
            return eap(items, responses, method: .expectedAPosterioriFallback)
        }
        var theta = 0.0
        var iterations = 0
        var converged = false
        var atBound = false
        while iterations < maximumIterations {
            iterations += 1
            let (score, information) = Self.scoreAndInformation(items, responses, theta)
            guard information > 0 else { break }
            let step = max(-1, min(1, score / information))
            var next = theta + step
            next = min(Self.thetaBounds.upperBound, max(Self.thetaBounds.lowerBound, next))
            let change = abs(next - theta)
            theta = next
            if change < tolerance {
                converged = true
                break
            }
            if next == Self.thetaBounds.lowerBound || next == Self.thetaBounds.upperBound {
                // A second step into the same bound means the maximum lies beyond it.
                let (s2, _) = Self.scoreAndInformation(items, responses, next)
                if (next < 0 && s2 < 0) || (next > 0 && s2 > 0) {
                    atBound = true
                    break
                }
            }
        }
        let (_, information) = Self.scoreAndInformation(items, responses, theta)
        let se = information > 0 ? 1 / information.squareRoot() : .infinity
        return AbilityEstimate(theta: theta, standardError: se, method: .maximumLikelihood,
                               iterations: iterations, converged: converged && !atBound)
    }

    /// The test information Σ I_i(θ) of a set of items (Lord 1980, eq. 5-6).
    ///
    /// - Parameters:
    ///   - items: the items.
    ///   - theta: the ability θ.
    /// - Returns: the sum of the items' Fisher information at θ.
    public static func testInformation(items: [ItemParameters], at theta: Double) -> Double {
        items.reduce(0) { $0 + $1.information(at: theta) }
    }

    // MARK: - Internals

    private func checkLengths(_ items: [ItemParameters], _ responses: [Bool]) throws {
        guard items.count == responses.count else {
            throw PsychometricsError(.invalidData, "\(items.count) items but \(responses.count) responses")
        }
    }

    private func eap(_ items: [ItemParameters], _ responses: [Bool], method: AbilityEstimate.Method) -> AbilityEstimate {
        let n = quadraturePoints
        let lower = Self.thetaBounds.lowerBound
        let width = Self.thetaBounds.upperBound - lower
        var logPost = [Double](repeating: 0, count: n)
        var maxLog = -Double.infinity
        for k in 0..<n {
            let q = lower + width * Double(k) / Double(n - 1)
            let z = (q - priorMean) / priorStandardDeviation
            var lp = -0.5 * z * z
            for (item, u) in zip(items, responses) {
                let p = item.probability(at: q)
                lp += u ? log(max(p, 1e-300)) : log(max(1 - p, 1e-300))
            }
            logPost[k] = lp
            maxLog = max(maxLog, lp)
        }
        var total = 0.0, first = 0.0
        for k in 0..<n {
            let q = lower + width * Double(k) / Double(n - 1)
            let w = exp(logPost[k] - maxLog)
            logPost[k] = w
            total += w
            first += w * q
        }
        let mean = first / total
        var second = 0.0
        for k in 0..<n {
            let q = lower + width * Double(k) / Double(n - 1)
            second += logPost[k] * (q - mean) * (q - mean)
        }
        return AbilityEstimate(theta: mean, standardError: (second / total).squareRoot(), method: method)
    }

    /// The score S(θ) and Fisher information I(θ) of a pattern.
    private static func scoreAndInformation(_ items: [ItemParameters], _ responses: [Bool], _ theta: Double) -> (Double, Double) {
        var score = 0.0, information = 0.0
        for (item, u) in zip(items, responses) {
            let star = logistic(item.a * (theta - item.b))
            let p = item.c + (1 - item.c) * star
            let q = 1 - p
            guard p > 0, q > 0 else { continue }
            let derivative = item.a * (1 - item.c) * star * (1 - star)
            score += ((u ? 1 : 0) - p) * derivative / (p * q)
            information += derivative * derivative / (p * q)
        }
        return (score, information)
    }
}
