extension GIFTQuestionConverter {
    /// The rubric given to an essay whose GIFT source has no general feedback.
    static let missingRubric = "No rubric in the GIFT source: write one before this item is used."

    /// The most options a choice item may have.
    static let maximumOptions = 10

    // MARK: - Splitting

    /// `text` split before every unescaped marker in `markers`; text before the first marker is
    /// a piece with no marker when it is not blank (Moodle keeps it as an answer).
    func pieces(_ text: GIFTText, markers: Set<Character>) -> [(marker: Character?, position: GIFTPosition, body: GIFTText)] {
        var result: [(marker: Character?, position: GIFTPosition, body: GIFTText)] = []
        var start = 0
        var marker: Character?
        for index in text.units.indices where text.units[index].isSyntax("=") || text.units[index].isSyntax("~") {
            let character = text.units[index].character
            guard markers.contains(character) else { continue }
            let body = text[start..<index]
            if marker != nil || !body.isBlank { result.append((marker, marker == nil ? body.trimmed().position : text.units[start - 1].position, body)) }
            marker = character
            start = index + 1
        }
        let body = text.suffix(from: start)
        if marker != nil || !body.isBlank { result.append((marker, marker == nil ? body.trimmed().position : text.units[start - 1].position, body)) }
        return result
    }

    /// One answer: Moodle's weight (`%50%`, on `~` answers, short answers and numeric ones), the
    /// text and the `#feedback`. `=` in a multiple-choice block means 100 and is followed by no
    /// weight in Moodle; `=%100%` is read as the 100 it says, any other weight there is kept as
    /// text, as Moodle does, with a warning.
    mutating func answer(_ piece: (marker: Character?, position: GIFTPosition, body: GIFTText), defaultWeight: Double,
                         equalsMeansFull: Bool) -> GIFTAnswer? {
        var rest = piece.body.trimmed()
        var weight = defaultWeight
        var weightPosition: GIFTPosition?
        if let (value, length) = GIFTNumber.weight(at: rest.string) {
            weightPosition = rest.position
            if equalsMeansFull, piece.marker == "=" {
                if value == 100 {
                    rest = rest.suffix(from: length).trimmed()
                } else {
                    warning(rest.position, "Moodle ignores a weight after '=' in a multiple-choice question: this answer gets full credit and its text starts with '\(rest.prefix(upTo: length).string)'. Write '~\(rest.prefix(upTo: length).string)' for partial credit.")
                }
            } else {
                guard let value else {
                    error(rest.position, "The weight '\(rest.prefix(upTo: length).string)' is not a number: write it as %50% or %-33.3%.")
                    return nil
                }
                guard (-100...100).contains(value) else {
                    error(rest.position, "The weight '\(rest.prefix(upTo: length).string)' is outside -100% to 100%.")
                    return nil
                }
                weight = value
                rest = rest.suffix(from: length).trimmed()
            }
        } else if rest.isSyntax("%", at: 0), rest.count > 1, rest.units[1].character.isNumber || rest.units[1].character == "-" {
            warning(rest.position, "'\(rest.string.prefix(12))' is no GIFT weight (that is %50%, with one or two digits before an optional decimal point), so Moodle reads it as the start of the answer's text.")
        }
        var answer = GIFTAnswer(marker: piece.marker, position: piece.position, weight: weight, weightPosition: weightPosition, text: rest, feedback: nil,
                                isBare: piece.body.count == 0)
        if let hash = rest.firstIndex(ofSyntax: "#") {
            answer.text = rest.prefix(upTo: hash).trimmed()
            answer.feedback = rest.suffix(from: hash + 1)
        }
        return answer
    }

    /// The answers of `pieces`, or nil after the first one that cannot be read.
    private mutating func answers(_ pieces: [(marker: Character?, position: GIFTPosition, body: GIFTText)], defaultWeight: (Character?) -> Double,
                                  equalsMeansFull: Bool) -> [GIFTAnswer]? {
        var result: [GIFTAnswer] = []
        for piece in pieces {
            guard let answer = answer(piece, defaultWeight: defaultWeight(piece.marker), equalsMeansFull: equalsMeansFull) else { return nil }
            result.append(answer)
        }
        return result
    }

