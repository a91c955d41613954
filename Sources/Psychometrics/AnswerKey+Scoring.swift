import Foundation

extension AnswerKey {
    /// Checks that the key can score answers: indices in range, at least one correct option and
    /// one wrong one for multiple response, finite non-negative tolerances, a range with
    /// min ≤ max containing the answer, at least one accepted answer or pattern, every regular
    /// expression valid, at least two ordering steps; credits finite, within −100…100 for options
    /// and 0 < credit ≤ 100 for numeric and text answers, with an option (or answer) at 100 where
    /// one option is chosen, and a positive credit among the options of a credited selection;
    /// a matching key with at least one prompt and every choice index in range.
    ///
    /// ``score(_:points:)`` runs the same checks; call this to report a bad key when a bank is
    /// loaded rather than when a candidate answers.
    ///
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidKey``.
    public func validate() throws {
        switch self {
        case let .singleChoice(correct, optionCount):
            guard optionCount >= 2 else { throw keyError("a single-choice item needs at least 2 options, has \(optionCount)") }
            guard (0..<optionCount).contains(correct) else {
                throw keyError("correct option \(correct) does not exist (\(optionCount) options)")
            }
        case .trueFalse:
            break
        case let .multipleResponse(correct, optionCount, _):
            guard optionCount >= 2 else { throw keyError("a multiple-response item needs at least 2 options, has \(optionCount)") }
            guard !correct.isEmpty else { throw keyError("a multiple-response item needs at least one correct option") }
            guard correct.count < optionCount else { throw keyError("a multiple-response item needs at least one option that is not correct") }
            if let bad = correct.sorted().first(where: { !(0..<optionCount).contains($0) }) {
                throw keyError("correct option \(bad) does not exist (\(optionCount) options)")
            }
        case let .numeric(answer, tolerance):
            try Self.validateNumeric(answer: answer, tolerance: tolerance)
        case let .shortText(accept, acceptRegex):
            guard !accept.isEmpty || !acceptRegex.isEmpty else { throw keyError("a short-text item needs accept or accept_regex") }
            for pattern in acceptRegex { _ = try Self.wholeMatchRegex(pattern) }
        case let .ordering(stepCount, _):
            guard stepCount >= 2 else { throw keyError("an ordering item needs at least 2 steps, has \(stepCount)") }
        case let .creditedChoice(credits):
            try Self.validateOptionCredits(credits)
            guard credits.contains(where: { abs($0 - 100) <= Self.creditSlack }) else {
                throw keyError("a single-choice item needs an option with credit 100")
            }
        case let .creditedSelection(credits):
            try Self.validateOptionCredits(credits)
            guard credits.contains(where: { $0 > 0 }) else { throw keyError("a multiple-response item needs an option with a positive credit") }
        case let .numericAnswers(answers):
            guard !answers.isEmpty else { throw keyError("a numeric item needs at least one answer") }
            for answer in answers {
                try Self.validateNumeric(answer: answer.answer, tolerance: answer.tolerance)
                try Self.validateAnswerCredit(answer.credit)
            }
            guard answers.contains(where: { abs($0.credit - 100) <= Self.creditSlack }) else {
                throw keyError("a numeric item needs an answer with credit 100")
            }
        case let .textAnswers(answers):
            guard !answers.isEmpty else { throw keyError("a short-text item needs at least one accepted answer") }
            for answer in answers {
                try Self.validateAnswerCredit(answer.credit)
                if answer.match == .regex { _ = try Self.wholeMatchRegex(answer.text) }
            }
            guard answers.contains(where: { abs($0.credit - 100) <= Self.creditSlack }) else {
                throw keyError("a short-text item needs an accepted answer with credit 100")
            }
        case let .matching(key, choiceCount, _):
            guard !key.isEmpty else { throw keyError("a matching item needs at least one prompt") }
            if let bad = key.first(where: { !(0..<choiceCount).contains($0) }) {
                throw keyError("choice \(bad) does not exist (\(choiceCount) choices)")
            }
        }
    }

