import Banks
import Psychometrics

/// Scores one answer to one item with the rules of docs/bank-format.md: the bridge from a bank's
/// `Item` to Psychometrics' `AnswerKey`.
enum ItemScoring {
    /// The points an answer earns.
    ///
    /// - Throws: ``AssayError`` for essays (a reviewer grades them); `PsychometricsError` when
    ///   the key or the answer cannot be scored.
    static func points(_ item: Item, _ answer: StoredAnswer) throws -> Double {
        func tolerance(_ written: Banks.NumericTolerance) -> ScoringTolerance {
            switch written {
            case .exact: .exact
            case .absolute(let value): .absolute(value)
            case .percent(let value): .percent(value)
            case .range(let low, let high): .range(min: low, max: high)
            }
        }
        let key: AnswerKey
        switch item.body {
        case .singleChoice(let options) where options.contains { $0.credit != nil }:
            key = .creditedChoice(credits: options.map { $0.credit ?? 0 })
        case .singleChoice(let options):
            key = .singleChoice(correct: options.firstIndex(where: \.correct) ?? -1, optionCount: options.count)
        case .multipleResponse(let options, _) where options.contains { $0.credit != nil }:
            key = .creditedSelection(credits: options.map { $0.credit ?? 0 })
        case .multipleResponse(let options, let scoring):
            key = .multipleResponse(correct: Set(options.indices.filter { options[$0].correct }), optionCount: options.count,
                                    rule: scoring == .partial ? .partial : .allOrNothing)
        case .trueFalse(let value):
            key = .trueFalse(answer: value)
        case .numeric(let numeric):
            if let others = numeric.otherAnswers {
                key = .numericAnswers([NumericAnswer(answer: numeric.answer, tolerance: tolerance(numeric.tolerance))]
                    + others.map { NumericAnswer(answer: $0.answer, tolerance: tolerance($0.tolerance), credit: $0.credit) })
            } else {
                key = .numeric(answer: numeric.answer, tolerance: tolerance(numeric.tolerance))
            }
        case .shortText(let accept, let regex, let graded?):
            key = .textAnswers(accept.map { TextAnswer($0) } + regex.map { TextAnswer($0, match: .regex) }
                + graded.map { TextAnswer($0.text, match: TextAnswer.Match(rawValue: $0.match.rawValue) ?? .exact, credit: $0.credit) })
        case .shortText(let accept, let regex, nil):
            key = .shortText(accept: accept, acceptRegex: regex)
        case .ordering(let steps, let scoring):
            key = .ordering(stepCount: steps.count, rule: scoring == .partial ? .partial : .allOrNothing)
        case .matching(let pairs, let distractors, let scoring):
            let layout = MatchingLayout(pairs: pairs, distractors: distractors)
            key = .matching(key: layout.key, choiceCount: layout.choices.count, rule: scoring == .partial ? .partial : .allOrNothing)
        case .essay:
            throw AssayError(.database, "essays are graded by a reviewer")
        }
        let response: Response
        switch answer {
        case .choice(let index): response = .choice(index)
        case .choices(let indices): response = .selection(Set(indices))
        case .boolean(let value): response = .boolean(value)
        case .number(let value): response = .number(value)
        case .text(let value): response = .text(value)
        case .order(let indices): response = .order(indices)
        case .matches(let indices): response = .matches(indices)
        }
        return try key.score(response, points: item.points)
    }

    /// The accepted answer a short-text answer that earned nothing is near to (see
    /// `TextNearMiss`), or nil: for other item types, answers that are not text, and items whose
    /// only keys are patterns. Literal accepted answers are `accept` and the graded answers
    /// matched exactly.
    static func nearMiss(_ item: Item, _ answer: StoredAnswer) -> TextNearMiss? {
        guard case .shortText(let accept, _, let graded) = item.body, case .text(let given) = answer else { return nil }
        let literals = accept + (graded ?? []).filter { $0.match == .exact }.map(\.text)
        return TextNearMiss.find(given, accepted: literals)
    }

    /// Whether an answer counts as correct: it earned the item's full points.
    static func isCorrect(points: Double, of maximum: Double) -> Bool { points >= maximum - 1e-9 }
}
