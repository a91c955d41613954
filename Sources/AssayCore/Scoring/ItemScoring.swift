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
        let key: AnswerKey
        switch item.body {
        case .singleChoice(let options):
            key = .singleChoice(correct: options.firstIndex(where: \.correct) ?? -1, optionCount: options.count)
        case .multipleResponse(let options, let scoring):
            key = .multipleResponse(correct: Set(options.indices.filter { options[$0].correct }), optionCount: options.count,
                                    rule: scoring == .partial ? .partial : .allOrNothing)
        case .trueFalse(let value):
            key = .trueFalse(answer: value)
        case .numeric(let numeric):
            let tolerance: ScoringTolerance
            switch numeric.tolerance {
            case .exact: tolerance = .exact
            case .absolute(let value): tolerance = .absolute(value)
            case .percent(let value): tolerance = .percent(value)
            case .range(let low, let high): tolerance = .range(min: low, max: high)
            }
            key = .numeric(answer: numeric.answer, tolerance: tolerance)
        case .shortText(let accept, let regex):
            key = .shortText(accept: accept, acceptRegex: regex)
        case .ordering(let steps, let scoring):
            key = .ordering(stepCount: steps.count, rule: scoring == .partial ? .partial : .allOrNothing)
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
        }
        return try key.score(response, points: item.points)
    }

    /// Whether an answer counts as correct: it earned the item's full points.
    static func isCorrect(points: Double, of maximum: Double) -> Bool { points >= maximum - 1e-9 }
}
