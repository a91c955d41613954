import Foundation

/// The time a terminal and the prompt measure waits with: a monotonic clock in seconds.
///
/// The screen's deadline is the server's; this clock only measures how much of the time the
/// server reported has gone by since (to warn before the end while the candidate types) and how
/// long to wait before trying the database again. Tests give a fake one that a script advances.
public protocol TerminalClock {
    /// Seconds since an arbitrary fixed point; never goes back.
    func now() -> Double
    /// Waits `seconds`.
    ///
    /// - Parameter seconds: how long.
    func sleep(seconds: Double)
}

/// The machine's monotonic clock.
public struct SystemClock: TerminalClock, Sendable {
    /// The machine's clock.
    public init() {}

    /// Seconds since boot (`DispatchTime`, monotonic).
    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Sleeps the calling thread.
    ///
    /// - Parameter seconds: how long.
    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }
}
