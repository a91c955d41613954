/// When an adaptive test ends: a precision target, a minimum and a maximum length, and an
/// exhausted pool (variable-length CAT termination; Weiss & Kingsbury 1984, Kingsbury & Zara 1989).
public struct StoppingRule: Sendable, Hashable {
    /// Why an adaptive test stopped.
    public enum Reason: String, Sendable, Hashable {
        /// The SE of θ̂ reached the target after at least the minimum number of items.
        case standardErrorReached = "se-reached"
        /// The maximum number of items was given.
        case maximumLength = "maximum-length"
        /// No item is left in the pool.
        case poolExhausted = "pool-exhausted"
    }

    /// Stop once SE(θ̂) ≤ this (nil: no precision rule, the test runs to the maximum length).
    public let targetStandardError: Double?
    /// Never stop for precision before this many items.
    public let minimumLength: Int
    /// Always stop after this many items.
    public let maximumLength: Int

    /// Creates a stopping rule.
    ///
    /// - Parameters:
    ///   - targetStandardError: SE target, finite and > 0, or nil.
    ///   - minimumLength: minimum items before a precision stop (≥ 0).
    ///   - maximumLength: maximum items (≥ 1 and ≥ `minimumLength`).
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption``.
    public init(targetStandardError: Double?, minimumLength: Int = 0, maximumLength: Int) throws {
        if let target = targetStandardError, !(target.isFinite && target > 0) {
            throw PsychometricsError(.invalidOption, "target SE must be finite and > 0, is \(target)")
        }
        guard minimumLength >= 0, maximumLength >= 1, maximumLength >= minimumLength else {
            throw PsychometricsError(.invalidOption, "need 0 ≤ minimum length ≤ maximum length and maximum ≥ 1 (got \(minimumLength), \(maximumLength))")
        }
        self.targetStandardError = targetStandardError
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Decides whether to stop after the items given so far.
    ///
    /// Checked in this order: the maximum length; an exhausted pool (which ends the test even
    /// before the minimum length); then, once at least the minimum number of items was given,
    /// SE ≤ target.
    ///
    /// - Parameters:
    ///   - administeredCount: items given so far.
    ///   - standardError: the current SE of θ̂ (a NaN or infinite SE never meets the target).
    ///   - remainingItems: items still available in the pool.
    /// - Returns: the reason to stop, or nil to continue.
    public func reasonToStop(administeredCount: Int, standardError: Double, remainingItems: Int) -> Reason? {
        if administeredCount >= maximumLength { return .maximumLength }
        if remainingItems <= 0 { return .poolExhausted }
        if let target = targetStandardError, administeredCount >= minimumLength, standardError <= target { return .standardErrorReached }
        return nil
    }
}
