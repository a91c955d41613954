/// The choices a matching item offers and which one is right for each prompt.
///
/// The choices are the pairs' answers, each text once in the order of first appearance (two
/// prompts may share an answer, as in Moodle), then the distractors. `key[i]` is the index in
/// ``choices`` of pair `i`'s answer. Screens show the choices shuffled, always.
public struct MatchingLayout: Sendable, Hashable {
    /// The most pairs a matching item may have.
    public static let maximumPairs = 20
    /// The most choices (answers and distractors) a matching item may offer: the letters A–Z.
    public static let maximumChoices = 26

    /// Every answer text once, then the distractors.
    public let choices: [String]
    /// For each pair, the index of its answer in ``choices``.
    public let key: [Int]

    /// Lays out a matching item.
    ///
    /// - Parameters:
    ///   - pairs: the prompts and their answers.
    ///   - distractors: answers that match no prompt.
    public init(pairs: [MatchingPair], distractors: [String]) {
        var choices: [String] = []
        var index: [String: Int] = [:]
        var key: [Int] = []
        for pair in pairs {
            if let known = index[pair.answer] {
                key.append(known)
            } else {
                index[pair.answer] = choices.count
                key.append(choices.count)
                choices.append(pair.answer)
            }
        }
        for distractor in distractors where index[distractor] == nil {
            index[distractor] = choices.count
            choices.append(distractor)
        }
        self.choices = choices
        self.key = key
    }
}
