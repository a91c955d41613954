/// The options chosen on one choice item (single choice or true/false coded as options), for
/// distractor analysis.
public struct ChoiceResponses: Sendable, Hashable {
    /// The index of the correct option.
    public let key: Int
    /// The number of options.
    public let optionCount: Int
    /// For each person (in the score matrix's order), the option chosen, or nil if omitted.
    public let chosen: [Int?]

    /// Creates the choices of one item.
    ///
    /// - Parameters:
    ///   - key: index of the correct option, in `0..<optionCount`.
    ///   - optionCount: number of options (≥ 2).
    ///   - chosen: per person, the option chosen or nil.
    public init(key: Int, optionCount: Int, chosen: [Int?]) {
        self.key = key
        self.optionCount = optionCount
        self.chosen = chosen
    }
}
