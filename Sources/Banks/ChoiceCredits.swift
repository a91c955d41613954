/// Helpers for per-option and per-answer credits.
enum ChoiceCredits {
    /// How far the positive credits of a multiple_response may add up from 100 (Moodle rounds
    /// their sum to whole percent before it checks it).
    static let sumTolerance = 0.5

    /// How far a credit may be from 100/C and still be the equal split of the partial rule.
    static let splitTolerance = 0.01

    /// Whether credits are the partial rule's equal split: each of the C positive credits 100/C
    /// and every other one −100/C.
    static func isEqualSplit(_ credits: [Double]) -> Bool {
        let right = credits.filter { $0 > 0 }.count
        guard right > 0, right < credits.count else { return false }
        let share = 100 / Double(right)
        return credits.allSatisfy { abs(abs($0) - share) <= splitTolerance }
    }

    /// `values` sorted by `areInIncreasingOrder`, equal elements kept in their order.
    static func stableSorted<T>(_ values: [T], by areInIncreasingOrder: (T, T) -> Bool) -> [T] {
        guard values.count > 1 else { return values }
        return values.enumerated().sorted { a, b in
            if areInIncreasingOrder(a.element, b.element) { return true }
            if areInIncreasingOrder(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}
