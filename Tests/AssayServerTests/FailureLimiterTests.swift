import AssayServer
import Synchronization
import Testing

/// A clock the test moves by hand.
final class FakeClock: Sendable {
    private let seconds = Mutex(1000.0)
    var now: Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

@Suite("The per-address failure limiter, on a fake clock")
struct FailureLimiterTests {
    let clock = FakeClock()
    var limiter: FailureLimiter { FailureLimiter(now: { [clock] in clock.now }) }

    @Test("five wrong codes within a minute are allowed; the fifth blocks the address until that minute is over")
    func fiveAMinute() {
        let limiter = self.limiter
        for attempt in 1...4 {
            #expect(limiter.check("198.51.100.7") == .allowed)
            #expect(limiter.recordFailure("198.51.100.7") == .allowed, "failure \(attempt)")
            clock.advance(5)
        }
        #expect(limiter.check("198.51.100.7") == .allowed)
        // The fifth failure, 20 s after the first: blocked for the 40 s left of that minute.
        #expect(limiter.recordFailure("198.51.100.7") == .wait(seconds: 40))
        #expect(limiter.check("198.51.100.7") == .wait(seconds: 40))
        clock.advance(39.5)
        #expect(limiter.check("198.51.100.7") == .wait(seconds: 1))
        clock.advance(0.5)
        #expect(limiter.check("198.51.100.7") == .allowed)
    }

    @Test("other addresses are not affected")
    func perAddress() {
        let limiter = self.limiter
        for _ in 1...5 { limiter.recordFailure("198.51.100.7") }
        #expect(limiter.check("198.51.100.7") != .allowed)
        #expect(limiter.check("198.51.100.8") == .allowed)
        #expect(limiter.check("2001:db8::1") == .allowed)
    }

    @Test("each failure after the block doubles the wait: 20 s, 40 s, 80 s … up to 15 minutes")
    func increasingDelay() {
        let limiter = self.limiter
        for _ in 1...5 { limiter.recordFailure("203.0.113.9") }
        guard case .wait(let first) = limiter.check("203.0.113.9") else { Issue.record("not blocked"); return }
        #expect(first == 60)
        clock.advance(60)
        var waits: [Int] = []
        for _ in 1...10 {
            guard case .wait(let seconds) = limiter.recordFailure("203.0.113.9") else { Issue.record("not blocked"); return }
            waits.append(seconds)
            clock.advance(Double(seconds))
            #expect(limiter.check("203.0.113.9") == .allowed)
        }
        #expect(waits == [20, 40, 80, 160, 320, 640, 900, 900, 900, 900])
    }

    @Test("no window ever holds more than five failures, however the attempts are spaced")
    func neverMoreThanFiveAMinute() {
        let limiter = self.limiter
        var failures: [Double] = []
        for step in 0..<400 {
            if limiter.check("192.0.2.1") == .allowed {
                limiter.recordFailure("192.0.2.1")
                failures.append(clock.now)
            }
            clock.advance(step % 7 == 0 ? 13 : 1.5)
        }
        for (index, time) in failures.enumerated() {
            let inWindow = failures[index...].prefix { $0 < time + 60 }.count
            #expect(inWindow <= 5, "\(inWindow) failures in the minute from \(time)")
        }
        #expect(failures.count >= 5)
    }

    @Test("a success does not forgive, nor does waiting out the longest delay; a quiet hour does")
    func forgiveness() {
        let limiter = self.limiter
        for _ in 1...5 { limiter.recordFailure("198.51.100.20") }
        clock.advance(60)
        #expect(limiter.recordFailure("198.51.100.20") != .allowed, "still in the penalty")
        clock.advance(15 * 60)
        #expect(limiter.recordFailure("198.51.100.20") != .allowed, "fifteen minutes later, still in the penalty")
        clock.advance(60 * 60)
        #expect(limiter.check("198.51.100.20") == .allowed)
        #expect(limiter.trackedAddresses == 0, "a forgiven address is forgotten")
        #expect(limiter.recordFailure("198.51.100.20") == .allowed, "and starts afresh")
    }

    @Test("a flood of addresses is bounded by the capacity")
    func capacity() {
        let limiter = FailureLimiter(capacity: 100, now: { [clock] in clock.now })
        for index in 0..<1000 {
            limiter.recordFailure("10.0.\(index / 256).\(index % 256)")
            clock.advance(0.01)
        }
        #expect(limiter.trackedAddresses <= 100)
        // The newest addresses are the ones kept.
        for _ in 1...4 { limiter.recordFailure("10.0.3.231") }
        #expect(limiter.check("10.0.3.231") != .allowed)
    }
}
