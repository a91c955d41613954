import Banks
import Foundation

/// An item's answer key in words, for staff (`assay screen show`, `assay review list`): never
/// for anything a candidate sees.
enum ItemKeySummary {
    /// What a short-text item accepts: its literal answers (with their credit when below 100),
    /// then its wildcard patterns and regular expressions written as `/…/`; nil for other items.
    static func acceptedAnswers(_ item: Item) -> [String]? {
        guard case .shortText(let accept, let regex, let graded) = item.body else { return nil }
        func credited(_ text: String, _ credit: Double) -> String {
            credit < 100 ? "\(text) (\(String(format: "%g", credit))%)" : text
        }
        var answers = accept
        for answer in graded ?? [] where answer.match == .exact { answers.append(credited(answer.text, answer.credit)) }
        for answer in graded ?? [] where answer.match == .wildcard { answers.append(credited("wildcard '\(answer.text)'", answer.credit)) }
        answers += regex.map { "/\($0)/" }
        for answer in graded ?? [] where answer.match == .regex { answers.append(credited("/\(answer.text)/", answer.credit)) }
        return answers
    }

    /// The key in one line: the correct option(s), the number and its tolerance, the accepted
    /// answers, the order of the steps, the pairs, or the essay's rubric.
    static func describe(_ item: Item) -> String {
        func number(_ value: Double) -> String { String(format: "%g", value) }
        func tolerance(_ answer: Double?, _ tolerance: Banks.NumericTolerance) -> String {
            switch tolerance {
            case .exact: answer.map(number) ?? "?"
            case .absolute(let value): "\(answer.map(number) ?? "?") ± \(number(value))"
            case .percent(let value): "\(answer.map(number) ?? "?") ± \(number(value))%"
            case .range(let low, let high): "\(number(low)) to \(number(high))"
            }
        }
        switch item.body {
        case .singleChoice(let options), .multipleResponse(let options, _):
            if options.contains(where: { $0.credit != nil }) {
                return options.filter { ($0.credit ?? 0) != 0 }.map { "\($0.text) (\(String(format: "%g", $0.credit ?? 0))%)" }.joined(separator: " | ")
            }
            return options.filter(\.correct).map(\.text).joined(separator: " | ")
        case .trueFalse(let answer):
            return answer ? "true" : "false"
        case .numeric(let key):
            var text = tolerance(key.answer, key.tolerance) + (key.unit.map { " \($0)" } ?? "")
            for other in key.otherAnswers ?? [] {
                text += " | \(tolerance(other.answer, other.tolerance)) (\(number(other.credit))%)"
            }
            return text
        case .shortText:
            return (acceptedAnswers(item) ?? []).joined(separator: " | ")
        case .ordering(let steps, _):
            return steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "  ")
        case .matching(let pairs, _, _):
            return pairs.map { "\($0.prompt) → \($0.answer)" }.joined(separator: " | ")
        case .essay(let rubric, _):
            return "rubric: " + rubric.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
