import Foundation

/// Simulates 0/1 responses from known Rasch or 2PL parameters, reproducibly from a seed, for
/// parameter-recovery tests and calibration benchmarks.
///
/// Draws, in this order, from one ``SplitMix64`` stream: abilities θ_p ~ N(0, 1); difficulties
/// b_i ~ N(0, 1) clipped to [−2.5, 2.5]; for 2PL, discriminations a_i = exp(0.4 z) with z ~ N(0, 1),
/// clipped to [0.3, 3] (Rasch: a_i = 1); then person by person, item by item, a uniform draw
/// deciding whether the item was presented (probability 1 − sparseFraction) and, if it was, a
/// uniform draw u with the response correct when u < P_i(θ_p) (D = 1).
public enum ResponseSimulator {
    /// The true parameters and the responses of one simulation.
    public struct Simulation: Sendable, Hashable {
        /// True abilities, one per person.
        public let abilities: [Double]
        /// True item parameters, one per item (c = 0).
        public let items: [ItemParameters]
        /// The simulated responses.
        public let responses: ResponseMatrix
    }

    /// Simulates a data set.
    ///
    /// - Parameters:
    ///   - persons: number of persons (≥ 1).
    ///   - items: number of items (≥ 1).
    ///   - sparseFraction: probability that a given item is *not* presented to a given person,
    ///     in 0 ≤ f < 1 (0 gives a complete matrix).
    ///   - seed: the PRNG seed; equal arguments give equal simulations.
    ///   - model: ``IRTModel/rasch`` or ``IRTModel/twoParameter`` (default 2PL).
    /// - Returns: the true parameters and the responses.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption`` for
    ///   counts < 1, a fraction outside [0, 1) or the 3PL model.
    public static func simulate(persons: Int, items: Int, sparseFraction: Double = 0, seed: UInt64,
                                model: IRTModel = .twoParameter) throws -> Simulation {
        guard persons >= 1, items >= 1 else { throw PsychometricsError(.invalidOption, "need at least one person and one item") }
        guard sparseFraction >= 0, sparseFraction < 1 else {
            throw PsychometricsError(.invalidOption, "sparse fraction must be in [0, 1), is \(sparseFraction)")
        }
        guard model != .threeParameter else { throw PsychometricsError(.invalidOption, "the simulator generates Rasch and 2PL data only") }
        var rng = SplitMix64(seed: seed)
        let abilities = (0..<persons).map { _ in rng.nextStandardNormal() }
        let b = (0..<items).map { _ in min(2.5, max(-2.5, rng.nextStandardNormal())) }
        let a = (0..<items).map { _ in model == .rasch ? 1 : min(3, max(0.3, exp(0.4 * rng.nextStandardNormal()))) }
        let parameters = (0..<items).map { ItemParameters(unchecked: a[$0], b[$0], 0) }

        var rowStart = [Int](repeating: 0, count: persons + 1)
        var itemIndex: [Int32] = []
        var score: [UInt8] = []
        let expected = Int(Double(persons * items) * (1 - sparseFraction) * 1.05) + 16
        itemIndex.reserveCapacity(expected)
        score.reserveCapacity(expected)
        for p in 0..<persons {
            for i in 0..<items {
                if sparseFraction > 0, rng.nextUnit() < sparseFraction { continue }
                let probability = parameters[i].probability(at: abilities[p])
                itemIndex.append(Int32(i))
                score.append(rng.nextUnit() < probability ? 1 : 0)
            }
            rowStart[p + 1] = itemIndex.count
        }
        let matrix = ResponseMatrix(personCount: persons, itemCount: items, rowStart: rowStart, itemIndex: itemIndex, score: score)
        return Simulation(abilities: abilities, items: parameters, responses: matrix)
    }
}