    /// `Option X: feedback`, for the explanation, when the answer has feedback.
    private mutating func feedbackLine(_ label: String, _ answer: GIFTAnswer) -> String? {
        guard let note = answer.feedback.map({ render($0) }), !note.isEmpty else { return nil }
        return "\(label): \(note)"
    }

    // MARK: - Essay and true/false

    /// An essay; without a rubric in the source, the placeholder rubric and a warning.
    mutating func essayBody(rubric: String, at position: GIFTPosition) -> ItemBody {
        if rubric.isEmpty {
            warning(position, "The essay has no general feedback ('####…') to take its rubric from: the placeholder rubric must be replaced before the item is used.")
            return .essay(rubric: Self.missingRubric, maxWords: nil)
        }
        return .essay(rubric: rubric, maxWords: nil)
    }

    /// `{T}`, `{FALSE#feedback for a wrong answer#feedback for a right one}`.
    mutating func trueFalseBody(_ answers: GIFTText, answer: Bool, feedback: inout [String]) -> ItemBody {
        let hashes = answers.units.indices.filter { answers.isSyntax("#", at: $0) }
        var wrong: GIFTText?
        var right: GIFTText?
        if hashes.count >= 1 { wrong = answers[(hashes[0] + 1)..<(hashes.count >= 2 ? hashes[1] : answers.count)] }
        if hashes.count >= 2 { right = answers.suffix(from: hashes[1] + 1) }
        let trueFeedback = (answer ? right : wrong).map { render($0) } ?? ""
        let falseFeedback = (answer ? wrong : right).map { render($0) } ?? ""
        if !trueFeedback.isEmpty { feedback.append("Option True: \(trueFeedback)") }
        if !falseFeedback.isEmpty { feedback.append("Option False: \(falseFeedback)") }
        return .trueFalse(answer: answer)
    }

    // MARK: - Multiple choice

    /// A block with `~`: single_choice when it also has an `=` (Moodle's single answer), else
    /// multiple_response; each option with the credit its weight gives.
    mutating func choiceBody(_ text: GIFTText, at question: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        let single = text.contains(syntax: "=")
        let split = pieces(text, markers: ["=", "~"])
        if let leading = split.first, leading.marker == nil {
            warning(leading.position, "Moodle reads the text before the first '~' or '=' as a wrong answer ('\(GIFTMarkup.trimmed(leading.body.string).prefix(40))'); it was imported as one.")
        }
        guard var answers = answers(split, defaultWeight: { $0 == "=" ? 100 : 0 }, equalsMeansFull: true) else { return nil }
        var texts: [String] = []
        var kept: [GIFTAnswer] = []
        var seen: [String: GIFTPosition] = [:]
        for answer in answers {
            let text = render(answer.text)
            if text.isEmpty {
                // `~=right` splits into an empty `~` answer and `=right`, as in Moodle: no news.
                if !answer.isBare { warning(answer.position, "This answer has no text; Moodle leaves it out, and so does the import.") }
                continue
            }
            if let at = seen[text] {
                error(answer.position, "The option '\(text)' is written twice (first at \(at.line):\(at.column)); a bank item needs different options.")
                return nil
            }
            seen[text] = answer.position
            texts.append(text)
            kept.append(answer)
        }
        answers = kept
        guard answers.count >= 2 else {
            error(question, "A multiple-choice question needs at least 2 answers with text; this one has \(answers.count).")
            return nil
        }
        guard answers.count <= Self.maximumOptions else {
            error(answers[Self.maximumOptions].position, "A choice item has at most \(Self.maximumOptions) options; this question has \(answers.count): split it or drop some distractors.")
            return nil
        }
        let credits = answers.map(\.weight)
        for (answer, text) in zip(answers, texts) {
            if let line = feedbackLine("Option \(text)", answer) { feedback.append(line) }
        }
        let options = zip(texts, credits).map { ChoiceOption(text: $0, correct: false, credit: $1) }
        if single {
            return ItemBody.singleChoice(options: options).canonical
        }
        let positive = credits.filter { $0 > 0 }.reduce(0, +)
        guard positive > 0 else {
            error(question, "No answer has a positive weight, so nothing is right: mark the right answer with '=' (one right answer) or give the right answers weights such as ~%50% (several).")
            return nil
        }
        guard abs(positive - 100) <= ChoiceCredits.sumTolerance else {
            error(question, "The positive weights add up to \(GIFTNumber.format(positive))%; with several right answers they must add up to 100% (Moodle reports this too), so that the right answers together earn full credit.")
            return nil
        }
        guard credits.contains(where: { $0 <= 0 }) else {
            error(question, "Every answer has a positive weight, so selecting them all earns full credit: add a wrong answer (~ with no weight or a negative one).")
            return nil
        }
        return ItemBody.multipleResponse(options: options, scoring: .partial).canonical
    }

