import Foundation

/// Calibrates Rasch or 2PL item parameters from 0/1 responses by marginal maximum likelihood
/// with the EM algorithm of Bock & Aitkin (1981), as set out in Baker & Kim (2004), ch. 6.
///
/// **Model and metric.** P_i(θ) = 1 / (1 + e^−(a_i θ + d_i)) with b_i = −d_i / a_i (D = 1,
/// logistic metric); Rasch fixes a_i = 1. The latent distribution is N(0, 1), represented by
/// ``quadraturePoints`` equally spaced nodes q_k over [−6, 6] with weights w_k ∝ φ(q_k)
/// normalised to sum to 1; this fixes the scale (and, for Rasch, a latent SD of 1).
///
/// **EM cycle.** E-step: for each person, the posterior weight of each node given the person's
/// responses, computed in log space from a precomputed table of log P and log Q per item and
/// node; these are summed into expected counts r̄_ik (correct) and n̄_ik (answered) per item and
/// node (Bock & Aitkin 1981, eqs. 20–21). Missing responses simply do not enter a person's
/// likelihood, so sparse and linked designs are handled. M-step: for each item, Newton–Raphson
/// on Σ_k [r̄_ik log P_i(q_k) + (n̄_ik − r̄_ik) log Q_i(q_k)] in (a, d), whose Hessian is
/// −Σ_k n̄_ik P Q [q², q; q, 1].
///
/// **Convergence rule.** Stop when the largest absolute change of any a_i or b_i over one EM
/// cycle is below ``tolerance`` (default 1e-4), or after ``maximumIterations`` cycles (default
/// 500); ``CalibrationResult/converged`` says which.
///
/// **Standard errors.** From the empirical (cross-product) information at the final estimates
/// (Bock & Aitkin 1981, §3; the "XPD" method): for each item, Σ_persons s_pi s_piᵀ where s_pi is
/// the person's posterior-expected score vector for the item's (a, d), s_pi = Σ_k h_pk (u_pi −
/// P_i(q_k)) (q_k, 1). The item's 2×2 block is inverted (other items' parameters treated as
/// known, a block-diagonal approximation that slightly understates SEs in short tests), and
/// SE(b) follows from b = −d/a by the delta method.
///
/// **Guard rails.** Items answered by fewer than ``minimumResponses`` persons, or answered all
/// correctly or all wrongly, are not estimated (their likelihood has no finite maximum); they are
/// reported with a ``CalibratedItem/Status`` and left out of the E-step. Every estimated a is
/// kept inside ``discriminationBounds`` (0.05…6) and every b inside ``difficultyBounds``
/// (−10…10), and each Newton step is limited, so no parameter can diverge; an estimate that
/// ends on a bound is reported through ``CalibratedItem/atBound``.
public struct Calibrator: Sendable, Hashable {
    /// The model to fit: ``IRTModel/rasch`` or ``IRTModel/twoParameter``.
    public let model: IRTModel
    /// Quadrature nodes over [−6, 6] for the N(0, 1) latent distribution.
    public let quadraturePoints: Int
    /// Convergence rule: largest absolute change of any a or b per EM cycle.
    public let tolerance: Double
    /// EM cycle limit.
    public let maximumIterations: Int
    /// Items with fewer responses are reported, not estimated.
    public let minimumResponses: Int

    /// The closed interval in which estimated discriminations are kept.
    public static let discriminationBounds: ClosedRange<Double> = 0.05...6
    /// The closed interval in which estimated difficulties are kept.
    public static let difficultyBounds: ClosedRange<Double> = -10...10

    /// Creates a calibrator.
    ///
    /// - Parameters:
    ///   - model: ``IRTModel/rasch`` or ``IRTModel/twoParameter`` (default 2PL).
    ///   - quadraturePoints: nodes over [−6, 6], between 11 and 201 (default 41).
    ///   - tolerance: convergence threshold on parameter change, > 0 (default 1e-4).
    ///   - maximumIterations: EM cycle limit, ≥ 1 (default 500).
    ///   - minimumResponses: responses an item needs to be estimated, ≥ 1 (default 20).
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption``, also
    ///   for the 3PL model, which this calibrator does not fit.
    public init(model: IRTModel = .twoParameter, quadraturePoints: Int = 41, tolerance: Double = 1e-4,
                maximumIterations: Int = 500, minimumResponses: Int = 20) throws {
        guard model != .threeParameter else { throw PsychometricsError(.invalidOption, "the calibrator fits Rasch and 2PL models only") }
        guard (11...201).contains(quadraturePoints) else {
            throw PsychometricsError(.invalidOption, "quadrature points must be in 11…201, is \(quadraturePoints)")
        }
        guard tolerance.isFinite, tolerance > 0 else { throw PsychometricsError(.invalidOption, "tolerance must be finite and > 0, is \(tolerance)") }
        guard maximumIterations >= 1 else { throw PsychometricsError(.invalidOption, "maximum iterations must be ≥ 1, is \(maximumIterations)") }
        guard minimumResponses >= 1 else { throw PsychometricsError(.invalidOption, "minimum responses must be ≥ 1, is \(minimumResponses)") }
        self.model = model
        self.quadraturePoints = quadraturePoints
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
        self.minimumResponses = minimumResponses
    }

