import Foundation

/// A small, fast, seeded pseudo-random number generator (SplitMix64; Steele, Lea & Flood 2014,
/// as published by Vigna), so that simulations, adaptive tests and their tests are reproducible:
/// the same seed always gives the same sequence, on every platform.
///
/// Not cryptographically secure: use it for simulation and exposure control, never for invite
/// codes or anything an attacker could benefit from predicting.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let pick = Int.random(in: 0..<5, using: &rng)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's internal state; advances by the golden-ratio increment per draw.
    public private(set) var state: UInt64

    /// Creates a generator from a seed.
    ///
    /// - Parameters:
    ///   - seed: any 64-bit value; equal seeds give equal sequences.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 pseudo-random bits.
    ///
    /// - Returns: a uniformly distributed `UInt64`.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns a uniform double in [0, 1) with 53 random bits.
    ///
    /// - Returns: a value u with 0 ≤ u < 1.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Returns a standard normal deviate by the Box–Muller transform (Box & Muller 1958).
    ///
    /// - Returns: a draw from N(0, 1).
    public mutating func nextStandardNormal() -> Double {
        let u1 = 1 - nextUnit() // in (0, 1]
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
