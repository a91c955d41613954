import Psychometrics

/// The items of one screen and the order of their choices, drawn from a bank with a seed so that
/// the same seed gives the same draw.
///
/// Items are spread over the bank's topics: topics take turns (in a seeded order), each giving
/// its next item (in a seeded order), until the screen is full. Choice options are shuffled when
/// the bank says so; ordering steps are always shuffled (showing them in order would give the
/// answer away).
struct ScreenDraw {
    struct Entry {
        /// Index of the item in the bank.
        var itemIndex: Int
        /// Shown position (0-based) → original option or step index; nil when not shuffled.
        var choiceOrder: [Int]?
    }

    static func draw(items: [(topic: String, choiceCount: Int, isOrdering: Bool)], count: Int, shuffleOptions: Bool, seed: UInt64) -> [Entry] {
        var rng = SplitMix64(seed: seed)
        var byTopic: [String: [Int]] = [:]
        for (index, item) in items.enumerated() { byTopic[item.topic, default: []].append(index) }
        var topics = byTopic.keys.sorted()
        shuffle(&topics, &rng)
        var queues = topics.map { topic -> [Int] in
            var queue = byTopic[topic, default: []]
            shuffle(&queue, &rng)
            return queue
        }
        var chosen: [Int] = []
        var round = 0
        while chosen.count < min(count, items.count) {
            for index in queues.indices where round < queues[index].count && chosen.count < count {
                chosen.append(queues[index][round])
            }
            round += 1
            if queues.allSatisfy({ round >= $0.count }) { break }
        }
        queues.removeAll()
        shuffle(&chosen, &rng)
        return chosen.map { itemIndex in
            let item = items[itemIndex]
            guard item.choiceCount > 0, shuffleOptions || item.isOrdering else { return Entry(itemIndex: itemIndex, choiceOrder: nil) }
            var order = Array(0..<item.choiceCount)
            shuffle(&order, &rng)
            if item.isOrdering, order == Array(0..<item.choiceCount), item.choiceCount > 1 { order.swapAt(0, 1) }
            return Entry(itemIndex: itemIndex, choiceOrder: order)
        }
    }

    /// Fisher–Yates with the seeded generator.
    static func shuffle<T>(_ values: inout [T], _ rng: inout SplitMix64) {
        guard values.count > 1 else { return }
        for index in stride(from: values.count - 1, to: 0, by: -1) {
            let other = Int(rng.next() % UInt64(index + 1))
            values.swapAt(index, other)
        }
    }
}
