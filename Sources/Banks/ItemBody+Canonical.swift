/// One written form per key, so that the same meaning gives the same item (and content hash).
extension ItemBody {
    /// The body with its key in canonical form.
    ///
    /// - Choice items with credits: a missing credit counts 0 and ``ChoiceOption/correct`` is
    ///   derived from the credits (full credit in a single_choice, a positive one in a
    ///   multiple_response). Credits that say what the classic key says are written as the
    ///   classic key: one option at 100 and the others at 0 in a single_choice; the equal split of
    ///   the partial rule (each of the C right options 100/C, each wrong one −100/C, within 0.01)
    ///   in a multiple_response.
    /// - Numeric: further answers highest credit first (stable); none is nil.
    /// - Short text: a wildcard pattern without a wildcard is the exact text it stands for (`\*`
    ///   read as `*`); graded answers with full credit that are exact texts or regular
    ///   expressions join `accept` or `acceptRegex`; the rest is ordered exact, wildcard, regex,
    ///   each highest credit first (stable); none is nil.
    /// - Other types are unchanged.
    public var canonical: ItemBody {
        switch self {
        case .singleChoice(let options):
            guard options.contains(where: { $0.credit != nil }) else { return self }
            let credits = options.map { $0.credit ?? 0 }
            let full = credits.indices.filter { credits[$0] >= 100 }
            if full.count == 1, credits.indices.allSatisfy({ full.contains($0) || credits[$0] == 0 }) {
                return .singleChoice(options: options.enumerated().map { ChoiceOption(text: $0.element.text, correct: $0.offset == full[0]) })
            }
            return .singleChoice(options: zip(options, credits).map { ChoiceOption(text: $0.text, correct: $1 >= 100, credit: $1) })
        case .multipleResponse(let options, _):
            guard options.contains(where: { $0.credit != nil }) else { return self }
            let credits = options.map { $0.credit ?? 0 }
            if ChoiceCredits.isEqualSplit(credits) {
                return .multipleResponse(options: zip(options, credits).map { ChoiceOption(text: $0.text, correct: $1 > 0) }, scoring: .partial)
            }
            return .multipleResponse(options: zip(options, credits).map { ChoiceOption(text: $0.text, correct: $1 > 0, credit: $1) }, scoring: .partial)
        case .numeric(var key):
            if let others = key.otherAnswers {
                key.otherAnswers = others.isEmpty ? nil : ChoiceCredits.stableSorted(others) { $0.credit > $1.credit }
            }
            return .numeric(key)
        case .shortText(var accept, var regex, let graded):
            guard let graded else { return self }
            var rest: [ShortTextAnswer] = []
            for var answer in graded {
                if answer.match == .wildcard, !ShortTextPatterns.hasWildcard(answer.text) {
                    answer = ShortTextAnswer(ShortTextPatterns.unescaping(answer.text), match: .exact, credit: answer.credit)
                }
                if answer.credit >= 100, answer.match == .exact { accept.append(answer.text) }
                else if answer.credit >= 100, answer.match == .regex { regex.append(answer.text) }
                else { rest.append(answer) }
            }
            let order: [ShortTextAnswer.Match: Int] = [.exact: 0, .wildcard: 1, .regex: 2]
            rest = ChoiceCredits.stableSorted(rest) { (order[$0.match] ?? 0, -$0.credit) < (order[$1.match] ?? 0, -$1.credit) }
            return .shortText(accept: accept, acceptRegex: regex, graded: rest.isEmpty ? nil : rest)
        case .trueFalse, .ordering, .essay, .matching:
            return self
        }
    }
}
