/// Writes the YAML text of bank items straight into a string, in the layout Yams' emitter gives
/// them (two-space indentation, a list under a key not indented further, multi-line text as a
/// literal block), without building a tree of Yams nodes first.
///
/// Every text is written so that YAML reads it back exactly: as a literal block when it has
/// several lines of plain printable characters, else double-quoted with YAML's escapes for `"`,
/// `\` and every character that is not printable or is a line break (tab, CR, NEL, U+2028,
/// U+2029, the byte-order mark, C0 and C1 controls …), so that no text is read back as a number,
/// a boolean, null, an alias, a tag or a comment. Regular expressions are single-quoted when they
/// can be (no backslash doubled). Numbers are written as `Double.formatted` writes them (70, not 70.0).
struct BankItemYAML {
    /// The text written so far.
    private(set) var text = ""

    /// What starts the next field's line: `- ` before the first field of a list entry, then
    /// the entry's indentation.
    private var lead = ""
    /// The indentation of a list entry's fields after the first.
    private var continuation = ""

    /// Starts a list entry whose fields are a mapping, with its `-` at column `column`.
    private mutating func beginEntry(column: Int) {
        lead = String(repeating: " ", count: column) + "- "
        continuation = String(repeating: " ", count: column + 2)
    }

    /// Starts the line of a field of the current entry: `name:`.
    private mutating func key(_ name: String) {
        text += lead
        lead = continuation
        text += name
        text += ":"
    }

    /// Appends one item, as it stands under `items:` in a bank file (`- id: …`).
    mutating func append(_ item: Item) {
        beginEntry(column: 0)
        key("id"); scalar(item.id, indent: 4)
        key("type"); plain(item.type.rawValue)
        key("topic"); scalar(item.topic, indent: 4)
        key("difficulty"); plain(item.difficulty.rawValue)
        if item.points != 1 { key("points"); plain(item.points.formatted) }
        key("prompt"); scalar(item.prompt, indent: 4)
        switch item.body {
        case .singleChoice(let options):
            key("options"); optionList(options)
        case .multipleResponse(let options, let scoring):
            key("options"); optionList(options)
            // With credits the options' credits are the scoring.
            if !options.contains(where: { $0.credit != nil }) { key("scoring"); plain(scoring.rawValue) }
        case .trueFalse(let answer):
            key("answer"); plain(answer ? "true" : "false")
        case .numeric(let numeric):
            numericAnswer(numeric.answer, numeric.tolerance, column: 2)
            if let unit = numeric.unit { key("unit"); scalar(unit, indent: 4) }
            if let others = numeric.otherAnswers {
                key("other_answers"); text += others.isEmpty ? " []\n" : "\n"
                for other in others {
                    beginEntry(column: 2)
                    numericAnswer(other.answer, other.tolerance, column: 4)
                    key("credit"); plain(other.credit.formatted)
                }
                lead = "  "
                continuation = "  "
            }
        case .shortText(let accept, let regex, let graded):
            let graded = graded ?? []
            entries("accept", accept, graded.filter { $0.match == .exact }, textKey: "text", regex: false)
            entries("accept_wildcard", [], graded.filter { $0.match == .wildcard }, textKey: "pattern", regex: false)
            entries("accept_regex", regex, graded.filter { $0.match == .regex }, textKey: "pattern", regex: true)
        case .ordering(let steps, let scoring):
            key("steps"); list(steps)
            key("scoring"); plain(scoring.rawValue)
        case .essay(let rubric, let maxWords):
            key("rubric"); scalar(rubric, indent: 4)
            if let maxWords { key("max_words"); plain(Double(maxWords).formatted) }
        case .matching(let pairs, let distractors, let scoring):
            key("pairs"); text += pairs.isEmpty ? " []\n" : "\n"
            for pair in pairs {
                text += "  - prompt:"
                scalar(pair.prompt, indent: 6)
                text += "    answer:"
                scalar(pair.answer, indent: 6)
            }
            if !distractors.isEmpty { key("distractors"); list(distractors) }
            key("scoring"); plain(scoring.rawValue)
        }
        if let explanation = item.explanation { key("explanation"); scalar(explanation, indent: 4) }
        if let irt = item.irt {
            key("irt"); text += "\n"
            text += "    a:"; plain(irt.a.formatted)
            text += "    b:"; plain(irt.b.formatted)
            text += "    c:"; plain(irt.c.formatted)
        }
    }

    /// A short_text list (`accept`, `accept_wildcard`, `accept_regex`): the texts of full
    /// credit, then the graded answers, those below full credit as a mapping with their credit.
    private mutating func entries(_ name: String, _ full: [String], _ graded: [ShortTextAnswer], textKey: String, regex: Bool) {
        guard !full.isEmpty || !graded.isEmpty else { return }
        key(name); text += "\n"
        for entry in full {
            text += "  -"
            regex ? pattern(entry) : scalar(entry, indent: 4)
        }
        for answer in graded {
            if answer.credit >= 100 {
                text += "  -"
                regex ? pattern(answer.text) : scalar(answer.text, indent: 4)
            } else {
                text += "  - "
                text += textKey
                text += ":"
                regex ? pattern(answer.text) : scalar(answer.text, indent: 6)
                text += "    credit:"
                plain(answer.credit.formatted)
            }
        }
    }

