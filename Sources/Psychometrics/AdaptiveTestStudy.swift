import Foundation

/// A simulation study that tells whether adaptive screens pay off on a calibrated 2PL bank:
/// the accuracy of θ̂ for fixed and adaptive screens of equal length, the length an adaptive
/// screen needs to reach a target SE, and the time one item selection takes.
///
/// **Data.** The bank, the true abilities and each person's answer to *every* bank item are
/// those of ``ResponseSimulator/simulate(persons:items:sparseFraction:seed:model:)`` with the
/// same counts and seed (2PL, complete): `assay irt simulate --persons P --items B --seed S`
/// writes exactly this data set. A screen, fixed or adaptive, reads the answers of the items it
/// gives, so both designs are compared on the same answers and differ only in which items they
/// choose. The bank is taken as calibrated: its true parameters are used for selection and
/// scoring.
///
/// **Fixed screens.** One random order of the bank (a seeded shuffle); the fixed screen of
/// length L is its first L items, the same for everybody, scored by EAP
/// (``AbilityEstimator/expectedAPosteriori(items:responses:)``, N(0, 1) prior).
///
/// **Adaptive screens.** Start at θ̂ = 0; choose each item by maximum Fisher information at θ̂
/// with randomesque exposure control (Kingsbury & Zara 1989: uniformly among the k most
/// informative; ``ItemPool/selectNextItem(theta:administered:topicTargets:randomesque:using:)``),
/// re-estimate θ̂ by EAP after every answer. Every screen runs to ``maximumLength`` so that the
/// RMSE is known at each length; the variable-length screen with ``StoppingRule`` (SE ≤ target,
/// at most ``maximumLength`` items) stops at the first length its rule says, which is the same
/// sequence cut short.
///
/// RMSE = √(mean over persons of (θ̂ − θ)²) (Bock & Mislevy 1982 use the same criterion).
public struct AdaptiveTestStudy: Sendable, Hashable {
    /// Items in the simulated bank.
    public let bankSize: Int
    /// Simulated candidates.
    public let persons: Int
    /// The longest screen (fixed and adaptive).
    public let maximumLength: Int
    /// The SE target of the variable-length adaptive screen.
    public let targetStandardError: Double
    /// k of the randomesque selection (1: always the most informative item).
    public let randomesque: Int
    /// The seed of the data, the fixed form and the randomesque draws.
    public let seed: UInt64

    /// Describes a study.
    ///
    /// - Parameters:
    ///   - bankSize: items in the bank (≥ `maximumLength`).
    ///   - persons: candidates (≥ 1).
    ///   - maximumLength: the longest screen (≥ 1).
    ///   - targetStandardError: SE target, finite and > 0.
    ///   - randomesque: k ≥ 1 (default 5).
    ///   - seed: the seed.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption``.
    public init(bankSize: Int, persons: Int, maximumLength: Int, targetStandardError: Double, randomesque: Int = 5, seed: UInt64) throws {
        guard persons >= 1 else { throw PsychometricsError(.invalidOption, "need at least one person, got \(persons)") }
        guard maximumLength >= 1 else { throw PsychometricsError(.invalidOption, "maximum length must be ≥ 1, is \(maximumLength)") }
        guard bankSize >= maximumLength else {
            throw PsychometricsError(.invalidOption, "the bank (\(bankSize) items) must hold at least the maximum length (\(maximumLength))")
        }
        guard targetStandardError.isFinite, targetStandardError > 0 else {
            throw PsychometricsError(.invalidOption, "target SE must be finite and > 0, is \(targetStandardError)")
        }
        guard randomesque >= 1 else { throw PsychometricsError(.invalidOption, "randomesque k must be ≥ 1, is \(randomesque)") }
        self.bankSize = bankSize
        self.persons = persons
        self.maximumLength = maximumLength
        self.targetStandardError = targetStandardError
        self.randomesque = randomesque
        self.seed = seed
    }

    /// The lengths reported: 5, 10, … up to ``maximumLength``, and ``maximumLength`` itself.
    public var reportedLengths: [Int] {
        var lengths = Array(stride(from: 5, through: maximumLength, by: 5))
        if lengths.last != maximumLength { lengths.append(maximumLength) }
        return lengths
    }

