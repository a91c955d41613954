/// A GIFT question converted to the bank format, before it gets its id and topic.
struct GIFTConvertedQuestion: Sendable {
    /// The `::title::`, if written and not blank.
    var title: String?
    /// The question text (with `_____` where a missing-word answer block was).
    var prompt: String
    /// General feedback, then `Option X: feedback` lines; `nil` when there is none.
    var explanation: String?
    /// The type-specific content and key.
    var body: ItemBody
}

/// Converts one GIFT question (a block of source) to an item body, collecting diagnostics.
///
/// Every problem is reported at the line and column of the question or the construct concerned;
/// a question with an error yields no item.
struct GIFTQuestionConverter {
    /// The file named in diagnostics.
    let file: String
    /// What was found so far, in the order found.
    private(set) var diagnostics: [BankDiagnostic] = []

    /// The question's own format (from a marker before its text), the default for its parts.
    private var questionMarkup: GIFTMarkup?
    /// Where the question's format marker is.
    private var questionMarkupPosition = GIFTPosition(line: 1, column: 1)
    /// The first `[html]` marker whose text was converted in the current question.
    private var htmlPosition: GIFTPosition?
    /// Whether the current question has an error.
    private var failed = false

    /// Creates a converter whose diagnostics name `file`.
    init(file: String) { self.file = file }

    /// The question in `source`, or `nil` when it cannot be converted (diagnostics say why).
    mutating func convert(_ source: GIFTText) -> GIFTConvertedQuestion? {
        questionMarkup = nil
        htmlPosition = nil
        failed = false

        var start = 0
        while start < source.count, source.units[start].character.isWhitespace { start += 1 }
        guard start < source.count else {
            warning(source.position, "This block holds only whitespace escapes and no question; nothing was imported.")
            return nil
        }
        let questionPosition = source.units[start].position

        // ::title::
        var title: String?
        var rest = source.suffix(from: start)
        if rest.hasSyntaxPrefix("::") {
            guard let close = rest.firstIndex(ofSyntax: "::", from: 2) else {
                error(questionPosition, "The question title opened with '::' is not closed: end it with '::' (or escape a literal colon as '\\:').")
                return nil
            }
            let written = GIFTMarkup.trimmed(rest[2..<close].string)
            title = written.isEmpty ? nil : String(written)
            rest = rest.suffix(from: close + 2)
        }

        // The answer block.
        guard let (open, close) = answerBlockBounds(in: rest, question: questionPosition) else { return nil }
        let before = rest.prefix(upTo: open)
        let inner = rest[(open + 1)..<close]
        let after = rest.suffix(from: close + 1)
        let isMissingWord = !after.isBlank

        let promptSource = isMissingWord
            ? before + GIFTText.literal("_____", at: rest.units[open].position) + after
            : before
        let (markup, promptText, markupPosition) = GIFTMarkup.split(promptSource)
        questionMarkup = markup
        questionMarkupPosition = markupPosition
        let prompt = render(promptText, markup: markup, markerPosition: markupPosition)

        guard let (block, generalFeedback) = parseAnswerBlock(inner) else { return nil }
        let general = generalFeedback.map { render($0) } ?? ""

        var optionFeedback: [String] = []
        var body: ItemBody?
        switch block {
        case .essay:
            body = essayBody(rubric: general, at: questionPosition)
        case let .trueFalse(answer, wrongFeedback, rightFeedback):
            body = .trueFalse(answer: answer)
            let trueFeedback = (answer ? rightFeedback : wrongFeedback).map { render($0) } ?? ""
            let falseFeedback = (answer ? wrongFeedback : rightFeedback).map { render($0) } ?? ""
            if !trueFeedback.isEmpty { optionFeedback.append("Option True: \(trueFeedback)") }
            if !falseFeedback.isEmpty { optionFeedback.append("Option False: \(falseFeedback)") }
        case let .choices(answers):
            body = choiceBody(answers, at: questionPosition, feedback: &optionFeedback)
        case let .numeric(answers):
            body = numericBody(answers, at: questionPosition, feedback: &optionFeedback)
        }

        if GIFTMarkup.trimmed(prompt).isEmpty {
            error(questionPosition, "The question has no text: write the question before (or around) its answer block.")
        }
        guard let body, !failed else { return nil }

        if let htmlPosition {
            warning(htmlPosition, "[html] text: tags were removed and basic entities decoded; check that the converted text still reads right.")
        }
        // An essay's general feedback is its rubric, so it is not repeated in the explanation.
        var isEssay = false
        if case .essay = block { isEssay = true }
        let explanationLines = (isEssay || general.isEmpty ? [] : [general]) + optionFeedback
        let explanation = explanationLines.isEmpty ? nil : explanationLines.joined(separator: "\n")
        return GIFTConvertedQuestion(title: title, prompt: prompt, explanation: explanation, body: body)
    }

