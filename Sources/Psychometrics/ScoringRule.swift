/// How an item with several parts (multiple response, ordering) turns a partly right answer into
/// points.
///
/// The raw values are the bank format's `scoring:` spellings, so a bank reader can write
/// `ScoringRule(rawValue: yaml)`.
public enum ScoringRule: String, Sendable, Hashable, CaseIterable {
    /// Partial credit (the default): the item type's formula, clipped at zero.
    case partial
    /// Full points only for a fully right answer, 0 otherwise.
    case allOrNothing = "all_or_nothing"
}