    /// Calibrates every item of a response matrix.
    ///
    /// - Parameters:
    ///   - responses: the 0/1 responses; persons may have answered any subset of the items.
    /// - Returns: one ``CalibratedItem`` per item and the state of the EM at the end.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` when
    ///   no item has enough usable responses to be estimated.
    public func calibrate(_ responses: ResponseMatrix) throws -> CalibrationResult {
        let itemCount = responses.itemCount
        // Item screening.
        var answered = [Int](repeating: 0, count: itemCount)
        var correct = [Int](repeating: 0, count: itemCount)
        for slot in 0..<responses.observationCount {
            let item = Int(responses.itemIndex[slot])
            answered[item] += 1
            correct[item] += Int(responses.score[slot])
        }
        var status = [CalibratedItem.Status](repeating: .estimated, count: itemCount)
        var active = [Int](repeating: -1, count: itemCount) // item → active index
        var activeItems: [Int] = []
        for item in 0..<itemCount {
            if answered[item] < minimumResponses {
                status[item] = .tooFewResponses
            } else if correct[item] == answered[item] {
                status[item] = .allCorrect
            } else if correct[item] == 0 {
                status[item] = .allWrong
            } else {
                active[item] = activeItems.count
                activeItems.append(item)
            }
        }
        let J = activeItems.count
        guard J > 0 else {
            throw PsychometricsError(.invalidData, "no item has at least \(minimumResponses) responses with both right and wrong answers")
        }

        // Compressed rows restricted to the active items, dropping persons with no response.
        var rowStart: [Int] = [0]
        var rowItem: [Int32] = []
        var rowScore: [UInt8] = []
        rowItem.reserveCapacity(responses.observationCount)
        rowScore.reserveCapacity(responses.observationCount)
        for p in 0..<responses.personCount {
            let before = rowItem.count
            for slot in responses.rowStart[p]..<responses.rowStart[p + 1] {
                let j = active[Int(responses.itemIndex[slot])]
                if j >= 0 {
                    rowItem.append(Int32(j))
                    rowScore.append(responses.score[slot])
                }
            }
            if rowItem.count > before { rowStart.append(rowItem.count) }
        }

        // Quadrature.
        let Q = quadraturePoints
        let nodes = (0..<Q).map { -6 + 12 * Double($0) / Double(Q - 1) }
        let density = nodes.map { exp(-0.5 * $0 * $0) }
        let densitySum = density.reduce(0, +)
        let logWeights = density.map { log($0 / densitySum) }

        // Starting values: a = 1, d = logit(p).
        var a = [Double](repeating: 1, count: J)
        var d = activeItems.map { item -> Double in
            let p = Double(correct[item]) / Double(answered[item])
            return log(p / (1 - p))
        }

        var workspace = EMWorkspace(items: J, nodes: Q)
        var iterations = 0
        var converged = false
        var lastChange = Double.infinity
        var logLikelihood = 0.0
        let fitSlope = model == .twoParameter
        while iterations < maximumIterations {
            iterations += 1
            workspace.fillTables(a: a, d: d, nodes: nodes)
            logLikelihood = workspace.expectation(rowStart: rowStart, rowItem: rowItem, rowScore: rowScore, logWeights: logWeights)
            var change = 0.0
            for j in 0..<J {
                let oldA = a[j], oldB = -d[j] / a[j]
                workspace.maximize(item: j, a: &a[j], d: &d[j], nodes: nodes, fitSlope: fitSlope)
                change = max(change, abs(a[j] - oldA), abs(-d[j] / a[j] - oldB))
            }
            lastChange = change
            if change < tolerance {
                converged = true
                break
            }
        }

        // Standard errors from the empirical cross-product information.
        workspace.fillTables(a: a, d: d, nodes: nodes)
        let xpd = workspace.crossProducts(rowStart: rowStart, rowItem: rowItem, rowScore: rowScore, logWeights: logWeights, nodes: nodes)

        var results: [CalibratedItem] = []
        results.reserveCapacity(itemCount)
        for item in 0..<itemCount {
            let proportion = answered[item] > 0 ? Double(correct[item]) / Double(answered[item]) : 0
            let j = active[item]
            guard j >= 0 else {
                results.append(CalibratedItem(item: item, status: status[item], parameters: nil, standardErrorA: nil, standardErrorB: nil,
                                              responseCount: answered[item], proportionCorrect: proportion, atBound: false))
                continue
            }
            let b = -d[j] / a[j]
            var seA: Double?
            var seB: Double?
            let (saa, sad, sdd) = (xpd[3 * j], xpd[3 * j + 1], xpd[3 * j + 2])
            if fitSlope {
                let det = saa * sdd - sad * sad
                if det > 0 {
                    let vaa = sdd / det, vad = -sad / det, vdd = saa / det
                    let ga = d[j] / (a[j] * a[j]), gd = -1 / a[j]
                    seA = vaa.squareRoot()
                    seB = max(0, ga * ga * vaa + 2 * ga * gd * vad + gd * gd * vdd).squareRoot()
                }
            } else if sdd > 0 {
                seB = (1 / sdd).squareRoot()
            }
            let bounds = Self.discriminationBounds, bBounds = Self.difficultyBounds
            let atBound = (fitSlope && (a[j] <= bounds.lowerBound || a[j] >= bounds.upperBound))
                || b <= bBounds.lowerBound + 1e-9 || b >= bBounds.upperBound - 1e-9
            results.append(CalibratedItem(item: item, status: .estimated, parameters: ItemParameters(unchecked: a[j], b, 0),
                                          standardErrorA: seA, standardErrorB: seB, responseCount: answered[item],
                                          proportionCorrect: proportion, atBound: atBound))
        }
        return CalibrationResult(model: model, items: results, iterations: iterations, converged: converged,
                                 lastChange: lastChange, logLikelihood: logLikelihood)
    }
}