    /// How far a credit may be from 100 and still count as full credit (binary rounding of
    /// credits such as 33.33333 × 3).
    static let creditSlack = 1e-9

    private static func validateNumeric(answer: Double?, tolerance: NumericTolerance) throws {
        if let answer, !answer.isFinite { throw keyError("the numeric answer must be a finite number") }
        switch tolerance {
        case .exact:
            guard answer != nil else { throw keyError("a numeric item without a range needs an answer") }
        case let .absolute(value):
            guard answer != nil else { throw keyError("a numeric item with a tolerance needs an answer") }
            guard value.isFinite, value >= 0 else { throw keyError("tolerance must be a finite number ≥ 0, is \(value)") }
        case let .percent(value):
            guard answer != nil else { throw keyError("a numeric item with tolerance_percent needs an answer") }
            guard value.isFinite, value >= 0 else { throw keyError("tolerance_percent must be a finite number ≥ 0, is \(value)") }
        case let .range(min, max):
            guard min.isFinite, max.isFinite, min <= max else { throw keyError("range needs finite min ≤ max, is [\(min), \(max)]") }
            if let answer, !(min...max).contains(answer) { throw keyError("answer \(answer) lies outside the range [\(min), \(max)]") }
        }
    }

    private static func validateOptionCredits(_ credits: [Double]) throws {
        guard credits.count >= 2 else { throw keyError("a choice item needs at least 2 options, has \(credits.count)") }
        if let bad = credits.first(where: { !$0.isFinite || $0 < -100 || $0 > 100 }) {
            throw keyError("an option's credit must be a percentage from -100 to 100, is \(bad)")
        }
    }

    private static func validateAnswerCredit(_ credit: Double) throws {
        guard credit.isFinite, credit > 0, credit <= 100 else {
            throw keyError("an accepted answer's credit must be above 0 and at most 100, is \(credit)")
        }
    }

    /// Scores one answer: the points awarded, between 0 and `points`.
    ///
    /// The rules are those of docs/bank-format.md:
    /// - single choice, true/false: `points` for the key, 0 otherwise;
    /// - multiple response, partial: `points × max(0, (h − f) / C)` with C correct options, h of
    ///   them selected and f wrong options selected; all-or-nothing: `points` only for exactly the
    ///   correct set;
    /// - numeric: `points` inside the tolerance (see ``NumericTolerance``); NaN and ±∞ earn 0;
    /// - short text: `points` if the normalized answer (``TextNormalizer``) equals a normalized
    ///   accepted answer, or a regular expression matches the *whole* normalized answer (anchored
    ///   at both ends whatever the pattern says; matched case-insensitively with
    ///   `NSRegularExpression`, so write patterns without accents);
    /// - ordering, partial: Kendall's τ clipped at zero, `points × max(0, (c − d) / P)` with
    ///   P = n(n − 1)/2 pairs, c pairs in the key's relative order and d = P − c (Kendall 1938);
    ///   one adjacent swap in five steps earns 0.8; all-or-nothing: `points` only for the exact
    ///   order;
    /// - credited choice: `points × max(0, credit of the chosen option) / 100`;
    /// - credited selection: `points × max(0, Σ credits selected / Σ positive credits)`;
    /// - numeric and text answers: `points × (best credit among the answers matched) / 100`, 0
    ///   when none matches; a wildcard answer matches as ``WildcardPattern`` says;
    /// - matching, partial: `points × right / prompts` (an unanswered prompt is wrong);
    ///   all-or-nothing: `points` only when every prompt is right.
    ///
    /// - Parameters:
    ///   - response: the answer given, with indices in the key's order.
    ///   - points: the item's points for a fully right answer (finite, > 0; default 1).
    /// - Returns: the awarded points in `0...points`.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidKey`` for a bad
    ///   key, ``PsychometricsError/Code/invalidPoints`` for bad points, and
    ///   ``PsychometricsError/Code/invalidResponse`` when the response is of the wrong kind, names
    ///   an option that does not exist, or is not a permutation of the steps.
    public func score(_ response: Response, points: Double = 1) throws -> Double {
        guard points.isFinite, points > 0 else {
            throw PsychometricsError(.invalidPoints, "points must be a finite number > 0, is \(points)")
        }
        try validate()
        return points * (try fraction(for: response))
    }

