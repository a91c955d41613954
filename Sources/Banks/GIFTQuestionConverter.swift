/// A GIFT question converted to the bank format, before it gets its id and topic.
struct GIFTConvertedQuestion: Sendable {
    /// The `::title::`, if written and not blank.
    var title: String?
    /// The question text (with `_____` where a missing-word answer block was).
    var prompt: String
    /// General feedback, then one line per answer feedback; `nil` when there is none.
    var explanation: String?
    /// The type-specific content and key.
    var body: ItemBody
}

/// Converts one GIFT question to an item body the way Moodle's GIFT reader
/// (`question/format/gift/format.php`) reads it, collecting diagnostics.
///
/// Every problem is reported at the line and column of the question or the construct concerned.
/// A question gets at most one error, and a question with an error yields no item; warnings say
/// where the conversion differs from what Moodle would do, or left something out.
struct GIFTQuestionConverter {
    /// The file named in diagnostics.
    let file: String
    /// What was found so far, in the order found.
    private(set) var diagnostics: [BankDiagnostic] = []

    /// The question's own format (from a marker before its text), the default for its parts.
    var questionMarkup: GIFTMarkup = .moodle
    /// Whether the current question has an error.
    private(set) var failed = false

    /// Creates a converter whose diagnostics name `file`.
    init(file: String) { self.file = file }

    /// The question in `source`, or `nil` when it cannot be converted (diagnostics say why).
    mutating func convert(_ source: GIFTText) -> GIFTConvertedQuestion? {
        questionMarkup = .moodle
        failed = false

        let text = source.trimmed()
        guard text.count > 0 else { return nil }
        let questionPosition = text.position

        // ::title::
        var title: String?
        var rest = text
        if rest.hasSyntaxPrefix("::") {
            if let close = rest.firstIndex(ofSyntax: "::", from: 2) {
                let written = GIFTMarkup.trimmed(rest[2..<close].string)
                title = written.isEmpty ? nil : String(written)
                rest = rest.suffix(from: close + 2).trimmed()
            } else {
                warning(questionPosition, "The title opened with '::' is not closed, so Moodle reads what follows as the question text, untitled; close the title with '::' (or escape a literal colon as '\\:').")
                rest = rest.suffix(from: 2).trimmed()
            }
        }

        // The answer block.
        guard let (open, close) = answerBlockBounds(in: rest, question: questionPosition) else { return nil }
        let before = rest.prefix(upTo: open)
        let after = rest.suffix(from: close + 1)
        var answerText = rest[(open + 1)..<close].trimmed()
        let promptSource = after.isBlank ? before : before + GIFTText.literal("_____", at: rest.units[open].position) + after

        // General feedback follows the last ####.
        var generalSource: GIFTText?
        if let separator = answerText.lastIndex(ofSyntax: "####") {
            generalSource = answerText.suffix(from: separator + 4)
            answerText = answerText.prefix(upTo: separator).trimmed()
        }

        let (markup, promptText, _) = GIFTMarkup.split(promptSource)
        questionMarkup = markup ?? .moodle
        let prompt = render(promptText, as: questionMarkup)
        let general = generalSource.map { render($0) } ?? ""

        if GIFTMarkup.trimmed(prompt).isEmpty {
            error(questionPosition, "The question has no text: write the question before (or around) its answer block.")
            return nil
        }

        var feedback: [String] = []
        let body = convertAnswers(answerText, general: general, at: questionPosition, blockPosition: rest.units[open].position, feedback: &feedback)
        guard let body, !failed else { return nil }

        // An essay's general feedback is its rubric, so it is not repeated in the explanation.
        var isEssay = false
        if case .essay = body { isEssay = true }
        let explanationLines = (isEssay || general.isEmpty ? [] : [general]) + feedback
        let explanation = explanationLines.isEmpty ? nil : explanationLines.joined(separator: "\n")
        return GIFTConvertedQuestion(title: title, prompt: prompt, explanation: explanation, body: body)
    }

