import Banks
import Foundation
import Psychometrics

/// Maps between what a candidate saw (shuffled positions) and what is stored and scored (the
/// item's original indices), and checks that an answer fits its item.
enum AnswerMapping {
    /// How many options (choice items) or steps (ordering items) an item has; 0 for other types.
    static func choiceCount(_ item: Item) -> Int {
        switch item.body {
        case .singleChoice(let options), .multipleResponse(let options, _): options.count
        case .ordering(let steps, _): steps.count
        case .matching(let pairs, let distractors, _): MatchingLayout(pairs: pairs, distractors: distractors).choices.count
        default: 0
        }
    }

    /// Items whose choices are shuffled whatever the bank says, never left in key order: the
    /// steps of an ordering item, the answers of a matching item (listed in key order they would
    /// give the key away).
    static func alwaysShuffled(_ item: Item) -> Bool { item.type == .ordering || item.type == .matching }

    /// Maps shown positions back to the item's original indices and checks the answer fits.
    ///
    /// - Parameters:
    ///   - answer: the answer in shown positions.
    ///   - item: the item answered.
    ///   - order: shown position → original index, nil when the choices were not shuffled.
    ///   - typed: what the candidate typed, when known: a numeric answer must read from it as a
    ///     decimal number (the item's unit after it allowed), so that `0x1p3`, which Swift reads as
    ///     8, is not scored as 8 while the reviewer sees letters.
    /// - Throws: ``AssayError`` (bad input) when the answer does not fit the item.
    static func stored(_ answer: CandidateAnswer, item: Item, order: [Int]?, typed: String? = nil) throws -> StoredAnswer {
        let count = choiceCount(item)
        func original(_ shown: Int) throws -> Int {
            guard shown >= 0, shown < count else { throw AssayError(.badInput, "there is no option \(shown + 1)") }
            return order?[shown] ?? shown
        }
        switch (item.body, answer) {
        case (.singleChoice, .choice(let shown)):
            return .choice(try original(shown))
        case (.multipleResponse, .choices(let shown)):
            guard !shown.isEmpty else { throw AssayError(.badInput, "select at least one option") }
            return .choices(try shown.map(original).sorted())
        case (.trueFalse, .boolean(let value)):
            return .boolean(value)
        case (.numeric(let key), .number(let value)):
            guard value.isFinite else { throw AssayError(.badInput, "the number must be finite") }
            if let typed, Self.decimalValue(typed, unit: key.unit) != value {
                throw AssayError(.badInput, "'\(typed.visibleSafe)' is not a number written in decimal, such as 42, -3.5 or 1.2e-3")
            }
            return .number(value)
        case (.shortText, .text(let value)), (.essay, .text(let value)):
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AssayError(.badInput, "the answer is empty") }
            return .text(value)
        case (.ordering, .order(let shown)):
            guard shown.count == count, Set(shown).count == count else { throw AssayError(.badInput, "give every step exactly once") }
            return .order(try shown.map(original))
        case (.matching(let pairs, _, _), .matches(let shown)):
            guard shown.count == pairs.count else { throw AssayError(.badInput, "give one answer for each of the \(pairs.count) prompts") }
            return .matches(try shown.map(original))
        default:
            throw AssayError(.badInput, "this kind of answer does not fit a \(item.type.rawValue) question")
        }
    }

    /// The decimal number typed, without surrounding spaces and the item's unit after it.
    static func decimalValue(_ typed: String, unit: String?) -> Double? {
        var text = typed.trimmingCharacters(in: .whitespaces)
        if let unit, !unit.isEmpty, text.hasSuffix(unit) { text = String(text.dropLast(unit.count)).trimmingCharacters(in: .whitespaces) }
        return DecimalNumber.parse(text)
    }
}
