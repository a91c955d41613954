import Banks

extension CandidateQuestion {
    /// The candidate's view of an item: its prompt and choices in the order this candidate saw
    /// them; no key, no explanation, no rubric.
    ///
    /// - Parameters:
    ///   - item: the item.
    ///   - position: its 1-based position in the screen.
    ///   - total: the screen's length.
    ///   - order: shown position → original index, nil when not shuffled.
    ///   - secondsLeft: time left on the screen's clock.
    ///   - answered: whether the candidate has answered it.
    init(showing item: Item, position: Int, total: Int, order: [Int]?, secondsLeft: Int, answered: Bool) {
        func shown(_ texts: [String]) -> [String] { (order ?? Array(texts.indices)).map { texts[$0] } }
        self.init(position: position, total: total, kind: .essay, prompt: item.prompt, choices: [], unit: nil,
                  maxWords: nil, secondsLeft: secondsLeft, answered: answered)
        switch item.body {
        case .singleChoice(let options):
            kind = .singleChoice
            choices = shown(options.map(\.text))
        case .multipleResponse(let options, _):
            kind = .multipleResponse
            choices = shown(options.map(\.text))
        case .trueFalse:
            kind = .trueFalse
        case .numeric(let key):
            kind = .numeric
            unit = key.unit
        case .shortText:
            kind = .shortText
        case .ordering(let steps, _):
            kind = .ordering
            choices = shown(steps)
        case .essay(_, let maxWords):
            kind = .essay
            self.maxWords = maxWords
        case .matching(let pairs, let distractors, _):
            kind = .matching
            choices = shown(MatchingLayout(pairs: pairs, distractors: distractors).choices)
            matchPrompts = pairs.map(\.prompt)
        }
    }
}
