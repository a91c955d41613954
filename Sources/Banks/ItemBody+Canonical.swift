internal import Foundation

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

/// Helpers for per-option and per-answer credits.
enum ChoiceCredits {
    /// How far the positive credits of a multiple_response may add up from 100 (Moodle rounds
    /// their sum to whole percent before it checks it).
    static let sumTolerance = 0.5

    /// How far a credit may be from 100/C and still be the equal split of the partial rule.
    static let splitTolerance = 0.01

    /// Whether credits are the partial rule's equal split: each of the C positive credits 100/C
    /// and every other one −100/C.
    static func isEqualSplit(_ credits: [Double]) -> Bool {
        let right = credits.filter { $0 > 0 }.count
        guard right > 0, right < credits.count else { return false }
        let share = 100 / Double(right)
        return credits.allSatisfy { abs(abs($0) - share) <= splitTolerance }
    }

    /// `values` sorted by `areInIncreasingOrder`, equal elements kept in their order.
    static func stableSorted<T>(_ values: [T], by areInIncreasingOrder: (T, T) -> Bool) -> [T] {
        values.enumerated().sorted { a, b in
            if areInIncreasingOrder(a.element, b.element) { return true }
            if areInIncreasingOrder(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Moodle-style short-answer patterns as the bank writes them: `*` any run of characters, `\*` a
/// literal asterisk.
enum ShortTextPatterns {
    /// Whether `pattern` holds an unescaped `*`.
    static func hasWildcard(_ pattern: String) -> Bool {
        var previous: Character?
        for character in pattern {
            if character == "*", previous != "\\" { return true }
            previous = character
        }
        return false
    }

    /// Whether `pattern` is nothing but wildcards (and whitespace), so it accepts every answer.
    static func wildcardMatchesEverything(_ pattern: String) -> Bool {
        let trimmed = pattern.filter { !$0.isWhitespace }
        return !trimmed.isEmpty && trimmed.allSatisfy { $0 == "*" }
    }

    /// A literal text as a pattern: every `*` written `\*`.
    static func escaping(_ literal: String) -> String {
        literal.replacingOccurrences(of: "*", with: "\\*")
    }

    /// The literal text a pattern without wildcards stands for: every `\*` read as `*`.
    static func unescaping(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "\\*", with: "*")
    }
}
