/// One candidate's answer to one item, independent of how it was entered.
///
/// Option and step indices always refer to the order in the bank file (the key's order), not the
/// shuffled order shown to the candidate; the caller maps a displayed position back first.
public enum Response: Sendable, Hashable {
    /// The index of the option chosen (single choice).
    case choice(Int)
    /// A true/false answer.
    case boolean(Bool)
    /// The indices of the options selected (multiple response); may be empty.
    case selection(Set<Int>)
    /// A number (numeric items). NaN and infinities are scored as wrong, never thrown.
    case number(Double)
    /// Free text (short text items), before normalization.
    case text(String)
    /// The step indices in the order the candidate put them (ordering items): `[0, 2, 1]` means
    /// the candidate put the key's first step first, its third step second and its second step
    /// last. Must be a permutation of `0..<stepCount`.
    case order([Int])
    /// For each prompt of a matching item, in the key's prompt order, the index of the choice
    /// given (in the key's choice order), or nil when the prompt was left unanswered.
    case matches([Int?])
}
