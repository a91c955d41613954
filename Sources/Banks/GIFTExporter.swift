internal import Foundation

/// Writes a bank as Moodle GIFT text that Moodle's GIFT reader
/// (`question/format/gift/format.php`) and ``GIFTImporter`` read back with the same keys.
///
/// Each item becomes one question, titled with its id, after a `$CATEGORY:` line whenever the
/// topic changes; the explanation becomes the general feedback (`####…`), an essay's rubric too.
///
/// | item | GIFT |
/// |---|---|
/// | `single_choice` | `=` for the full-credit option(s), `~` for the others, `~%50%` for a credit |
/// | `multiple_response`, partial | `~%w%` on every option: the credits, or for the partial rule each right option 100/C and each wrong one −100/C (Moodle then scores exactly as the rule does) |
/// | `true_false` | `{TRUE}` / `{FALSE}` |
/// | `numeric` | `{#=answer:tolerance =%50%other:tolerance}`; a range as `min..max`, a relative tolerance as the absolute one it gives |
/// | `short_text` | `=answer` and `=%50%answer`, highest credit first (Moodle credits the first match); literal `*` as `\*`, wildcards as written |
/// | `matching`, partial | `=prompt -> answer`, distractors as `= -> answer` |
/// | `essay` | `{####rubric}` |
///
/// Not expressible in GIFT, so left out with an error note: `ordering` items, all-or-nothing
/// `multiple_response` and `matching`, `short_text` with regular expressions, and the rare texts
/// GIFT cannot write (a matching prompt or short answer with `->`, a full-credit option of a
/// single_choice whose text starts like a weight `%50%`). Not carried, with a warning: a numeric
/// unit, an essay's word limit and explanation, a topic that reads back differently, and, for the
/// whole bank, its settings, points, difficulties and IRT parameters.
///
/// Texts are escaped (`\\ \# \= \~ \{ \} \:`, line breaks as `\n`); text that Moodle's default
/// format would render as HTML (a tag, a character reference) or that starts with a format
/// marker is written `[plain]`, so that it reads back as written.
public enum GIFTExporter {
    /// The GIFT text of `bank` and what it does not carry.
    ///
    /// - Parameters:
    ///   - bank: the bank; it should be valid (as read by ``BankReader``).
    /// - Returns: the text (empty questions none) and the notes, in bank order.
    public static func export(_ bank: Bank) -> GIFTExport {
        var lines: [String] = [
            "// Bank \(bank.slug): \(oneLine(bank.title)) (domain \(bank.domain), language \(bank.language)), exported by Assay.",
            "// GIFT carries the questions and their keys; the bank's settings, points, difficulties and IRT parameters are not part of it.",
            "",
        ]
        var notes: [GIFTExport.Note] = [
            GIFTExport.Note(itemID: nil, severity: .warning, message: "GIFT has no place for the bank's settings, item points, difficulties and IRT parameters; they are not exported."),
        ]
        var exported: [String] = []
        var topic: String?
        for item in bank.items {
            var itemNotes: [GIFTExport.Note] = []
            guard let question = question(item, notes: &itemNotes) else {
                notes += itemNotes
                continue
            }
            if topic != item.topic {
                let path = item.topic.replacingOccurrences(of: "/", with: "//")
                if GIFTIdentifiers.topic(fromCategory: path) != item.topic || item.topic.contains("\n") {
                    itemNotes.append(GIFTExport.Note(itemID: item.id, severity: .warning, message: "its topic '\(item.topic)' reads back from GIFT as '\(GIFTIdentifiers.topic(fromCategory: path))' (topics are read lower-case, with '-' for spaces)."))
                }
                lines.append("$CATEGORY: \(oneLine(path))")
                lines.append("")
                topic = item.topic
            }
            notes += itemNotes
            lines.append(question)
            lines.append("")
            exported.append(item.id)
        }
        return GIFTExport(text: lines.joined(separator: "\n"), exportedItemIDs: exported, notes: notes)
    }