    // MARK: - Short answer

    /// Answers separated by `=` (the first may go without); `*` is Moodle's wildcard.
    mutating func shortTextBody(_ text: GIFTText, at question: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        guard let answers = answers(pieces(text, markers: ["="]), defaultWeight: { _ in 100 }, equalsMeansFull: false) else { return nil }
        var accept: [String] = []
        var graded: [ShortTextAnswer] = []
        var literals: [(text: String, credit: Double, position: GIFTPosition)] = []
        for answer in answers {
            let written = Self.literal(answer.text)
            let label = ShortTextPatterns.hasWildcard(written) ? written : ShortTextPatterns.unescaping(written)
            if let line = feedbackLine("Answer \(label)", answer) { feedback.append(line) }
            if written.isEmpty {
                warning(answer.position, "This answer has no text; Moodle leaves it out, and so does the import.")
                continue
            }
            guard answer.weight > 0 else {
                if answer.weight < 0 {
                    warning(answer.weightPosition ?? answer.position, "The answer '\(label)' has a negative weight: an item never scores below 0, so it earns nothing here (Moodle would subtract); it was left out of the key.")
                }
                continue
            }
            if ShortTextPatterns.hasWildcard(written) {
                if ShortTextPatterns.wildcardMatchesEverything(written) {
                    error(answer.position, "The answer '\(written)' accepts every answer at \(GIFTNumber.format(answer.weight))%; give it a weight of 0 (for feedback only) or write the text around the '*'.")
                    return nil
                }
                graded.append(ShortTextAnswer(written, match: .wildcard, credit: answer.weight))
            } else if answer.weight == 100 {
                accept.append(label)
                literals.append((label, 100, answer.position))
            } else {
                graded.append(ShortTextAnswer(label, match: .exact, credit: answer.weight))
                literals.append((label, answer.weight, answer.position))
            }
        }
        guard !accept.isEmpty || graded.contains(where: { $0.credit == 100 }) else {
            error(answers.first?.position ?? question, "No answer gives full credit: give at least one answer without a weight (or with %100%).")
            return nil
        }
        warnFirstMatch(literals)
        return ItemBody.shortText(accept: accept, acceptRegex: [], graded: graded.isEmpty ? nil : graded).canonical
    }

    /// Moodle credits the first answer that matches; the bank credits the best. They differ when
    /// an answer comes after one with less credit that matches the same text.
    private mutating func warnFirstMatch(_ literals: [(text: String, credit: Double, position: GIFTPosition)]) {
        var seen: [String: Double] = [:]
        for literal in literals {
            let key = literal.text.lowercased()
            if let earlier = seen[key], earlier < literal.credit {
                warning(literal.position, "'\(literal.text)' is also accepted earlier at \(GIFTNumber.format(earlier))%: Moodle gives the first answer that matches (\(GIFTNumber.format(earlier))%), the bank the best (\(GIFTNumber.format(literal.credit))%). Put the answers with more credit first.")
            }
            seen[key] = max(seen[key] ?? 0, literal.credit)
        }
    }

