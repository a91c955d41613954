/// One of several numeric answers of an item, with its tolerance and its credit.
public struct NumericAnswer: Sendable, Hashable {
    /// The answer; may be nil only with a ``NumericTolerance/range(min:max:)``.
    public var answer: Double?
    /// How close a given number must be.
    public var tolerance: NumericTolerance
    /// The credit, in percent of the item's points (0 < credit ≤ 100).
    public var credit: Double

    /// Creates a numeric answer.
    ///
    /// - Parameters:
    ///   - answer: the answer (nil only with a range).
    ///   - tolerance: how close a given number must be.
    ///   - credit: percent of the points earned by a number within the tolerance.
    public init(answer: Double?, tolerance: NumericTolerance, credit: Double = 100) {
        self.answer = answer
        self.tolerance = tolerance
        self.credit = credit
    }
}
