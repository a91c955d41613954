/// A reason for a person to review an item, raised by ``ClassicalItemAnalysis``.
public enum ReviewFlag: Sendable, Hashable {
    /// The corrected item–total correlation is negative: stronger candidates do worse on this
    /// item than weaker ones (a wrong key or an ambiguous stem is the usual cause).
    case negativeDiscrimination
    /// Facility below 0.1: almost nobody earns the points.
    case tooHard
    /// Facility above 0.95: almost everybody earns the points.
    case tooEasy
    /// A distractor (wrong option) is chosen by a larger share of the top group than the key.
    case distractorAttractsTopGroup(option: Int)
}