    /// The question of one item (lines without the trailing blank line), or nil after noting
    /// why GIFT cannot express it.
    static func question(_ item: Item, notes: inout [GIFTExport.Note]) -> String? {
        func leaveOut(_ why: String) -> String? {
            notes.append(GIFTExport.Note(itemID: item.id, severity: .error, message: "left out: \(why)"))
            return nil
        }
        func warn(_ what: String) { notes.append(GIFTExport.Note(itemID: item.id, severity: .warning, message: what)) }
        let head = "::\(item.id)::" + text(item.prompt)
        var general = item.explanation.map { "####" + text($0) }
        var answers: [String] = []
        switch item.body {
        case .singleChoice(let options):
            let credits = options.map { $0.credit ?? ($0.correct ? 100 : 0) }
            var wroteEquals = false
            for (option, credit) in zip(options, credits) {
                if credit >= 100, GIFTNumber.weight(at: option.text) == nil {
                    answers.append("=" + text(option.text))
                    wroteEquals = true
                } else {
                    answers.append("~" + weighted(credit, option.text))
                }
            }
            guard wroteEquals else { return leaveOut("its full-credit option starts like a GIFT weight (%50%), which Moodle would read as text after '='.") }
            guard answers.contains(where: { $0.hasPrefix("~") }) else { return leaveOut("every option gives full credit, and GIFT reads a block of '=' answers as a short answer.") }
        case .multipleResponse(let options, let scoring):
            let credits: [Double]
            if options.contains(where: { $0.credit != nil }) {
                credits = options.map { $0.credit ?? 0 }
            } else {
                guard scoring == .partial else { return leaveOut("GIFT (Moodle's multiple choice) has no all-or-nothing scoring.") }
                let right = Double(options.filter(\.correct).count)
                credits = options.map { $0.correct ? 100 / right : -100 / right }
            }
            for (option, credit) in zip(options, credits) { answers.append("~" + weighted(credit, option.text, always: true)) }
        case .trueFalse(let answer):
            answers.append(answer ? "TRUE" : "FALSE")
        case .numeric(let key):
            if key.unit != nil { warn("its unit '\(key.unit ?? "")' is not part of GIFT; the prompt should state it.") }
            let entries = [(key.answer, key.tolerance, 100.0)] + (key.otherAnswers ?? []).map { ($0.answer, $0.tolerance, $0.credit) }
            for (index, entry) in ChoiceCredits.stableSorted(Array(entries.enumerated()), by: { $0.element.2 > $1.element.2 }).map(\.element).enumerated() {
                let weight = index == 0 && entry.2 == 100 ? "" : "%\(GIFTNumber.plainDecimal(entry.2))%"
                answers.append("=" + weight + numeric(entry.0, entry.1))
            }
        case .shortText(let accept, let regex, let graded):
            guard regex.isEmpty, !(graded ?? []).contains(where: { $0.match == .regex }) else {
                return leaveOut("GIFT short answers have no regular expressions.")
            }
            let entries = accept.map { (pattern: ShortTextPatterns.escaping($0), credit: 100.0) }
                + (graded ?? []).map { (pattern: $0.match == .wildcard ? $0.text : ShortTextPatterns.escaping($0.text), credit: $0.credit) }
            for entry in ChoiceCredits.stableSorted(entries, by: { $0.credit > $1.credit }) {
                if entry.pattern.contains("->") { return leaveOut("the short answer '\(entry.pattern)' holds '->', which GIFT reads as a matching question.") }
                let needsWeight = entry.credit != 100 || GIFTNumber.weight(at: entry.pattern) != nil
                let marker = startsWithMarker(entry.pattern) ? "[plain]" : ""
                answers.append("=" + (needsWeight ? "%\(GIFTNumber.plainDecimal(entry.credit))%" : "") + marker + escaped(entry.pattern))
            }
        case .ordering:
            return leaveOut("GIFT has no ordering question.")
        case .essay(let rubric, let maxWords):
            if maxWords != nil { warn("its word limit is not part of GIFT.") }
            if item.explanation != nil { warn("its explanation is not exported: an essay's general feedback carries its rubric.") }
            general = "####" + text(rubric)
        case .matching(let pairs, let distractors, let scoring):
            guard scoring == .partial else { return leaveOut("GIFT (Moodle's matching question) has no all-or-nothing scoring.") }
            for pair in pairs {
                if pair.prompt.contains("->") { return leaveOut("the prompt '\(pair.prompt)' holds '->', which GIFT reads as the end of the prompt.") }
                answers.append("=" + text(pair.prompt) + " -> " + escaped(pair.answer))
            }
            for distractor in distractors { answers.append("= -> " + escaped(distractor)) }
        }
        if case .trueFalse = item.body {
            return head + "{" + answers.joined() + (general ?? "") + "}"
        }
        var lines = [head + "{" + (item.type == .numeric ? "#" : "")]
        lines += answers.map { "\t" + $0 }
        if let general { lines.append("\t" + general) }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// `~` answer text with its weight: none for 0 (unless the text starts like a weight, or
    /// `always`), else `%credit%`.
    private static func weighted(_ credit: Double, _ value: String, always: Bool = false) -> String {
        let needsWeight = always || credit != 0 || GIFTNumber.weight(at: value) != nil
        return (needsWeight ? "%\(GIFTNumber.plainDecimal(credit))%" : "") + text(value)
    }

    /// A numeric answer: `a`, `a:tolerance` or `min..max`.
    private static func numeric(_ answer: Double?, _ tolerance: NumericTolerance) -> String {
        switch tolerance {
        case .exact: return GIFTNumber.format(answer ?? 0)
        case .absolute(let value): return "\(GIFTNumber.format(answer ?? 0)):\(GIFTNumber.format(value))"
        case .percent(let percent): return "\(GIFTNumber.format(answer ?? 0)):\(GIFTNumber.format(abs(answer ?? 0) * percent / 100))"
        case .range(let low, let high): return "\(GIFTNumber.format(low))..\(GIFTNumber.format(high))"
        }
    }

    /// Text with a format: `[plain]` first when Moodle's default format would render it as HTML
    /// or it starts with a format marker; escaped.
    static func text(_ value: String) -> String {
        let plain = HTMLText.looksLikeHTML(value) || startsWithMarker(value)
        return (plain ? "[plain]" : "") + escaped(value)
    }

    /// Whether `value` (after leading white space) starts with a GIFT format marker.
    private static func startsWithMarker(_ value: String) -> Bool {
        let trimmed = GIFTMarkup.trimmed(value)
        return GIFTMarkup.allCases.contains { trimmed.hasPrefix("[\($0.rawValue)]") }
    }

    /// Moodle's escaping (`repchar`): `\ # = ~ { } :` get a backslash, a line break is `\n`, a
    /// carriage return is dropped.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\", "#", "=", "~", "{", "}", ":": result += "\\" + String(character)
            case "\n", "\r\n": result += "\\n"
            case "\r": break
            default: result.append(character)
            }
        }
        return result
    }

    /// `value` on one line, for comments and category lines.
    private static func oneLine(_ value: String) -> String {
        value.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