    /// Runs the study.
    ///
    /// - Returns: the accuracies, lengths and selection time.
    /// - Throws: ``PsychometricsError`` only if a component rejects its input (not expected for
    ///   a study that passed ``init(bankSize:persons:maximumLength:targetStandardError:randomesque:seed:)``).
    public func run() throws -> AdaptiveTestStudyResult {
        let simulation = try ResponseSimulator.simulate(persons: persons, items: bankSize, seed: seed)
        let bank = simulation.items
        var answers = [Bool](repeating: false, count: persons * bankSize)
        for person in 0..<persons {
            for observation in simulation.responses.observations(ofPerson: person) {
                answers[person * bankSize + observation.item] = observation.correct
            }
        }
        let estimator = try AbilityEstimator()
        let lengths = reportedLengths

        // Fixed forms: prefixes of one seeded random order of the bank.
        var formRNG = SplitMix64(seed: seed ^ 0x5EED_F0F0_F0F0_F0F0)
        var order = Array(0..<bankSize)
        order.shuffle(using: &formRNG)
        var fixedSquares = [Double](repeating: 0, count: lengths.count)
        for person in 0..<persons {
            let truth = simulation.abilities[person]
            for (slot, length) in lengths.enumerated() {
                let form = order.prefix(length)
                let estimate = try estimator.expectedAPosteriori(items: form.map { bank[$0] }, responses: form.map { answers[person * bankSize + $0] })
                fixedSquares[slot] += (estimate.theta - truth) * (estimate.theta - truth)
            }
        }

        // Adaptive screens.
        let pool = ItemPool(items: bank.map { PoolItem(parameters: $0, topic: "") })
        let rule = try StoppingRule(targetStandardError: targetStandardError, maximumLength: maximumLength)
        var selectionRNG = SplitMix64(seed: seed ^ 0xCA7_5E1E_C7)
        let clock = ContinuousClock()
        var selectionTime = Duration.zero
        var selections = 0
        var adaptiveSquares = [Double](repeating: 0, count: maximumLength)
        var stopLengths = 0, reached = 0
        var stopSquares = 0.0
        for person in 0..<persons {
            let truth = simulation.abilities[person]
            var administered = Set<Int>(minimumCapacity: maximumLength)
            var given: [ItemParameters] = []
            var correct: [Bool] = []
            var theta = 0.0
            var stopped = false
            for step in 1...maximumLength {
                let before = clock.now
                let chosen = try pool.selectNextItem(theta: theta, administered: administered, randomesque: randomesque, using: &selectionRNG)
                selectionTime += clock.now - before
                selections += 1
                guard let item = chosen else { break }
                administered.insert(item)
                given.append(bank[item])
                correct.append(answers[person * bankSize + item])
                let estimate = try estimator.expectedAPosteriori(items: given, responses: correct)
                theta = estimate.theta
                adaptiveSquares[step - 1] += (theta - truth) * (theta - truth)
                if !stopped, rule.reasonToStop(administeredCount: step, standardError: estimate.standardError, remainingItems: bankSize - step) != nil {
                    stopped = true
                    stopLengths += step
                    if estimate.standardError <= targetStandardError { reached += 1 }
                    stopSquares += (theta - truth) * (theta - truth)
                }
            }
        }

        let n = Double(persons)
        let adaptiveRMSE = adaptiveSquares.map { ($0 / n).squareRoot() }
        let fixedRMSE = fixedSquares.map { ($0 / n).squareRoot() }
        let fixedAtMaximum = fixedRMSE.last ?? .nan
        let matching = adaptiveRMSE.firstIndex { $0 <= fixedAtMaximum }.map { $0 + 1 }
        let (whole, attoseconds) = selectionTime.components
        let totalMicroseconds = Double(whole) * 1e6 + Double(attoseconds) * 1e-12
        return AdaptiveTestStudyResult(
            lengths: lengths.enumerated().map { slot, length in
                AdaptiveTestStudyResult.Point(length: length, fixedRMSE: fixedRMSE[slot], adaptiveRMSE: adaptiveRMSE[length - 1])
            },
            adaptiveRMSEByLength: adaptiveRMSE,
            lengthMatchingFixedMaximum: matching,
            meanLengthToTarget: Double(stopLengths) / n,
            reachedTargetFraction: Double(reached) / n,
            rmseAtTargetStop: (stopSquares / n).squareRoot(),
            meanSelectionMicroseconds: selections > 0 ? totalMicroseconds / Double(selections) : 0,
            selections: selections)
    }
}
