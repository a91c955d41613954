import CandidateTerminal

/// A clock that moves only when a script waits or the prompt sleeps.
final class FakeClock: TerminalClock {
    private(set) var time = 1_000.0
    /// Sleeps so far.
    private(set) var sleeps = 0
    /// Runs after each sleep (e.g. to bring a database back).
    var onSleep: ((Int) -> Void)?

    func now() -> Double { time }

    func sleep(seconds: Double) {
        time += max(0, seconds)
        sleeps += 1
        onSleep?(sleeps)
    }

    func advance(_ seconds: Double) { time += max(0, seconds) }
}
