import Testing
import Psychometrics

/// Reference values computed independently in Python/NumPy (grid EAP with `numpy.linspace`,
/// MLE by a 1.2-million-point grid search refined by bisection on the score function).
@Suite("Estimating ability by EAP and maximum likelihood")
struct AbilityEstimatorTests {
    static func fiveItems() throws -> [ItemParameters] {
        [
            try ItemParameters(a: 1.0, b: -1.0),
            try ItemParameters(a: 1.5, b: 0.0),
            try ItemParameters(a: 0.8, b: 0.5),
            try ItemParameters(a: 1.2, b: 1.0, c: 0.2),
            try ItemParameters(a: 2.0, b: -0.5, c: 0.25),
        ]
    }

    @Test("EAP with a standard normal prior and 61 points matches NumPy", arguments: [
        ([true, true, false, false, true], 0.33042028105186194, 0.6572076802573781),
        ([true, false, true, false, false], -0.6051099196804727, 0.6098446864200376),
        ([true, true, true, true, true], 1.1650407863310352, 0.7477370508298548),
        ([false, false, false, false, false], -1.3430302202771045, 0.6823567946406098),
    ])
    func eapDefault(responses: [Bool], theta: Double, sd: Double) throws {
        let estimate = try AbilityEstimator().expectedAPosteriori(items: try Self.fiveItems(), responses: responses)
        #expect(abs(estimate.theta - theta) < 1e-9)
        #expect(abs(estimate.standardError - sd) < 1e-9)
        #expect(estimate.method == .expectedAPosteriori)
    }

    @Test("EAP with a N(0.5, 1.5²) prior and 41 points matches NumPy", arguments: [
        ([true, true, false, false, true], 0.5801534981318489, 0.7828820960151711),
        ([true, true, true, true, true], 2.0324468723268265, 1.0421209867773196),
        ([false, false, false, false, false], -1.7654419053486945, 0.8933616173785022),
    ])
    func eapCustomPrior(responses: [Bool], theta: Double, sd: Double) throws {
        let estimator = try AbilityEstimator(priorMean: 0.5, priorStandardDeviation: 1.5, quadraturePoints: 41)
        let estimate = try estimator.expectedAPosteriori(items: try Self.fiveItems(), responses: responses)
        #expect(abs(estimate.theta - theta) < 1e-9)
        #expect(abs(estimate.standardError - sd) < 1e-9)
    }

    @Test("EAP with no responses returns the prior")
    func eapNoResponses() throws {
        let estimate = try AbilityEstimator().expectedAPosteriori(items: [], responses: [])
        #expect(abs(estimate.theta) < 1e-12)
        #expect(abs(estimate.standardError - 1) < 1e-6)
    }

    @Test("MLE by Newton–Raphson matches NumPy, with SE 1/√I(θ̂)", arguments: [
        ([true, true, false, false, true], 0.5080287820839082, 0.8798231748771387),
        ([true, false, true, false, false], -0.8779708320739328, 0.9114949074254914),
        ([true, true, true, false, true], 1.1790238103560515, 1.0770853094716628),
    ])
    func mle(responses: [Bool], theta: Double, se: Double) throws {
        let estimate = try AbilityEstimator().maximumLikelihood(items: try Self.fiveItems(), responses: responses)
        #expect(estimate.method == .maximumLikelihood)
        #expect(estimate.converged)
        #expect(estimate.iterations < 20)
        #expect(abs(estimate.theta - theta) < 1e-6)
        #expect(abs(estimate.standardError - se) < 1e-6)
    }

    @Test("MLE for a Rasch pattern solves Σ P_i(θ) = raw score")
    func mleRaschScoreEquation() throws {
        let items = try [-1.5, -0.5, 0, 0.5, 1.5].map { try ItemParameters.rasch(b: $0) }
        let estimate = try AbilityEstimator().maximumLikelihood(items: items, responses: [true, true, true, false, false])
        let expected = items.reduce(0) { $0 + $1.probability(at: estimate.theta) }
        #expect(abs(expected - 3) < 1e-6)
    }

    @Test("MLE falls back to EAP for all-correct, all-wrong and empty patterns", arguments: [
        [true, true, true, true, true], [false, false, false, false, false], [],
    ])
    func mleExtremeFallsBack(responses: [Bool]) throws {
        let estimator = try AbilityEstimator()
        let items = Array(try Self.fiveItems().prefix(responses.count))
        let mle = try estimator.maximumLikelihood(items: items, responses: responses)
        let eap = try estimator.expectedAPosteriori(items: items, responses: responses)
        #expect(mle.method == .expectedAPosterioriFallback)
        #expect(mle.theta == eap.theta)
        #expect(mle.standardError == eap.standardError)
        #expect(mle.theta.isFinite && mle.standardError.isFinite)
    }

    @Test("A 3PL pattern whose likelihood rises toward −∞ stops at −6 and is reported as not converged")
    func mleThreePLBound() throws {
        // Missing an easy item and answering a hard, highly guessable one: the likelihood is
        // maximal as θ → −∞ (guessing explains the correct answer).
        let items = [try ItemParameters(a: 2, b: -2), try ItemParameters(a: 2, b: 2, c: 0.3)]
        let estimate = try AbilityEstimator().maximumLikelihood(items: items, responses: [false, true])
        #expect(estimate.theta == -6)
        #expect(!estimate.converged)
    }

    @Test("Mismatched lengths and bad options are rejected")
    func invalidInput() throws {
        let items = try Self.fiveItems()
        #expect(throws: PsychometricsError.self) { try AbilityEstimator().expectedAPosteriori(items: items, responses: [true]) }
        #expect(throws: PsychometricsError.self) { try AbilityEstimator(quadraturePoints: 40) }
        #expect(throws: PsychometricsError.self) { try AbilityEstimator(priorStandardDeviation: 0) }
        #expect(throws: PsychometricsError.self) { try AbilityEstimator(tolerance: -1) }
    }

    @Test("Test information is the sum of item information")
    func testInformation() throws {
        let items = try Self.fiveItems()
        let sum = items.reduce(0) { $0 + $1.information(at: 0.3) }
        #expect(AbilityEstimator.testInformation(items: items, at: 0.3) == sum)
    }
}
