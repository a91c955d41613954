/// Converts Moodle GIFT question files into bank items.
///
/// GIFT is Moodle's plain-text question format: questions separated by blank lines, an optional
/// `::title::`, the question text and one answer block in braces. The importer maps it onto the
/// item types of `docs/bank-format.md`:
///
/// | GIFT | item |
/// |---|---|
/// | `{=right ~wrong ~wrong}` | `single_choice` |
/// | `{~%50%a ~%50%b ~%-100%c}`, or several `=` beside `~` | `multiple_response` (options with a positive weight are right; weights that are not the equal split of the partial rule are replaced by it, with a warning) |
/// | `{T}`, `{F}`, `{TRUE}`, `{FALSE}` | `true_false` |
/// | `{=answer =other}` | `short_text` (answers with a weight below 100% are dropped, with a warning) |
/// | `{#3.14:0.01}`, `{#1..5}`, `{#3.14}`, `{# =… =%50%…}` | `numeric` (absolute tolerance, range, exact; of several answers the first with full credit is kept, the others dropped with a warning) |
/// | `{}` | `essay` (rubric from the general feedback `####…`, else a placeholder and a warning) |
///
/// A block inside the sentence (`Grant is {=entombed ~buried} in Grant's tomb.`) is a missing-word
/// question: the prompt gets `_____` where the block was. Matching questions (`=a -> b`) and
/// several blocks in one question (Cloze) have no counterpart and are errors; a description (text
/// with no block) is a warning. Either way no item is made.
///
/// `$CATEGORY: a/b/Cardiology` sets the topic of the questions after it to `cardiology` (last path
/// segment, lower-cased, spaces as `-`; `general` before any category). `//` comment lines are
/// ignored; `\~ \= \# \{ \} \: \\` are literal characters and `\n` a line break. Answer feedback
/// (`#…`) and general feedback (`####…`) form the explanation: the general feedback first, then
/// one `Option X: feedback` line per option. Format markers `[html]`, `[markdown]`, `[plain]` and
/// `[moodle]` are removed; `[html]` text is also turned into plain text, with a warning.
///
/// Ids come from titles (slugified to `^[a-z0-9][a-z0-9._-]{0,63}$`) or are numbered
/// `<bankSlug>-001`, `<bankSlug>-002` … for untitled questions; a taken id gets `-2`, `-3` ….
/// Every item has difficulty `medium` and 1 point.
public enum GIFTImporter {
    /// Converts GIFT source to bank items.
    ///
    /// Never traps and always finishes: malformed input (unclosed or stray braces, empty answer
    /// lists, a choice with no right answer, a numeric answer that is not a number …) becomes an
    /// error diagnostic at its line and column, and that question yields no item.
    ///
    /// - Parameters:
    ///   - text: The GIFT source.
    ///   - file: The path named in diagnostics.
    ///   - bankSlug: The slug of the receiving bank, the stem of untitled items' ids.
    /// - Returns: The converted items in file order and the diagnostics in the order found.
    public static func convert(_ text: String, file: String, bankSlug: String) -> GIFTImportResult {
        var converter = GIFTQuestionConverter(file: file)
        var identifiers = GIFTIdentifiers(bankSlug: bankSlug)
        var topic = "general"
        var items: [Item] = []

        for block in GIFTScanner.blocks(of: GIFTScanner.lines(of: text)) {
            var lines = block.lines[...]
            if let first = lines.first, first.content.text.hasPrefix("$CATEGORY:") {
                topic = GIFTIdentifiers.topic(fromCategory: String(first.content.text.dropFirst("$CATEGORY:".count)))
                lines = lines.dropFirst()
                if lines.allSatisfy(\.isBlank) { continue }
            }
            guard let question = converter.convert(GIFTScanner.text(of: lines)) else { continue }
            let item = Item(
                id: identifiers.allocate(title: question.title),
                topic: topic,
                prompt: question.prompt,
                explanation: question.explanation,
                points: 1,
                difficulty: .medium,
                body: question.body
            )
            items.append(item)
        }
        return GIFTImportResult(items: items, diagnostics: converter.diagnostics)
    }
}
