/// One accepted answer of a short-text item, with how it is matched and its credit.
public struct TextAnswer: Sendable, Hashable {
    /// How ``TextAnswer/text`` is compared with an answer.
    public enum Match: String, Sendable, Hashable, CaseIterable {
        /// Equal after ``TextNormalizer`` on both sides.
        case exact
        /// A Moodle-style pattern (see ``WildcardPattern``), matched after normalization.
        case wildcard
        /// A regular expression matched against the whole normalized answer.
        case regex
    }

    /// The accepted text, pattern or regular expression.
    public var text: String
    /// How it is compared.
    public var match: Match
    /// The credit, in percent of the item's points (0 < credit ≤ 100).
    public var credit: Double

    /// Creates an accepted answer.
    ///
    /// - Parameters:
    ///   - text: the accepted text, pattern or regular expression.
    ///   - match: how it is compared.
    ///   - credit: percent of the points earned by a matching answer.
    public init(_ text: String, match: Match = .exact, credit: Double = 100) {
        self.text = text
        self.match = match
        self.credit = credit
    }
}
