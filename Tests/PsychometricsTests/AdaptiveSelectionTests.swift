import Testing
import Psychometrics

@Suite("Adaptive item selection and stopping rules")
struct AdaptiveSelectionTests {
    /// 30 items: b from −2.9 to 2.9 in steps of 0.2, a = 1; topics cycle "alg", "geo", "stat".
    static func pool() throws -> ItemPool {
        let topics = ["alg", "geo", "stat"]
        return ItemPool(items: try (0..<30).map {
            PoolItem(parameters: try ItemParameters(a: 1, b: -2.9 + 0.2 * Double($0)), topic: topics[$0 % 3])
        })
    }

    @Test("With k = 1 the most informative item at θ is chosen")
    func maximumInformation() throws {
        var rng = SplitMix64(seed: 1)
        let pool = try Self.pool()
        // b = 0.1 is item 15, the closest to θ = 0.05 (2PL information peaks at θ = b).
        #expect(try pool.selectNextItem(theta: 0.05, administered: [], using: &rng) == 15)
        #expect(try pool.selectNextItem(theta: 0.05, administered: [15], using: &rng) == 14)
        #expect(try pool.selectNextItem(theta: 10, administered: [], using: &rng) == 29)
    }

    @Test("A 3PL item is preferred where its information is highest, not where b is closest")
    func threePLInformation() throws {
        var rng = SplitMix64(seed: 1)
        let pool = ItemPool(items: [
            PoolItem(parameters: try ItemParameters(a: 1, b: 0, c: 0.3), topic: "t"),
            PoolItem(parameters: try ItemParameters(a: 1, b: 0.5), topic: "t"),
        ])
        // At θ = 0: item 0 (3PL, b = 0) has P = 0.65, I = (0.35/0.65)·0.5² = 0.1346; item 1
        // (2PL, b = 0.5) has I = P·Q = 0.2350, although its b is further from θ.
        #expect(abs(pool.items[0].parameters.information(at: 0) - 0.13461538461538464) < 1e-12)
        let expected = 1
        #expect(try pool.selectNextItem(theta: 0, administered: [], using: &rng) == expected)
    }

