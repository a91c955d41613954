/// Converts Moodle GIFT question files into bank items, reading GIFT the way Moodle's own reader
/// (`question/format/gift/format.php`) does.
///
/// GIFT is Moodle's plain-text question format: questions separated by blank lines, an optional
/// `::title::`, the question text and one answer block in braces. The importer maps it onto the
/// item types of `docs/bank-format.md`, keeping every weight as a credit:
///
/// | GIFT | item |
/// |---|---|
/// | `{=right ~wrong ~%50%half}`: `~` with at least one `=` | `single_choice`, each option the credit of its weight (`=` is 100, `~` 0) |
/// | `{~%50%a ~%50%b ~%-100%c}`: `~` and no `=` | `multiple_response` with those credits (the positive ones add up to 100) |
/// | `{T}`, `{F}`, `{TRUE}`, `{FALSE}` | `true_false` |
/// | `{=answer =%50%partial answer* }`, `{answer}` | `short_text`; `*` is Moodle's wildcard |
/// | `{#3.14:0.01}`, `{#1..5}`, `{#=3.14 =%50%3.1:0.1 ~#feedback}` | `numeric`, further answers with their credits |
/// | `{=prompt -> answer =prompt -> answer = -> extra answer}` | `matching` |
/// | `{}` | `essay` (rubric from the general feedback `####…`, else a placeholder and a warning) |
///
/// Credits that say what a classic key says are written as it (one `=` among `~`: a plain
/// `single_choice`; the equal split ±100/C: `multiple_response` with the partial rule), so
/// ordinary questions give ordinary items.
///
/// A block inside the sentence (`Grant is {=entombed ~buried} in Grant's tomb.`) is a missing-word
/// question: the prompt gets `_____` where the block was. Several blocks in one question (Cloze)
/// and Moodle's Cloze syntax (`{1:MULTICHOICE:…}`) have no counterpart and are errors; a
/// description (text with no block) is a warning. Either way no item is made, and nothing else in
/// the file is lost: every question is read on its own, and a question gets at most one error.
///
/// `$CATEGORY: a/b/Cardiology` sets the topic of the questions after it to `cardiology` (last path
/// segment, lower-cased, spaces as `-`; `general` before any category); several `$CATEGORY:` lines
/// in a row, the last wins. `//` comment lines are ignored; every line is trimmed; `\~ \= \# \{ \}
/// \: \\` are literal characters and `\n` a line break. Questions that follow each other with no
/// blank line are read separately (with a warning: Moodle would merge them). Answer feedback
/// (`#…`) and general feedback (`####…`) form the explanation: the general feedback first, then one
/// `Option X: feedback` (or `Answer X:`) line per answer. Text formats `[html]`, `[markdown]`,
/// `[plain]` and `[moodle]` (the default) are honoured: HTML becomes plain text keeping
/// paragraphs, lists and code, without comments, styles and scripts.
///
/// Ids come from titles (kept when already a valid id, else slugified to
/// `^[a-z0-9][a-z0-9._-]{0,63}$`) or are numbered `<bankSlug>-001`, `<bankSlug>-002` … for
/// untitled questions; a taken id gets `-2`, `-3` …. Every item has difficulty `medium` and 1
/// point. Every converted item is checked by the bank reader's rules (``ItemRules``, the reader's
/// checks on the item itself, with its words); one that breaks a rule is reported at its
/// question's line with the rule and left out, so that the converted bank lints clean.
public enum GIFTImporter {
    /// Converts GIFT source to bank items.
    ///
    /// Never traps and always finishes, in time and memory linear in the source: malformed input
    /// (unclosed or stray braces, empty answer lists, a choice with no right answer, a numeric
    /// answer that is not a number …) becomes an error diagnostic at its line and column, and that
    /// question yields no item.
    ///
    /// - Parameters:
    ///   - text: The GIFT source.
    ///   - file: The path named in diagnostics.
    ///   - bankSlug: The slug of the receiving bank, the stem of untitled items' ids.
    /// - Returns: The converted items in file order and the diagnostics in the order found.
    public static func convert(_ text: String, file: String, bankSlug: String) -> GIFTImportResult {
        var items: [Item] = []
        var diagnostics: [BankDiagnostic] = []
        convert(text, file: file, bankSlug: bankSlug, item: { items.append($0) }, diagnostic: { diagnostics.append($0) })
        return GIFTImportResult(items: items, diagnostics: diagnostics)
    }