    // MARK: - Numeric

    /// `{#…}`: answers `a:tolerance`, `min..max` or `a`, separated by `=` (the first may go
    /// without) with weights; `~#feedback` after them is the feedback for any other answer.
    mutating func numericBody(_ text: GIFTText, at question: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        var body = text
        var otherFeedback: String?
        if let tilde = text.units.firstIndex(where: { $0.isSyntax("~") }) {
            let other = text.suffix(from: tilde + 1)
            body = text.prefix(upTo: tilde)
            if let hash = other.firstIndex(ofSyntax: "#") {
                let note = render(other.suffix(from: hash + 1))
                if !note.isEmpty { otherFeedback = "Any other answer: \(note)" }
            }
        }
        defer { if let otherFeedback { feedback.append(otherFeedback) } }
        let split = pieces(body, markers: ["="])
        guard !split.isEmpty else {
            error(body.position, "The numeric answer block has no answer: write one after '#', e.g. {#3.14:0.01}.")
            return nil
        }
        guard let answers = answers(split, defaultWeight: { _ in 100 }, equalsMeansFull: false) else { return nil }
        var main: NumericKey?
        var others: [NumericKey.Alternative] = []
        var spans: [(low: Double, high: Double, credit: Double, position: GIFTPosition)] = []
        for answer in answers {
            let written = Self.literal(answer.text)
            if let line = feedbackLine("Answer \(written)", answer) { feedback.append(line) }
            if answer.weight <= 0, written == "*" || written.isEmpty { continue }
            guard let key = numericKey(answer) else { return nil }
            guard answer.weight > 0 else {
                if answer.weight < 0 {
                    warning(answer.weightPosition ?? answer.position, "The numeric answer '\(written)' has a negative weight: an item never scores below 0, so it earns nothing here (Moodle would subtract); it was left out of the key.")
                }
                continue
            }
            if main == nil, answer.weight == 100 {
                main = key
            } else {
                others.append(NumericKey.Alternative(answer: key.answer, tolerance: key.tolerance, credit: answer.weight))
            }
            let span = Self.span(key)
            for earlier in spans where earlier.credit < answer.weight && earlier.low <= span.high && span.low <= earlier.high {
                warning(earlier.position, "Moodle gives a number the credit of the first answer it matches, so numbers that also match the later \(GIFTNumber.format(answer.weight))% answer get \(GIFTNumber.format(earlier.credit))% there; the bank gives the best credit. Put the answers with more credit first.")
            }
            spans.append((span.low, span.high, answer.weight, answer.position))
        }
        guard var key = main else {
            error(question, "No numeric answer gives full credit: give one answer without a weight (or with %100%).")
            return nil
        }
        key.otherAnswers = others.isEmpty ? nil : others
        return ItemBody.numeric(key).canonical
    }

    /// The numbers an answer accepts, as a closed interval.
    private static func span(_ key: NumericKey) -> (low: Double, high: Double) {
        switch key.tolerance {
        case .exact: return (key.answer ?? 0, key.answer ?? 0)
        case .absolute(let tolerance): return ((key.answer ?? 0) - tolerance, (key.answer ?? 0) + tolerance)
        case .percent(let percent): return ((key.answer ?? 0) - abs(key.answer ?? 0) * percent / 100, (key.answer ?? 0) + abs(key.answer ?? 0) * percent / 100)
        case .range(let low, let high): return (low, high)
        }
    }

