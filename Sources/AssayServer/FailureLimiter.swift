import Foundation
import Synchronization

/// How many wrong invite codes a source address may try, and how long it then waits.
///
/// An address may fail ``allowance`` times within any ``window``; the failure that reaches the
/// allowance blocks it until that window has passed and for at least ``baseDelay``, and every
/// further failure before the address has been quiet for ``quietPeriod`` doubles the delay, up
/// to ``maximumDelay``; while an address is at its allowance it also waits until its oldest
/// failure leaves the window, so no window ever holds more than the allowance. With the
/// defaults: five wrong codes a minute, then a wait until that minute is over (at least 10 s),
/// then 20 s, 40 s, 80 s … up to 15 minutes between attempts, until the address has made no
/// attempt for an hour. `Sendable`.
public struct FailurePolicy: Sendable, Equatable {
    /// Failures allowed within ``window`` before the address is blocked.
    public var allowance: Int
    /// The sliding window the allowance counts over, in seconds.
    public var window: Double
    /// The delay after the first blocked failure, in seconds; it doubles with each further one.
    public var baseDelay: Double
    /// The longest delay, in seconds.
    public var maximumDelay: Double
    /// Seconds without a failure after which an address starts afresh (longer than
    /// ``maximumDelay``, or a patient guesser would start afresh after every wait).
    public var quietPeriod: Double

    /// A policy.
    ///
    /// - Parameters:
    ///   - allowance: failures allowed within `window` (at least 1).
    ///   - window: the window, in seconds.
    ///   - baseDelay: the first delay once blocked, in seconds.
    ///   - maximumDelay: the longest delay, in seconds.
    ///   - quietPeriod: seconds without failures that forgive an address.
    public init(allowance: Int = 5, window: Double = 60, baseDelay: Double = 10, maximumDelay: Double = 900, quietPeriod: Double = 3600) {
        self.allowance = max(1, allowance)
        self.window = window
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.quietPeriod = quietPeriod
    }
}

/// Counts wrong invite codes per source address and says when an address must wait: the door
/// asks ``check(_:)`` before any database work, and tells ``recordFailure(_:)`` of every code
/// that was malformed or unknown.
///
/// A success does not forgive earlier failures (one valid code must not buy more guesses).
/// The table forgets addresses that have been quiet for the policy's quiet period, and holds at
/// most ``capacity`` addresses (the quietest go first), so a flood of addresses cannot exhaust
/// memory. `Sendable`: the state sits behind a `Mutex`.
public final class FailureLimiter: Sendable {
    /// What the limiter says about an address.
    public enum Verdict: Sendable, Equatable {
        /// The address may try a code now.
        case allowed
        /// The address must wait this many seconds (rounded up) before trying again.
        case wait(seconds: Int)
    }

    private struct Record {
        /// Failures within the window, oldest first (seconds on the limiter's clock).
        var failures: [Double] = []
        /// Failures since the address was last quiet that came while it was at its allowance.
        var strikes = 0
        var blockedUntil: Double = -.infinity
        var lastFailure: Double = -.infinity
    }

    private struct State {
        var records: [String: Record] = [:]
        var operations = 0
    }

    /// The policy applied.
    public let policy: FailurePolicy
    /// The most addresses remembered at once.
    public let capacity: Int
    private let now: @Sendable () -> Double
    private let state = Mutex(State())

    /// A limiter.
    ///
    /// - Parameters:
    ///   - policy: the allowance and delays.
    ///   - capacity: the most addresses remembered at once.
    ///   - now: the clock, in seconds (monotonic by default; tests pass a fake one).
    public init(policy: FailurePolicy = FailurePolicy(), capacity: Int = 100_000,
                now: @escaping @Sendable () -> Double = FailureLimiter.monotonicSeconds) {
        self.policy = policy
        self.capacity = max(1, capacity)
        self.now = now
    }

    /// Seconds on the system's monotonic clock.
    public static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Whether `address` may try a code now.
    ///
    /// - Parameter address: the source address (no port).
    public func check(_ address: String) -> Verdict {
        let time = now()
        return state.withLock { state in
            guard var record = state.records[address] else { return .allowed }
            if forget(&record, at: time) {
                state.records[address] = nil
                return .allowed
            }
            state.records[address] = record
            return verdict(record, at: time)
        }
    }

    /// Records a wrong code from `address`.
    ///
    /// - Parameter address: the source address (no port).
    /// - Returns: what the address may do next.
    @discardableResult
    public func recordFailure(_ address: String) -> Verdict {
        let time = now()
        return state.withLock { state in
            var record = state.records[address] ?? Record()
            if forget(&record, at: time) { record = Record() }
            record.failures.append(time)
            record.lastFailure = time
            if record.strikes > 0 || record.failures.count >= policy.allowance {
                record.strikes += 1
                let delay = min(policy.maximumDelay, policy.baseDelay * pow(2, Double(min(record.strikes - 1, 40))))
                var until = time + delay
                if record.failures.count >= policy.allowance, let oldest = record.failures.first {
                    until = max(until, oldest + policy.window)
                }
                record.blockedUntil = max(record.blockedUntil, until)
            }
            state.records[address] = record
            state.operations += 1
            if state.records.count > capacity || state.operations % 1024 == 0 {
                sweep(&state, at: time)
            }
            return verdict(record, at: time)
        }
    }

    /// How many addresses are remembered (for tests and logs).
    public var trackedAddresses: Int { state.withLock { $0.records.count } }

    private func verdict(_ record: Record, at time: Double) -> Verdict {
        time < record.blockedUntil ? .wait(seconds: Int((record.blockedUntil - time).rounded(.up))) : .allowed
    }

    /// Drops failures older than the window; returns true when the address has been quiet long
    /// enough to be forgotten altogether.
    private func forget(_ record: inout Record, at time: Double) -> Bool {
        record.failures.removeAll { $0 <= time - policy.window }
        return time - record.lastFailure >= policy.quietPeriod && time >= record.blockedUntil
    }

    /// Forgets quiet addresses; when still over capacity, the ones quiet the longest.
    private func sweep(_ state: inout State, at time: Double) {
        for (address, var record) in state.records where forget(&record, at: time) {
            state.records[address] = nil
        }
        if state.records.count > capacity {
            let excess = state.records.count - capacity
            for (address, _) in state.records.sorted(by: { $0.value.lastFailure < $1.value.lastFailure }).prefix(excess) {
                state.records[address] = nil
            }
        }
    }
}