/// Flat per-item × per-node tables and accumulators reused across EM cycles, so the E-step
/// allocates nothing.
private struct EMWorkspace {
    let items: Int
    let nodes: Int
    /// log P_j(q_k) at index j·Q + k.
    var logP: [Double]
    /// log Q_j(q_k).
    var logQ: [Double]
    /// Expected correct responses r̄_jk.
    var expectedCorrect: [Double]
    /// Expected wrong responses n̄_jk − r̄_jk.
    var expectedWrong: [Double]
    /// Scratch: one person's log posterior, then posterior.
    var posterior: [Double]

    init(items: Int, nodes: Int) {
        self.items = items
        self.nodes = nodes
        logP = [Double](repeating: 0, count: items * nodes)
        logQ = logP
        expectedCorrect = logP
        expectedWrong = logP
        posterior = [Double](repeating: 0, count: nodes)
    }

    /// log(1 + e^x) without overflow.
    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    mutating func fillTables(a: [Double], d: [Double], nodes q: [Double]) {
        let Q = nodes
        for j in 0..<items {
            for k in 0..<Q {
                let z = a[j] * q[k] + d[j]
                logP[j * Q + k] = -Self.softplus(-z)
                logQ[j * Q + k] = -Self.softplus(z)
            }
        }
    }