    /// The item body for the answer text (general feedback removed), by Moodle's order of tests:
    /// empty is an essay, `#` numeric, any `~` multiple choice, `=` with `->` matching, T/F/TRUE/
    /// FALSE true/false, anything else short answer.
    private mutating func convertAnswers(_ answers: GIFTText, general: String, at question: GIFTPosition, blockPosition: GIFTPosition,
                                         feedback: inout [String]) -> ItemBody? {
        if answers.count == 0 { return essayBody(rubric: general, at: question) }
        if let cloze = Self.clozeType(answers) {
            error(answers.position, "'\(cloze)' is Moodle's embedded-answers (Cloze) syntax, which GIFT does not read and the bank format cannot hold: write the question with a GIFT answer block instead.")
            return nil
        }
        if answers.isSyntax("#", at: 0) { return numericBody(answers.suffix(from: 1), at: question, feedback: &feedback) }
        if answers.contains(syntax: "~") { return choiceBody(answers, at: question, feedback: &feedback) }
        if answers.contains(syntax: "="), answers.firstIndex(ofSyntax: "->") != nil { return matchingBody(answers, at: question) }
        let hash = answers.firstIndex(ofSyntax: "#")
        let head = answers.prefix(upTo: hash ?? answers.count).trimmed().string
        if ["T", "TRUE", "F", "FALSE"].contains(head) { return trueFalseBody(answers, answer: head.hasPrefix("T"), feedback: &feedback) }
        if ["t", "true", "f", "false", "True", "False"].contains(head) {
            warning(answers.position, "Moodle reads '\(head)' as a short answer, not as true/false (only T, TRUE, F and FALSE in capitals are); write \(head.lowercased().hasPrefix("t") ? "TRUE" : "FALSE") for a true/false question.")
        }
        return shortTextBody(answers, at: question, feedback: &feedback)
    }

    /// The Cloze answer type that `answers` starts with (`1:MULTICHOICE:` …), if any.
    static func clozeType(_ answers: GIFTText) -> String? {
        let string = answers.string
        var characters = string[...]
        while let first = characters.first, first.isASCII, first.isNumber { characters = characters.dropFirst() }
        guard characters.first == ":" else { return nil }
        let name = characters.dropFirst().prefix { $0 != ":" }
        guard characters.dropFirst(name.count + 1).first == ":" else { return nil }
        let types: Set<String> = [
            "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS",
            "MULTICHOICE_HS", "MCHS", "MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS",
            "MRHS", "SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC", "NUMERICAL", "NM",
        ]
        return types.contains(String(name)) ? String(string.prefix(string.count - characters.count + name.count + 2)) : nil
    }

    // MARK: - Diagnostics

    /// Starts a question outside ``convert(_:)`` (for an error about the question as a whole).
    mutating func beginQuestion() {
        questionMarkup = .moodle
        failed = false
    }

    /// The diagnostics found since the last call, in order; they are then forgotten.
    mutating func takeDiagnostics() -> [BankDiagnostic] {
        defer { diagnostics.removeAll(keepingCapacity: true) }
        return diagnostics
    }

    /// Records an error: the question is not converted. Only the first error of a question is
    /// recorded.
    mutating func error(_ position: GIFTPosition, _ message: String) {
        guard !failed else { return }
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
        for (index, unit) in text.units.enumerated() {
            if unit.isSyntax("{") {
                if let open {
                    let opened = text.units[open].position
                    error(unit.position, "'{' inside the answer block opened at \(opened.line):\(opened.column): close that block first, or escape a literal brace as '\\{'.")
                    return nil
                }
                open = index
            } else if unit.isSyntax("}") {
                guard let opened = open else {
                    error(unit.position, "'}' with no answer block open: remove it, or escape a literal brace as '\\}'.")
                    return nil
                }
                blocks.append((opened, index))
                open = nil
            }
        }
        if let open {
            error(text.units[open].position, "The answer block opened here is not closed with '}' before the blank line that ends the question.")
            return nil
        }
        guard let first = blocks.first else {
            warning(question, "No answer block: this is a GIFT description (text shown between questions), which the bank format has no place for; it was not imported.")
            return nil
        }
        if blocks.count > 1 {
            let second = text.units[blocks[1].open].position
            error(second, "A second answer block in one question (embedded answers, as in Moodle's Cloze type) cannot be converted: split it into one question per answer block, or separate the questions with a blank line.")
            return nil
        }
        return first
    }

    // MARK: - Text

    /// `text` as item text: its own format marker (or the question's format) applied, trimmed.
    mutating func render(_ text: GIFTText) -> String {
        let (markup, body, _) = GIFTMarkup.split(text)
        return render(body, as: markup ?? questionMarkup)
    }

    /// `text` (without a marker) in `markup` as plain text; media it drops are reported.
    mutating func render(_ text: GIFTText, as markup: GIFTMarkup) -> String {
        let result = markup.plainText(text.string)
        for media in result.media {
            warning(text.position, "The text shows \(media), which a bank item cannot: it was replaced by that note; make sure the question still reads right without it.")
        }
        return result.text
    }

    /// `text` with its format marker removed but otherwise as written (Moodle keeps short answers
    /// and matching answers as plain text, whatever their format).
    static func literal(_ text: GIFTText) -> String {
        String(GIFTMarkup.trimmed(GIFTMarkup.split(text).text.string))
    }
}
