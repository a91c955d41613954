extension GIFTQuestionConverter {
    /// The rubric given to an essay whose GIFT source has no general feedback.
    static let missingRubric = "No rubric in the GIFT source: write one before this item is used."

    /// The most options a choice item may have.
    static let maximumOptions = 10

    // MARK: - Parsing

    /// The answer block's content (between the braces) and its `####general feedback`, or `nil`
    /// after reporting why it cannot be read.
    mutating func parseAnswerBlock(_ inner: GIFTText) -> (block: GIFTAnswerBlock, generalFeedback: GIFTText?)? {
        var content = inner
        var general: GIFTText?
        if let index = inner.firstIndex(ofSyntax: "####") {
            general = inner.suffix(from: index + 4)
            content = inner.prefix(upTo: index)
        }
        let trimmed = content.trimmed()
        if trimmed.count == 0 { return (.essay, general) }

        if trimmed.isSyntax("#", at: 0) {
            guard let answers = parseAnswers(trimmed.suffix(from: 1), isNumeric: true) else { return nil }
            return (.numeric(answers), general)
        }

        let hashes = trimmed.units.indices.filter { trimmed.isSyntax("#", at: $0) }
        let head = trimmed.prefix(upTo: hashes.first ?? trimmed.count).trimmed().string.uppercased()
        if ["T", "TRUE", "F", "FALSE"].contains(head) {
            var wrong: GIFTText?
            var right: GIFTText?
            if hashes.count >= 1 { wrong = trimmed[(hashes[0] + 1)..<(hashes.count >= 2 ? hashes[1] : trimmed.count)] }
            if hashes.count >= 2 { right = trimmed.suffix(from: hashes[1] + 1) }
            return (.trueFalse(answer: head.hasPrefix("T"), wrongFeedback: wrong, rightFeedback: right), general)
        }

        guard trimmed.isSyntax("=", at: 0) || trimmed.isSyntax("~", at: 0) else {
            error(trimmed.position, "This answer block is not GIFT: answers start with '=' (right) or '~' (wrong), a numeric block with '#', a true/false block is T, F, TRUE or FALSE, and an essay block is empty.")
            return nil
        }
        guard let answers = parseAnswers(trimmed, isNumeric: false) else { return nil }
        return (.choices(answers), general)
    }

    /// The `=`/`~` answers in `text` (for a numeric block, also one bare answer), or `nil` after
    /// reporting a malformed one.
    private mutating func parseAnswers(_ text: GIFTText, isNumeric: Bool) -> [GIFTAnswer]? {
        let trimmed = text.trimmed()
        guard trimmed.count > 0 else {
            error(text.position, "The numeric answer block has no answer: write one after '#', e.g. {#3.14:0.01}.")
            return nil
        }
        let markers = trimmed.units.indices.filter { trimmed.isSyntax("=", at: $0) || trimmed.isSyntax("~", at: $0) }
        guard let firstMarker = markers.first else {
            // Only a numeric block gets here: one bare answer such as 3.14:0.01.
            return parseAnswer(marker: nil, at: trimmed.position, body: trimmed).map { [$0] }
        }
        if firstMarker > 0 {
            error(trimmed.position, "Text before the first '=' of the numeric answers: start every answer with '=' (or write a single answer without one).")
            return nil
        }
        var answers: [GIFTAnswer] = []
        var isValid = true
        for (offset, index) in markers.enumerated() {
            let end = offset + 1 < markers.count ? markers[offset + 1] : trimmed.count
            let unit = trimmed.units[index]
            if let answer = parseAnswer(marker: unit.character, at: unit.position, body: trimmed[(index + 1)..<end]) {
                answers.append(answer)
            } else {
                isValid = false
            }
        }
        return isValid ? answers : nil
    }

    /// One answer: optional `%weight%`, text, optional `#feedback`.
    private mutating func parseAnswer(marker: Character?, at position: GIFTPosition, body: GIFTText) -> GIFTAnswer? {
        var rest = body.trimmed()
        var weight: Double?
        if rest.isSyntax("%", at: 0) {
            guard let close = rest.firstIndex(ofSyntax: "%", from: 1) else {
                error(rest.position, "The weight opened with '%' is not closed: write it as %50%.")
                return nil
            }
            let written = rest[1..<close].string
            guard let value = GIFTNumber.parse(written), (-100...100).contains(value) else {
                error(rest.position, "The weight '%\(written)%' is not a percentage from -100 to 100.")
                return nil
            }
            weight = value
            rest = rest.suffix(from: close + 1)
        }
        var answer = GIFTAnswer(marker: marker, position: position, weight: weight, text: rest.trimmed(), feedback: nil)
        if let hash = rest.firstIndex(ofSyntax: "#") {
            answer.text = rest.prefix(upTo: hash).trimmed()
            answer.feedback = rest.suffix(from: hash + 1)
        }
        return answer
    }

    // MARK: - Conversion

    /// An essay; without a rubric in the source, the placeholder rubric and a warning.
    mutating func essayBody(rubric: String, at position: GIFTPosition) -> ItemBody {
        if rubric.isEmpty {
            warning(position, "The essay has no general feedback ('####…') to take its rubric from: the placeholder rubric must be replaced before the item is used.")
            return .essay(rubric: Self.missingRubric, maxWords: nil)
        }
        return .essay(rubric: rubric, maxWords: nil)
    }

    /// A single_choice, multiple_response or short_text body, or `nil` after reporting why the
    /// answers do not convert (matching, no right answer, …).
    mutating func choiceBody(_ answers: [GIFTAnswer], at position: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        let hasWrong = answers.contains { $0.marker == "~" }
        if !hasWrong, answers.contains(where: { $0.text.firstIndex(ofSyntax: "->") != nil }) {
            error(position, "A matching question (=item -> match) has no counterpart among the bank's item types: rewrite it as single_choice items. It was not imported.")
            return nil
        }
        var texts: [String] = []
        var hasEmpty = false
        for answer in answers {
            let text = render(answer.text)
            if text.isEmpty {
                error(answer.position, "This answer has no text.")
                hasEmpty = true
            }
            texts.append(text)
        }
        if hasEmpty { return nil }
        return hasWrong
            ? multipleChoiceBody(answers, texts: texts, at: position, feedback: &feedback)
            : shortTextBody(answers, texts: texts, feedback: &feedback)
    }

    private mutating func multipleChoiceBody(_ answers: [GIFTAnswer], texts: [String], at position: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        let weights = answers.map(\.effectiveWeight)
        let correctCount = weights.filter { $0 > 0 }.count
        guard correctCount > 0 else {
            error(position, "No answer is right: mark the right option with '=' (or give it a positive %weight%).")
            return nil
        }
        guard answers.count >= 2, answers.count <= Self.maximumOptions else {
            error(position, "The question has \(answers.count) options; a choice item has 2 to \(Self.maximumOptions).")
            return nil
        }
        let options = zip(texts, weights).map { ChoiceOption(text: $0, correct: $1 > 0) }
        for (answer, text) in zip(answers, texts) {
            if let note = answer.feedback.map({ render($0) }), !note.isEmpty { feedback.append("Option \(text): \(note)") }
        }

        let hasExplicitWeight = answers.contains { $0.weight != nil }
        if correctCount == 1, !hasExplicitWeight { return .singleChoice(options: options) }

        guard correctCount < answers.count else {
            error(position, "Every option is right: a multiple_response item needs at least one wrong option ('~').")
            return nil
        }
        let share = 100 / Double(correctCount)
        let isEqualSplit = weights.allSatisfy { abs(abs($0) - share) < 0.05 }
        if !isEqualSplit {
            let written = weights.map { "\(GIFTNumber.format($0))%" }.joined(separator: ", ")
            warning(position, "The GIFT weights (\(written)) are replaced by the partial rule of docs/bank-format.md: with C right options, each right option chosen earns 1/C of the points and each wrong one chosen costs 1/C, never below 0.")
        }
        return .multipleResponse(options: options, scoring: .partial)
    }

    private mutating func shortTextBody(_ answers: [GIFTAnswer], texts: [String], feedback: inout [String]) -> ItemBody? {
        var accept: [String] = []
        for (answer, text) in zip(answers, texts) {
            if answer.effectiveWeight < 100 {
                warning(answer.position, "The answer '\(text)' gives \(GIFTNumber.format(answer.effectiveWeight))% in GIFT; short_text has no partial credit, so it was dropped.")
                continue
            }
            accept.append(text)
            if let note = answer.feedback.map({ render($0) }), !note.isEmpty { feedback.append("Option \(text): \(note)") }
        }
        guard !accept.isEmpty else {
            error(answers.first?.position ?? GIFTPosition(line: 1, column: 1), "No answer gives full credit, so short_text would accept nothing: give at least one answer without a weight (or with %100%).")
            return nil
        }
        return .shortText(accept: accept, acceptRegex: [])
    }

    /// A numeric body from the answer with full credit (the first, when several have it), or
    /// `nil` after reporting malformed answers or no full-credit one.
    mutating func numericBody(_ answers: [GIFTAnswer], at position: GIFTPosition, feedback: inout [String]) -> ItemBody? {
        var keys: [NumericKey?] = []
        for answer in answers { keys.append(numericKey(answer)) }
        if keys.contains(where: { $0 == nil }) { return nil }

        var kept: (answer: GIFTAnswer, key: NumericKey)?
        for (answer, key) in zip(answers, keys) {
            guard let key else { continue }
            if kept == nil, answer.effectiveWeight == 100 {
                kept = (answer, key)
            } else {
                let spec = answer.text.string
                warning(answer.position, "The numeric answer '\(spec)' (\(GIFTNumber.format(answer.effectiveWeight))%) was dropped: a numeric item keeps one answer, the first with full credit.")
            }
        }
        guard let kept else {
            error(position, "No numeric answer gives full credit: give one answer without a weight (or with %100%).")
            return nil
        }
        if let note = kept.answer.feedback.map({ render($0) }), !note.isEmpty {
            feedback.append("Option \(kept.answer.text.string): \(note)")
        }
        return .numeric(kept.key)
    }

    /// The key written by one numeric answer: `a..b`, `a:tolerance` or `a`.
    private mutating func numericKey(_ answer: GIFTAnswer) -> NumericKey? {
        let text = answer.text
        let at = text.count > 0 ? text.position : answer.position
        guard text.count > 0 else {
            error(at, "This numeric answer has no number.")
            return nil
        }
        if let dots = text.firstIndex(ofSyntax: "..") {
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
        if let colon = text.firstIndex(ofSyntax: ":") {
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
            error(at, "'\(text.string)' is not a number.")
            return nil
        }
        return NumericKey(answer: value, tolerance: .exact)
    }
}
