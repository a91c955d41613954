import Foundation

/// The parameters of one dichotomous item under the 3PL model and its special cases: the item
/// response function P(θ) and the Fisher information I(θ).
///
/// All formulas use the logistic metric with **D = 1** (not the normal-ogive scaling 1.702), as
/// in Baker & Kim (2004), *Item Response Theory: Parameter Estimation Techniques*, 2nd ed.,
/// ch. 2, and Lord (1980), *Applications of Item Response Theory to Practical Testing Problems*,
/// ch. 5:
///
/// - P(θ) = c + (1 − c) / (1 + e^−a(θ − b)); Rasch: a = 1, c = 0; 2PL: c = 0.
/// - 1PL/2PL information: I(θ) = a² · P · Q, with Q = 1 − P.
/// - 3PL information (Lord 1980, eq. 5-15 with D = 1): I(θ) = a² · (Q / P) · ((P − c) / (1 − c))².
public struct ItemParameters: Sendable, Hashable {
    /// Discrimination a, finite and > 0 (1 for Rasch items).
    public let a: Double
    /// Difficulty b, finite: the θ at which P is halfway between c and 1.
    public let b: Double
    /// Lower asymptote ("guessing") c, in 0 ≤ c < 1 (0 for Rasch and 2PL items).
    public let c: Double

    /// Creates 3PL parameters, validating each.
    ///
    /// - Parameters:
    ///   - a: discrimination, finite and > 0 (default 1).
    ///   - b: difficulty, finite.
    ///   - c: lower asymptote, 0 ≤ c < 1 (default 0).
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidParameter``.
    public init(a: Double = 1, b: Double, c: Double = 0) throws {
        guard a.isFinite, a > 0 else { throw PsychometricsError(.invalidParameter, "discrimination a must be finite and > 0, is \(a)") }
        guard b.isFinite else { throw PsychometricsError(.invalidParameter, "difficulty b must be finite, is \(b)") }
        guard c.isFinite, c >= 0, c < 1 else { throw PsychometricsError(.invalidParameter, "guessing c must be in [0, 1), is \(c)") }
        self.a = a
        self.b = b
        self.c = c
    }

    /// Creates parameters already known to be valid (module-internal use only).
    init(unchecked a: Double, _ b: Double, _ c: Double) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// Creates Rasch parameters: a = 1, c = 0.
    ///
    /// - Parameters:
    ///   - b: difficulty, finite.
    /// - Returns: the item's parameters.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidParameter``.
    public static func rasch(b: Double) throws -> ItemParameters {
        try ItemParameters(a: 1, b: b, c: 0)
    }

    /// The simplest model that describes these parameters: Rasch when a = 1 and c = 0, 2PL when
    /// c = 0, 3PL otherwise.
    public var model: IRTModel {
        if c > 0 { return .threeParameter }
        return a == 1 ? .rasch : .twoParameter
    }

    /// The probability of a correct response at ability θ (Lord 1980, eq. 2-1 with D = 1).
    ///
    /// Computed without overflow for any finite θ; ±∞ give the asymptotes c and 1.
    ///
    /// - Parameters:
    ///   - theta: the ability θ on the logistic metric.
    /// - Returns: P(θ) in [c, 1].
    public func probability(at theta: Double) -> Double {
        c + (1 - c) * logistic(a * (theta - b))
    }

    /// The Fisher information of the item at ability θ (Lord 1980, eq. 5-15; Baker & Kim 2004,
    /// §2.3), with D = 1: a²PQ for Rasch and 2PL, a² (Q/P) ((P − c)/(1 − c))² for 3PL.
    ///
    /// - Parameters:
    ///   - theta: the ability θ.
    /// - Returns: I(θ) ≥ 0.
    public func information(at theta: Double) -> Double {
        let star = logistic(a * (theta - b))
        if c == 0 { return a * a * star * (1 - star) }
        let p = c + (1 - c) * star
        guard p > 0 else { return 0 }
        let q = 1 - p
        let ratio = (p - c) / (1 - c)
        return a * a * (q / p) * ratio * ratio
    }
}

/// The logistic function 1 / (1 + e^−x), evaluated stably for large |x|.
@inline(__always)
func logistic(_ x: Double) -> Double {
    if x >= 0 {
        return 1 / (1 + exp(-x))
    }
    let e = exp(x)
    return e / (1 + e)
}
