import Testing
import Psychometrics

@Suite("Item response functions and information")
struct ItemParametersTests {
    @Test("A Rasch item has P = 0.5 at θ = b and information 0.25 there")
    func raschAtDifficulty() throws {
        let item = try ItemParameters.rasch(b: 0.7)
        #expect(item.model == .rasch)
        #expect(abs(item.probability(at: 0.7) - 0.5) < 1e-15)
        #expect(abs(item.information(at: 0.7) - 0.25) < 1e-15)
    }

    /// Hand-computed with D = 1: e.g. 2PL a = 1.5, b = −0.5 at θ = 0.5: z = 1.5,
    /// P = 1/(1 + e^−1.5) = 0.8175744762, I = 2.25 · P · Q = 0.3355795.
    @Test("P and information match hand-computed values on the logistic metric", arguments: [
        (1.0, 0.0, 0.0, 1.0, 0.7310585786300049, 0.19661193324148182),
        (1.5, -0.5, 0.0, 0.5, 0.8175744761936437, 0.33557951715824896),
        (0.8, 1.0, 0.0, -1.0, 0.16798161486607552, 0.08944882683715906),
        (1.2, 0.0, 0.2, 0.0, 0.6, 0.24),
        (2.0, 1.0, 0.25, 1.5, 0.7982939339725037, 0.5401575823404636),
        (1.0, 0.0, 0.2, -2.0, 0.29536233761769404, 0.03389881668630717),
    ])
    func handComputed(a: Double, b: Double, c: Double, theta: Double, p: Double, info: Double) throws {
        let item = try ItemParameters(a: a, b: b, c: c)
        #expect(abs(item.probability(at: theta) - p) < 1e-12)
        #expect(abs(item.information(at: theta) - info) < 1e-12)
    }

    @Test("The 3PL lower asymptote is reached far below the difficulty and 1 far above")
    func asymptotes() throws {
        let item = try ItemParameters(a: 1.3, b: 0, c: 0.2)
        #expect(abs(item.probability(at: -800) - 0.2) < 1e-15)
        #expect(item.probability(at: 800) == 1)
        #expect(item.information(at: 800) == 0)
        #expect(item.information(at: -800) == 0)
        #expect(item.model == .threeParameter)
    }

    @Test("2PL information peaks at θ = b with value a²/4")
    func twoPLPeak() throws {
        let item = try ItemParameters(a: 2, b: -1)
        #expect(item.model == .twoParameter)
        let peak = item.information(at: -1)
        #expect(abs(peak - 1.0) < 1e-15)
        #expect(item.information(at: -0.9) < peak)
        #expect(item.information(at: -1.1) < peak)
    }

    @Test("Invalid parameters are rejected", arguments: [
        (0.0, 0.0, 0.0), (-1.0, 0.0, 0.0), (1.0, Double.nan, 0.0), (1.0, 0.0, 1.0), (1.0, 0.0, -0.1), (Double.infinity, 0.0, 0.0),
    ])
    func invalid(a: Double, b: Double, c: Double) {
        #expect(throws: PsychometricsError.self) { try ItemParameters(a: a, b: b, c: c) }
    }
}