    /// The key written by one numeric answer: `a..b`, `a:tolerance` or `a`.
    private mutating func numericKey(_ answer: GIFTAnswer) -> NumericKey? {
        let (_, text, _) = GIFTMarkup.split(answer.text)
        let at = text.count > 0 ? text.position : answer.position
        guard text.count > 0 else {
            error(at, "This numeric answer has no number.")
            return nil
        }
        if let dots = text.firstIndex(ofSyntax: ".."), dots > 0 {
            let lowText = text.prefix(upTo: dots).string
            let highText = text.suffix(from: dots + 2).string
            guard let low = GIFTNumber.parse(lowText), let high = GIFTNumber.parse(highText) else {
                error(at, "'\(text.string)' is not a numeric range: write it as min..max, e.g. 1..5.")
                return nil
            }
            guard low <= high else {
                error(at, "The range \(text.string) has its minimum above its maximum.")
                return nil
            }
            return NumericKey(answer: nil, tolerance: .range(min: low, max: high))
        }
        if let colon = text.firstIndex(ofSyntax: ":"), colon > 0 {
            let valueText = text.prefix(upTo: colon).string
            let toleranceText = text.suffix(from: colon + 1).string
            guard let value = GIFTNumber.parse(valueText), let tolerance = GIFTNumber.parse(toleranceText) else {
                error(at, "'\(text.string)' is not a numeric answer: write it as answer:tolerance, e.g. 3.14:0.01.")
                return nil
            }
            guard tolerance >= 0 else {
                error(at, "The tolerance in '\(text.string)' is negative.")
                return nil
            }
            return NumericKey(answer: value, tolerance: tolerance == 0 ? .exact : .absolute(tolerance))
        }
        guard let value = GIFTNumber.parse(text.string) else {
            let star = text.string == "*"
            error(at, star ? "'*' (any answer) with a positive weight would give credit for every number; give it weight 0 (~#feedback or =%0%*) or remove it."
                : "'\(text.string)' is not a number.")
            return nil
        }
        return NumericKey(answer: value, tolerance: .exact)
    }

    // MARK: - Matching

    /// `=prompt -> answer` pairs; a pair with no prompt is a distractor answer.
    mutating func matchingBody(_ text: GIFTText, at question: GIFTPosition) -> ItemBody? {
        var pairs: [MatchingPair] = []
        var distractors: [String] = []
        var prompts: [String: GIFTPosition] = [:]
        let split = pieces(text, markers: ["="])
        guard split.count >= 2 else {
            error(question, "A matching question needs at least 2 pairs ('=prompt -> answer').")
            return nil
        }
        for piece in split {
            let body = piece.body.trimmed()
            guard let arrow = body.firstIndex(ofSyntax: "->") else {
                error(piece.position, "Every answer of a matching question is 'prompt -> answer'; this one has no '->'.")
                return nil
            }
            let prompt = render(body.prefix(upTo: arrow))
            let answer = String(GIFTMarkup.trimmed(body.suffix(from: arrow + 2).string))
            guard !answer.isEmpty else {
                error(piece.position, "This matching pair has no answer after '->'.")
                return nil
            }
            if prompt.isEmpty {
                if distractors.contains(answer) || pairs.contains(where: { $0.answer == answer }) {
                    warning(piece.position, "The extra answer '\(answer)' is already a choice; it was not added twice.")
                } else {
                    distractors.append(answer)
                }
                continue
            }
            if let first = prompts[prompt] {
                error(piece.position, "The prompt '\(prompt)' is written twice (first at \(first.line):\(first.column)); a matching item needs different prompts.")
                return nil
            }
            prompts[prompt] = piece.position
            pairs.append(MatchingPair(prompt: prompt, answer: answer))
        }
        distractors.removeAll { distractor in pairs.contains { $0.answer == distractor } }
        guard pairs.count >= 2 else {
            error(question, "A matching question needs at least 2 pairs with a prompt; this one has \(pairs.count).")
            return nil
        }
        guard pairs.count <= MatchingLayout.maximumPairs else {
            error(question, "A matching item has at most \(MatchingLayout.maximumPairs) pairs; this question has \(pairs.count): split it.")
            return nil
        }
        let layout = MatchingLayout(pairs: pairs, distractors: distractors)
        guard (2...MatchingLayout.maximumChoices).contains(layout.choices.count) else {
            error(question, "A matching item needs 2 to \(MatchingLayout.maximumChoices) different answers; this question has \(layout.choices.count).")
            return nil
        }
        return .matching(pairs: pairs, distractors: distractors, scoring: .partial)
    }
}