    // MARK: - Diagnostics

    /// Records an error: the question is not converted.
    mutating func error(_ position: GIFTPosition, _ message: String) {
        failed = true
        diagnostics.append(BankDiagnostic(file: file, line: position.line, column: position.column, severity: .error, message: message))
    }

    /// Records a warning: the question is converted, but worth a look.
    mutating func warning(_ position: GIFTPosition, _ message: String) {
        diagnostics.append(BankDiagnostic(file: file, line: position.line, column: position.column, severity: .warning, message: message))
    }

    // MARK: - Structure

    /// The indices of the one answer block's `{` and `}` in `text`, or `nil` after reporting
    /// unbalanced braces, several blocks, or none (a description).
    private mutating func answerBlockBounds(in text: GIFTText, question: GIFTPosition) -> (open: Int, close: Int)? {
        var blocks: [(open: Int, close: Int)] = []
        var open: Int?
        var isBroken = false
        for (index, unit) in text.units.enumerated() {
            if unit.isSyntax("{") {
                if let open {
                    let opened = text.units[open].position
                    error(unit.position, "'{' inside the answer block opened at \(opened.line):\(opened.column): close that block first, or escape a literal brace as '\\{'.")
                    isBroken = true
                } else {
                    open = index
                }
            } else if unit.isSyntax("}") {
                if let opened = open {
                    blocks.append((opened, index))
                    open = nil
                } else {
                    error(unit.position, "'}' with no answer block open: remove it, or escape a literal brace as '\\}'.")
                    isBroken = true
                }
            }
        }
        if let open {
            error(text.units[open].position, "The answer block opened here is not closed with '}' before the blank line that ends the question.")
            isBroken = true
        }
        if isBroken { return nil }
        guard let first = blocks.first else {
            warning(question, "No answer block: this is a GIFT description (text shown between questions), which the bank format has no place for; it was not imported.")
            return nil
        }
        if blocks.count > 1 {
            let second = text.units[blocks[1].open].position
            error(second, "A second answer block in one question (embedded answers, Moodle's Cloze type) cannot be converted: split it into one question per answer block.")
            return nil
        }
        return first
    }

    // MARK: - Text

    /// `text` as item text: its own format marker (or the question's) stripped, `[html]` turned
    /// into plain text, trimmed.
    mutating func render(_ text: GIFTText) -> String {
        let (markup, body, position) = GIFTMarkup.split(text)
        if let markup { return render(body, markup: markup, markerPosition: position) }
        return render(body, markup: questionMarkup, markerPosition: questionMarkupPosition)
    }

    private mutating func render(_ text: GIFTText, markup: GIFTMarkup?, markerPosition: GIFTPosition) -> String {
        let string = String(GIFTMarkup.trimmed(text.string))
        guard markup == .html else { return string }
        if htmlPosition == nil { htmlPosition = markerPosition }
        return GIFTMarkup.plainText(fromHTML: string)
    }
}