    /// Options with `correct: true`, or, when the item gives credits, with their non-zero credit.
    private mutating func optionList(_ options: [ChoiceOption]) {
        let credited = options.contains { $0.credit != nil }
        text += options.isEmpty ? " []\n" : "\n"
        for option in options {
            text += "  - text:"
            scalar(option.text, indent: 6)
            if credited {
                if let credit = option.credit, credit != 0 {
                    text += "    credit:"
                    plain(credit.formatted)
                }
            } else if option.correct {
                text += "    correct: true\n"
            }
        }
    }

    /// `answer` and the field of its tolerance, as fields of the current entry, whose fields
    /// stand at `column`.
    private mutating func numericAnswer(_ answer: Double?, _ tolerance: NumericTolerance, column: Int) {
        if let answer { key("answer"); plain(answer.formatted) }
        switch tolerance {
        case .exact: break
        case .absolute(let value): key("tolerance"); plain(value.formatted)
        case .percent(let value): key("tolerance_percent"); plain(value.formatted)
        case .range(let low, let high):
            key("range"); text += "\n"
            let inner = String(repeating: " ", count: column + 2)
            text += inner; text += "min:"; plain(low.formatted)
            text += inner; text += "max:"; plain(high.formatted)
        }
    }

    /// A list of texts under a key of the item.
    private mutating func list(_ values: [String]) {
        text += values.isEmpty ? " []\n" : "\n"
        for value in values {
            text += "  -"
            scalar(value, indent: 4)
        }
    }

    /// ` value` and the end of the line, for a value that YAML reads as itself unquoted (a
    /// number, a boolean, a name of the format).
    private mutating func plain(_ value: String) {
        text += " "
        text += value
        text += "\n"
    }

    /// A text after its key or `-`: a literal block indented by `indent` when it has several
    /// lines that a block holds exactly, else double-quoted; the line ends.
    private mutating func scalar(_ value: String, indent: Int) {
        if Self.fitsLiteralBlock(value) {
            literalBlock(value, indent: indent)
        } else {
            text += " "
            Self.appendDoubleQuoted(value, to: &text)
            text += "\n"
        }
    }

    /// A regular expression: single-quoted when every character may stand in single quotes
    /// as itself (printable, on one line), else double-quoted.
    private mutating func pattern(_ value: String) {
        text += " "
        if value.unicodeScalars.allSatisfy(Self.isPlainPrintable) {
            text += "'"
            for scalar in value.unicodeScalars {
                if scalar == "'" { text += "''" } else { text.unicodeScalars.append(scalar) }
            }
            text += "'"
        } else {
            Self.appendDoubleQuoted(value, to: &text)
        }
        text += "\n"
    }

    /// Whether a literal block reads back as `value`: several lines of printable characters,
    /// not starting with a space or a line break (the block's indentation is read from its first
    /// line), not ending with a space (Yams' own rule), with no tab or CR.
    static func fitsLiteralBlock(_ value: String) -> Bool {
        let bytes = value.utf8
        guard let first = bytes.first, let last = bytes.last, first != 0x20, first != 0x0A, last != 0x20, bytes.contains(0x0A) else { return false }
        return value.unicodeScalars.allSatisfy { $0 == "\n" || isPlainPrintable($0) }
    }

    /// `|-`, `|` or `|+` (no, one or several final line breaks kept), then each line indented.
    private mutating func literalBlock(_ value: String, indent: Int) {
        var trailing = 0
        for byte in value.utf8.reversed() {
            guard byte == 0x0A else { break }
            trailing += 1
        }
        text += trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n"
        let prefix = String(repeating: " ", count: indent)
        let lines = value.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The line breaks at the end are the block's own; split leaves an empty line after the last.
        for line in lines.dropLast() {
            if !line.isEmpty {
                text += prefix
                text += String(Substring(line))
            }
            text += "\n"
        }
        if trailing == 0, let line = lines.last {
            text += prefix
            text += String(Substring(line))
            text += "\n"
        }
    }

    /// A character YAML reads as itself anywhere in a scalar: printable (YAML's c-printable
    /// without tab, CR and NEL), not a line break (U+2028, U+2029) and not the byte-order mark.
    static func isPlainPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0xA0...0xD7FF: scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `"value"` with YAML's escapes for `"`, `\` and every character that is not plainly
    /// printable.
    static func appendDoubleQuoted(_ value: String, to text: inout String) {
        text += "\""
        defer { text += "\"" }
        // Most texts need no escape: copied whole.
        if value.unicodeScalars.allSatisfy({ isPlainPrintable($0) && $0 != "\"" && $0 != "\\" }) {
            text += value
            return
        }
        let hex: [Character] = Array("0123456789ABCDEF")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            case "\0": text += "\\0"
            default:
                if isPlainPrintable(scalar) {
                    text.unicodeScalars.append(scalar)
                } else {
                    // \xXX for the 8-bit ones, \uXXXX for the others (all in the BMP: every
                    // character above it is printable).
                    let value = scalar.value
                    if value <= 0xFF {
                        text += "\\x"
                        text.append(hex[Int(value >> 4)]); text.append(hex[Int(value & 0xF)])
                    } else {
                        text += "\\u"
                        for shift in stride(from: 12, through: 0, by: -4) { text.append(hex[Int((value >> UInt32(shift)) & 0xF)]) }
                    }
                }
            }
        }
    }
}
