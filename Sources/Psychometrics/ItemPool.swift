import Foundation

/// An item pool prepared for adaptive item selection: parameters in flat arrays and topics as
/// small integers, so that choosing the next item from thousands takes microseconds.
///
/// Items are identified by their index in the array the pool was created from.
public struct ItemPool: Sendable, Hashable {
    /// The items, in the order given.
    public let items: [PoolItem]
    /// The distinct topics, sorted.
    public let topics: [String]
    private let a: [Double]
    private let b: [Double]
    private let c: [Double]
    private let topicOf: [Int]

    /// Prepares a pool.
    ///
    /// - Parameters:
    ///   - items: the pool's items; an item's index in this array is its identifier.
    public init(items: [PoolItem]) {
        self.items = items
        let topics = Array(Set(items.map(\.topic))).sorted()
        let index = Dictionary(uniqueKeysWithValues: topics.enumerated().map { ($1, $0) })
        self.topics = topics
        a = items.map(\.parameters.a)
        b = items.map(\.parameters.b)
        c = items.map(\.parameters.c)
        topicOf = items.map { index[$0.topic] ?? 0 }
    }

    /// The number of items in the pool.
    public var count: Int { items.count }

    /// Chooses the next item of an adaptive test: the most informative item at θ among those not
    /// yet given, with topic balancing and randomesque exposure control.
    ///
    /// 1. **Never repeat**: items in `administered` are never chosen.
    /// 2. **Topic balancing** (a simplified Kingsbury & Zara 1989 content balancing): the
    ///    targets are normalised to proportions summing to 1; among target topics that still
    ///    have items left, the one whose administered proportion falls furthest below its target
    ///    is chosen (ties: the larger target, then the topic name), and only its items are
    ///    considered. With no targets, or no target topic with items left, all items are.
    /// 3. **Maximum information**: items are ranked by Fisher information at θ
    ///    (``ItemParameters/information(at:)``, Lord 1980, D = 1).
    /// 4. **Randomesque exposure control** (Kingsbury & Zara 1989): the item is drawn uniformly
    ///    from the `randomesque` most informative candidates, using `rng`; 1 means always the
    ///    best. The top k are found by partial selection, without sorting the pool.
    ///
    /// - Parameters:
    ///   - theta: the current ability estimate (finite).
    ///   - administered: indices of the items already given.
    ///   - topicTargets: target proportion per topic (non-negative; normalised); empty for no
    ///     balancing. Topics not in the pool are ignored.
    ///   - randomesque: how many of the best items to draw from (≥ 1; default 1).
    ///   - rng: the random number generator for the randomesque draw (e.g. a seeded
    ///     ``SplitMix64``, for reproducible tests).
    /// - Returns: the index of the chosen item, or nil when every item has been administered.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidOption`` for a
    ///   non-finite θ, k < 1 or a bad target, and ``PsychometricsError/Code/invalidData`` for an
    ///   administered index outside the pool.
    public func selectNextItem(theta: Double, administered: Set<Int>, topicTargets: [String: Double] = [:],
                               randomesque: Int = 1, using rng: inout some RandomNumberGenerator) throws -> Int? {
        guard theta.isFinite else { throw PsychometricsError(.invalidOption, "theta must be finite, is \(theta)") }
        guard randomesque >= 1 else { throw PsychometricsError(.invalidOption, "randomesque k must be ≥ 1, is \(randomesque)") }
        let n = items.count
        var given = [Bool](repeating: false, count: n)
        for index in administered {
            guard (0..<n).contains(index) else {
                throw PsychometricsError(.invalidData, "administered item \(index) is not in the pool of \(n) items")
            }
            given[index] = true
        }
        guard administered.count < n else { return nil }

        let topic = try chooseTopic(given: given, administeredCount: administered.count, targets: topicTargets)

        // Partial selection of the k most informative candidates (descending; ties keep the
        // lower index first).
        let k = min(randomesque, n - administered.count)
        var bestIndex = [Int](repeating: -1, count: k)
        var bestInformation = [Double](repeating: -1, count: k)
        var filled = 0
        for i in 0..<n where !given[i] && (topic < 0 || topicOf[i] == topic) {
            let star = logistic(a[i] * (theta - b[i]))
            let information: Double
            if c[i] == 0 {
                information = a[i] * a[i] * star * (1 - star)
            } else {
                let p = c[i] + (1 - c[i]) * star
                let ratio = (p - c[i]) / (1 - c[i])
                information = p > 0 ? a[i] * a[i] * ((1 - p) / p) * ratio * ratio : 0
            }
            if filled < k {
                var slot = filled
                while slot > 0 && bestInformation[slot - 1] < information {
                    bestInformation[slot] = bestInformation[slot - 1]
                    bestIndex[slot] = bestIndex[slot - 1]
                    slot -= 1
                }
                bestInformation[slot] = information
                bestIndex[slot] = i
                filled += 1
            } else if information > bestInformation[k - 1] {
                var slot = k - 1
                while slot > 0 && bestInformation[slot - 1] < information {
                    bestInformation[slot] = bestInformation[slot - 1]
                    bestIndex[slot] = bestIndex[slot - 1]
                    slot -= 1
                }
                bestInformation[slot] = information
                bestIndex[slot] = i
            }
        }
        guard filled > 0 else { return nil }
        return bestIndex[filled == 1 ? 0 : Int.random(in: 0..<filled, using: &rng)]
    }

    /// The topic index to draw from, or −1 for "any topic".
    private func chooseTopic(given: [Bool], administeredCount: Int, targets: [String: Double]) throws -> Int {
        guard !targets.isEmpty else { return -1 }
        var target = [Double](repeating: 0, count: topics.count)
        var total = 0.0
        for (name, value) in targets {
            guard value.isFinite, value >= 0 else {
                throw PsychometricsError(.invalidOption, "target for topic '\(name)' must be finite and ≥ 0, is \(value)")
            }
            guard let t = topics.firstIndex(of: name) else { continue }
            target[t] = value
            total += value
        }
        guard total > 0 else { return -1 }
        var administeredPerTopic = [Int](repeating: 0, count: topics.count)
        var availablePerTopic = [Int](repeating: 0, count: topics.count)
        for i in 0..<given.count {
            if given[i] { administeredPerTopic[topicOf[i]] += 1 } else { availablePerTopic[topicOf[i]] += 1 }
        }
        var chosen = -1
        var chosenDeficit = -Double.infinity
        for t in 0..<topics.count where target[t] > 0 && availablePerTopic[t] > 0 {
            let proportion = administeredCount > 0 ? Double(administeredPerTopic[t]) / Double(administeredCount) : 0
            let deficit = target[t] / total - proportion
            if chosen < 0 || deficit > chosenDeficit + 1e-12
                || (abs(deficit - chosenDeficit) <= 1e-12 && target[t] > target[chosen]) {
                chosen = t
                chosenDeficit = deficit
            }
        }
        return chosen
    }
}