    /// The fraction of the points earned, in 0...1, for a key already validated.
    private func fraction(for response: Response) throws -> Double {
        switch (self, response) {
        case let (.singleChoice(correct, optionCount), .choice(chosen)):
            guard (0..<optionCount).contains(chosen) else {
                throw responseError("option \(chosen) does not exist (\(optionCount) options)")
            }
            return chosen == correct ? 1 : 0

        case let (.trueFalse(answer), .boolean(given)):
            return given == answer ? 1 : 0

        case let (.multipleResponse(correct, optionCount, rule), .selection(selected)):
            if let bad = selected.sorted().first(where: { !(0..<optionCount).contains($0) }) {
                throw responseError("option \(bad) does not exist (\(optionCount) options)")
            }
            switch rule {
            case .allOrNothing:
                return selected == correct ? 1 : 0
            case .partial:
                let hits = selected.intersection(correct).count
                let falseAlarms = selected.count - hits
                return max(0, Double(hits - falseAlarms) / Double(correct.count))
            }

        case let (.numeric(answer, tolerance), .number(given)):
            guard given.isFinite else { return 0 }
            return Self.numericMatches(given: given, answer: answer, tolerance: tolerance) ? 1 : 0

        case let (.shortText(accept, acceptRegex), .text(given)):
            let normalized = TextNormalizer.normalize(given)
            if accept.contains(where: { TextNormalizer.normalize($0) == normalized }) { return 1 }
            let range = NSRange(location: 0, length: (normalized as NSString).length)
            for pattern in acceptRegex {
                let regex = try Self.wholeMatchRegex(pattern)
                if regex.firstMatch(in: normalized, options: [], range: range) != nil { return 1 }
            }
            return 0

        case let (.ordering(stepCount, rule), .order(given)):
            guard given.count == stepCount, Set(given) == Set(0..<stepCount) else {
                throw responseError("the order \(given) is not a permutation of the \(stepCount) steps 0…\(stepCount - 1)")
            }
            switch rule {
            case .allOrNothing:
                return given == Array(0..<stepCount) ? 1 : 0
            case .partial:
                var concordant = 0
                for i in 0..<stepCount {
                    for j in (i + 1)..<stepCount where given[i] < given[j] { concordant += 1 }
                }
                let pairs = stepCount * (stepCount - 1) / 2
                let discordant = pairs - concordant
                return max(0, Double(concordant - discordant) / Double(pairs))
            }

        case let (.creditedChoice(credits), .choice(chosen)):
            guard credits.indices.contains(chosen) else {
                throw responseError("option \(chosen) does not exist (\(credits.count) options)")
            }
            return min(1, max(0, credits[chosen] / 100))

        case let (.creditedSelection(credits), .selection(selected)):
            if let bad = selected.sorted().first(where: { !credits.indices.contains($0) }) {
                throw responseError("option \(bad) does not exist (\(credits.count) options)")
            }
            let positive = credits.filter { $0 > 0 }.reduce(0, +)
            let earned = selected.sorted().map { credits[$0] }.reduce(0, +)
            return min(1, max(0, earned / positive))

        case let (.numericAnswers(answers), .number(given)):
            guard given.isFinite else { return 0 }
            let best = answers.filter { Self.numericMatches(given: given, answer: $0.answer, tolerance: $0.tolerance) }.map(\.credit).max() ?? 0
            return min(1, best / 100)

        case let (.textAnswers(answers), .text(given)):
            let normalized = TextNormalizer.normalize(given)
            var best = 0.0
            for answer in answers where answer.credit > best {
                if try Self.textMatches(normalized: normalized, given: given, answer: answer) { best = answer.credit }
            }
            return min(1, best / 100)

        case let (.matching(key, choiceCount, rule), .matches(given)):
            guard given.count == key.count else {
                throw responseError("\(given.count) matches given for \(key.count) prompts")
            }
            if let bad = given.compactMap({ $0 }).first(where: { !(0..<choiceCount).contains($0) }) {
                throw responseError("choice \(bad) does not exist (\(choiceCount) choices)")
            }
            let right = zip(given, key).filter { $0.0 == $0.1 }.count
            switch rule {
            case .allOrNothing: return right == key.count ? 1 : 0
            case .partial: return Double(right) / Double(key.count)
            }

        default:
            throw responseError("a \(response.kindName) answer cannot be scored against a \(kindName) item")
        }
    }