    /// The longest question read, in bytes of UTF-8: a longer one is reported and skipped, so
    /// that one enormous question cannot take the memory of many (a question's characters are
    /// held with their positions while it is converted).
    public static let maximumQuestionLength = 1_000_000

    /// Converts GIFT source question by question, handing over each item and each diagnostic as
    /// soon as it is made.
    ///
    /// Only the question being converted is held (besides the source and the ids given out), so
    /// memory does not grow with the number of questions; time is linear in the source. Items
    /// and diagnostics come in the order ``convert(_:file:bankSlug:)`` returns them.
    ///
    /// - Parameters:
    ///   - text: The GIFT source.
    ///   - file: The path named in diagnostics.
    ///   - bankSlug: The slug of the receiving bank, the stem of untitled items' ids.
    ///   - item: Called with each converted item, in file order.
    ///   - diagnostic: Called with each diagnostic, in the order found.
    /// - Throws: Only what `item` or `diagnostic` throws; conversion then stops.
    public static func convert(_ text: String, file: String, bankSlug: String,
                               item: (Item) throws -> Void, diagnostic: (BankDiagnostic) throws -> Void) rethrows {
        var converter = GIFTQuestionConverter(file: file)
        var identifiers = GIFTIdentifiers(bankSlug: bankSlug)
        var topic = "general"
        var blocks = GIFTBlockReader(text)

        while let block = blocks.next() {
            for segment in GIFTScanner.segments(of: block) {
                switch segment {
                case let .category(path, _):
                    topic = GIFTIdentifiers.topic(fromCategory: path)
                case let .question(lines, isSeparated):
                    guard let first = lines.first else { continue }
                    if lines.reduce(0, { $0 + $1.text.utf8.count }) > maximumQuestionLength {
                        converter.beginQuestion()
                        converter.error(GIFTPosition(line: first.number, column: first.trimmed.column + 1),
                                        "This question is longer than \(maximumQuestionLength / 1_000_000) MB, which no screen question needs, so it was not imported: split it, or look for a missing blank line between questions.")
                        break
                    }
                    let source = GIFTScanner.text(of: lines)
                    if !isSeparated {
                        converter.warning(source.position, "No blank line before this question: Moodle would read it as part of what comes before; it was read as a question of its own. Put a blank line before it.")
                    }
                    if let converted = convertQuestion(source, converter: &converter, identifiers: &identifiers, topic: topic) {
                        for found in converter.takeDiagnostics() { try diagnostic(found) }
                        try item(converted)
                    }
                }
                for found in converter.takeDiagnostics() { try diagnostic(found) }
            }
        }
    }

    /// One question's item, with its id taken, or nil (the converter's diagnostics say why).
    private static func convertQuestion(_ source: GIFTText, converter: inout GIFTQuestionConverter,
                                        identifiers: inout GIFTIdentifiers, topic: String) -> Item? {
        guard let question = converter.convert(source) else { return nil }
        let item = Item(
            id: identifiers.peek(title: question.title),
            topic: topic,
            prompt: question.prompt,
            explanation: question.explanation,
            points: 1,
            difficulty: .medium,
            body: question.body
        )
        if let problem = ItemRules.firstViolation(of: item) {
            converter.error(source.position, "The converted question breaks a rule of the bank format, so it was left out: \(problem)")
            return nil
        }
        return Item(id: identifiers.allocate(title: question.title), topic: item.topic, prompt: item.prompt,
                    explanation: item.explanation, points: 1, difficulty: .medium, body: item.body)
    }
}