    /// The E-step: fills the expected counts and returns the marginal log-likelihood.
    mutating func expectation(rowStart: [Int], rowItem: [Int32], rowScore: [UInt8], logWeights: [Double]) -> Double {
        let Q = nodes
        var total = 0.0
        logP.withUnsafeBufferPointer { lp in
        logQ.withUnsafeBufferPointer { lq in
        expectedCorrect.withUnsafeMutableBufferPointer { rc in
        expectedWrong.withUnsafeMutableBufferPointer { rw in
        posterior.withUnsafeMutableBufferPointer { post in
        rowItem.withUnsafeBufferPointer { itemsOf in
        rowScore.withUnsafeBufferPointer { scoresOf in
        logWeights.withUnsafeBufferPointer { lw in
            guard let lpBase = lp.baseAddress, let lqBase = lq.baseAddress, let rcBase = rc.baseAddress,
                  let rwBase = rw.baseAddress, let h = post.baseAddress, let lwBase = lw.baseAddress else { return }
            for i in 0..<rc.count { rcBase[i] = 0; rwBase[i] = 0 }
            for person in 0..<(rowStart.count - 1) {
                let start = rowStart[person], end = rowStart[person + 1]
                for k in 0..<Q { h[k] = lwBase[k] }
                for slot in start..<end {
                    let src = (scoresOf[slot] != 0 ? lpBase : lqBase) + Int(itemsOf[slot]) * Q
                    for k in 0..<Q { h[k] += src[k] }
                }
                var peak = h[0]
                for k in 1..<Q where h[k] > peak { peak = h[k] }
                var sum = 0.0
                for k in 0..<Q {
                    let w = exp(h[k] - peak)
                    h[k] = w
                    sum += w
                }
                total += peak + log(sum)
                let inverse = 1 / sum
                for k in 0..<Q { h[k] *= inverse }
                for slot in start..<end {
                    let dst = (scoresOf[slot] != 0 ? rcBase : rwBase) + Int(itemsOf[slot]) * Q
                    for k in 0..<Q { dst[k] += h[k] }
                }
            }
        }}}}}}}}
        return total
    }

    /// The M-step for one item: Newton–Raphson on its expected complete-data log-likelihood.
    func maximize(item j: Int, a: inout Double, d: inout Double, nodes q: [Double], fitSlope: Bool) {
        let Q = nodes
        let aBounds = Calibrator.discriminationBounds, bBounds = Calibrator.difficultyBounds
        for _ in 0..<25 {
            var g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0
            for k in 0..<Q {
                let r = expectedCorrect[j * Q + k]
                let n = r + expectedWrong[j * Q + k]
                let p = logistic(a * q[k] + d)
                let residual = r - n * p
                let w = n * p * (1 - p)
                g0 += residual * q[k]
                g1 += residual
                h00 += w * q[k] * q[k]
                h01 += w * q[k]
                h11 += w
            }
            var da = 0.0, dd = 0.0
            if fitSlope {
                let det = h00 * h11 - h01 * h01
                guard det > 1e-300 else { return }
                da = (h11 * g0 - h01 * g1) / det
                dd = (h00 * g1 - h01 * g0) / det
            } else {
                guard h11 > 1e-300 else { return }
                dd = g1 / h11
            }
            let largest = max(abs(da), abs(dd))
            if largest > 1 { da /= largest; dd /= largest }
            a = min(aBounds.upperBound, max(aBounds.lowerBound, a + da))
            d += dd
            let b = -d / a
            if b < bBounds.lowerBound || b > bBounds.upperBound { d = -min(bBounds.upperBound, max(bBounds.lowerBound, b)) * a }
            if largest < 1e-9 { return }
        }
    }

    /// Per item, Σ_persons of the outer product of the posterior-expected score vector for (a, d):
    /// returns (S_aa, S_ad, S_dd) at indices 3j, 3j + 1, 3j + 2.
    mutating func crossProducts(rowStart: [Int], rowItem: [Int32], rowScore: [UInt8], logWeights: [Double], nodes q: [Double]) -> [Double] {
        let Q = nodes
        var sums = [Double](repeating: 0, count: 3 * items)
        let p = logP.map { exp($0) }
        for person in 0..<(rowStart.count - 1) {
            let start = rowStart[person], end = rowStart[person + 1]
            for k in 0..<Q { posterior[k] = logWeights[k] }
            for slot in start..<end {
                let base = Int(rowItem[slot]) * Q
                if rowScore[slot] != 0 {
                    for k in 0..<Q { posterior[k] += logP[base + k] }
                } else {
                    for k in 0..<Q { posterior[k] += logQ[base + k] }
                }
            }
            let peak = posterior.max() ?? 0
            var sum = 0.0
            for k in 0..<Q {
                posterior[k] = exp(posterior[k] - peak)
                sum += posterior[k]
            }
            for slot in start..<end {
                let j = Int(rowItem[slot])
                let u = Double(rowScore[slot])
                var sa = 0.0, sd = 0.0
                for k in 0..<Q {
                    let residual = posterior[k] * (u - p[j * Q + k])
                    sa += residual * q[k]
                    sd += residual
                }
                sa /= sum
                sd /= sum
                sums[3 * j] += sa * sa
                sums[3 * j + 1] += sa * sd
                sums[3 * j + 2] += sd * sd
            }
        }
        return sums
    }
}