    /// Whether a text answer matches one accepted answer (`normalized` is `given` normalized).
    private static func textMatches(normalized: String, given: String, answer: TextAnswer) throws -> Bool {
        switch answer.match {
        case .exact:
            return TextNormalizer.normalize(answer.text) == normalized
        case .wildcard:
            return WildcardPattern(answer.text).matches(given)
        case .regex:
            let regex = try wholeMatchRegex(answer.text)
            return regex.firstMatch(in: normalized, options: [], range: NSRange(location: 0, length: (normalized as NSString).length)) != nil
        }
    }

    /// Whether a finite number lies within the tolerance of the key (with the documented slack).
    private static func numericMatches(given: Double, answer: Double?, tolerance: NumericTolerance) -> Bool {
        func slack(_ values: Double...) -> Double { 1e-9 * (values.map(abs).max() ?? 0) }
        switch tolerance {
        case .exact:
            guard let answer else { return false }
            return abs(given - answer) <= slack(given, answer)
        case let .absolute(tol):
            guard let answer else { return false }
            return abs(given - answer) <= tol + slack(given, answer, tol)
        case let .percent(percent):
            guard let answer else { return false }
            let tol = percent / 100 * abs(answer)
            return abs(given - answer) <= tol + slack(given, answer)
        case let .range(min, max):
            return given >= min - slack(min, given) && given <= max + slack(max, given)
        }
    }

    /// Compiles a pattern so that it must match the whole string: `\A(?:pattern)\z`.
    ///
    /// The pattern is first compiled on its own, so that a malformed pattern such as `a)(b` is
    /// rejected rather than repaired by the wrapping.
    static func wholeMatchRegex(_ pattern: String) throws -> NSRegularExpression {
        do {
            _ = try NSRegularExpression(pattern: pattern, options: [])
            return try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z", options: [.caseInsensitive])
        } catch {
            throw PsychometricsError(.invalidKey, "accept_regex '\(pattern)' is not a valid regular expression")
        }
    }

    /// The bank-format name of the item type, for messages.
    var kindName: String {
        switch self {
        case .singleChoice: "single_choice"
        case .trueFalse: "true_false"
        case .multipleResponse: "multiple_response"
        case .numeric: "numeric"
        case .shortText: "short_text"
        case .ordering: "ordering"
        case .creditedChoice: "single_choice"
        case .creditedSelection: "multiple_response"
        case .numericAnswers: "numeric"
        case .textAnswers: "short_text"
        case .matching: "matching"
        }
    }
}

extension Response {
    /// A name for the kind of answer, for messages.
    var kindName: String {
        switch self {
        case .choice: "choice"
        case .boolean: "true/false"
        case .selection: "selection"
        case .number: "number"
        case .text: "text"
        case .order: "order"
        case .matches: "matching"
        }
    }
}

private func keyError(_ message: String) -> PsychometricsError {
    PsychometricsError(.invalidKey, message)
}

private func responseError(_ message: String) -> PsychometricsError {
    PsychometricsError(.invalidResponse, message)
}
