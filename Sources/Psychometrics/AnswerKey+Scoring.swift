import Foundation

extension AnswerKey {
    /// Checks that the key can score answers: indices in range, at least one correct option and
    /// one wrong one for multiple response, finite non-negative tolerances, a range with
    /// min ≤ max containing the answer, at least one accepted answer or pattern, every regular
    /// expression valid, at least two ordering steps.
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
        case let .shortText(accept, acceptRegex):
            guard !accept.isEmpty || !acceptRegex.isEmpty else { throw keyError("a short-text item needs accept or accept_regex") }
            for pattern in acceptRegex { _ = try Self.wholeMatchRegex(pattern) }
        case let .ordering(stepCount, _):
            guard stepCount >= 2 else { throw keyError("an ordering item needs at least 2 steps, has \(stepCount)") }
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
    ///   order.
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

        default:
            throw responseError("a \(response.kindName) answer cannot be scored against a \(kindName) item")
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
        }
    }
}

private func keyError(_ message: String) -> PsychometricsError {
    PsychometricsError(.invalidKey, message)
}

private func responseError(_ message: String) -> PsychometricsError {
    PsychometricsError(.invalidResponse, message)
}