    @Test("Randomesque selection draws only among the k best and never repeats an item")
    func randomesqueNeverRepeats() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 7)
        var administered: Set<Int> = []
        for _ in 0..<30 {
            let best = try #require(try pool.selectNextItem(theta: 0, administered: administered, using: &rng))
            let next = try #require(try pool.selectNextItem(theta: 0, administered: administered, randomesque: 5, using: &rng))
            #expect(!administered.contains(next))
            // next is among the 5 most informative remaining items (ties in information allowed).
            let remaining = (0..<30).filter { !administered.contains($0) }
            let information = remaining.map { pool.items[$0].parameters.information(at: 0) }.sorted(by: >)
            let fifth = information[min(4, information.count - 1)]
            #expect(pool.items[next].parameters.information(at: 0) >= fifth - 1e-12)
            #expect(abs(pool.items[best].parameters.information(at: 0) - information[0]) < 1e-12)
            administered.insert(next)
        }
        #expect(administered.count == 30)
        #expect(try pool.selectNextItem(theta: 0, administered: administered, randomesque: 5, using: &rng) == nil)
    }

    @Test("Randomesque selection spreads exposure over the k best items")
    func randomesqueSpreads() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 3)
        var seen: Set<Int> = []
        for _ in 0..<200 {
            if let item = try pool.selectNextItem(theta: 0, administered: [], randomesque: 4, using: &rng) { seen.insert(item) }
        }
        #expect(seen == [13, 14, 15, 16])
    }

    @Test("The same seed gives the same sequence of items")
    func deterministic() throws {
        let pool = try Self.pool()
        func run(seed: UInt64) throws -> [Int] {
            var rng = SplitMix64(seed: seed)
            var administered: [Int] = []
            for step in 0..<12 {
                let theta = -1 + 0.2 * Double(step)
                let next = try #require(try pool.selectNextItem(theta: theta, administered: Set(administered),
                                                                topicTargets: ["alg": 1, "geo": 1, "stat": 2],
                                                                randomesque: 3, using: &rng))
                administered.append(next)
            }
            return administered
        }
        #expect(try run(seed: 11) == run(seed: 11))
        #expect(try run(seed: 11) != run(seed: 12))
    }

    @Test("Topic balancing picks the topic furthest below its target proportion")
    func topicBalancing() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 1)
        let targets = ["alg": 0.5, "geo": 0.25, "stat": 0.25]
        // Nothing given yet: the largest target (alg) is furthest below.
        let first = try #require(try pool.selectNextItem(theta: 0, administered: [], topicTargets: targets, using: &rng))
        #expect(pool.items[first].topic == "alg")
        // Given two alg items (0, 3): alg is at 1.0 > 0.5; geo and stat are 0.25 below; tie → sorted name: geo.
        let second = try #require(try pool.selectNextItem(theta: 0, administered: [0, 3], topicTargets: targets, using: &rng))
        #expect(pool.items[second].topic == "geo")
        // Given alg, alg, geo: stat is furthest below (0.25 vs geo −0.08, alg −0.17).
        let third = try #require(try pool.selectNextItem(theta: 0, administered: [0, 3, 1], topicTargets: targets, using: &rng))
        #expect(pool.items[third].topic == "stat")
        #expect(third == 14) // stat item closest to θ = 0: b = −0.1
    }

    @Test("Over a long test the topic mix follows the targets")
    func topicProportions() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 5)
        var administered: Set<Int> = []
        var counts: [String: Int] = [:]
        for _ in 0..<20 {
            let next = try #require(try pool.selectNextItem(theta: 0.3, administered: administered,
                                                            topicTargets: ["alg": 0.5, "geo": 0.3, "stat": 0.2], randomesque: 2, using: &rng))
            administered.insert(next)
            counts[pool.items[next].topic, default: 0] += 1
        }
        #expect(counts == ["alg": 10, "geo": 6, "stat": 4])
    }

    @Test("A target topic with no items left falls back to the other topics")
    func exhaustedTopic() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 1)
        let allAlg = Set(stride(from: 0, to: 30, by: 3))
        let next = try #require(try pool.selectNextItem(theta: 0, administered: allAlg, topicTargets: ["alg": 1], using: &rng))
        #expect(pool.items[next].topic != "alg")
    }

    @Test("Invalid selection input is rejected")
    func invalidInput() throws {
        let pool = try Self.pool()
        var rng = SplitMix64(seed: 1)
        #expect(throws: PsychometricsError.self) { try pool.selectNextItem(theta: .nan, administered: [], using: &rng) }
        #expect(throws: PsychometricsError.self) { try pool.selectNextItem(theta: 0, administered: [30], using: &rng) }
        #expect(throws: PsychometricsError.self) { try pool.selectNextItem(theta: 0, administered: [], randomesque: 0, using: &rng) }
        #expect(throws: PsychometricsError.self) { try pool.selectNextItem(theta: 0, administered: [], topicTargets: ["alg": -1], using: &rng) }
        #expect(try ItemPool(items: []).selectNextItem(theta: 0, administered: [], using: &rng) == nil)
    }

    // MARK: stopping

    @Test("Stopping rules report why the test ends", arguments: [
        (5, 0.25, 10, StoppingRule.Reason?.none),          // below minimum length, SE met
        (10, 0.29, 10, StoppingRule.Reason?.some(.standardErrorReached)),
        (10, 0.30, 10, StoppingRule.Reason?.some(.standardErrorReached)), // SE exactly at target
        (10, 0.31, 10, StoppingRule.Reason?.none),
        (20, 0.50, 10, StoppingRule.Reason?.some(.maximumLength)),
        (20, 0.10, 0, StoppingRule.Reason?.some(.maximumLength)),
        (7, 0.50, 0, StoppingRule.Reason?.some(.poolExhausted)),  // exhausted before the minimum
        (12, Double.nan, 5, StoppingRule.Reason?.none),
    ])
    func stopping(count: Int, se: Double, remaining: Int, expected: StoppingRule.Reason?) throws {
        let rule = try StoppingRule(targetStandardError: 0.3, minimumLength: 10, maximumLength: 20)
        #expect(rule.reasonToStop(administeredCount: count, standardError: se, remainingItems: remaining) == expected)
    }

    @Test("Without an SE target the test runs to its maximum length")
    func noTarget() throws {
        let rule = try StoppingRule(targetStandardError: nil, maximumLength: 15)
        #expect(rule.reasonToStop(administeredCount: 14, standardError: 0.01, remainingItems: 100) == nil)
        #expect(rule.reasonToStop(administeredCount: 15, standardError: 0.01, remainingItems: 100) == .maximumLength)
    }

    @Test("Inconsistent stopping rules are rejected")
    func invalidStoppingRules() {
        #expect(throws: PsychometricsError.self) { try StoppingRule(targetStandardError: 0, maximumLength: 10) }
        #expect(throws: PsychometricsError.self) { try StoppingRule(targetStandardError: 0.3, minimumLength: 11, maximumLength: 10) }
        #expect(throws: PsychometricsError.self) { try StoppingRule(targetStandardError: 0.3, maximumLength: 0) }
    }
}
