/// A 1-based line and column in GIFT source; columns count characters (grapheme clusters).
struct GIFTPosition: Sendable, Hashable {
    /// 1-based line.
    var line: Int
    /// 1-based column.
    var column: Int
}

/// One character of GIFT source after escape processing, with where it was written.
///
/// An escaped unit (`\{`, `\=`, `\n` …) is always literal text, never GIFT syntax.
struct GIFTUnit: Sendable, Hashable {
    /// The character (for `\n`, a newline).
    var character: Character
    /// Whether the source wrote it with a backslash escape.
    var isEscaped: Bool
    /// Where the character (or its backslash) starts.
    var position: GIFTPosition

    /// Whether this unit is the GIFT syntax character `character`, i.e. unescaped.
    func isSyntax(_ syntax: Character) -> Bool { !isEscaped && character == syntax }
}

/// One physical line of GIFT source.
struct GIFTSourceLine: Sendable {
    /// 1-based line number.
    var number: Int
    /// The line's characters, without its line break.
    var characters: [Character]

    /// Whether the line holds only whitespace (a question separator).
    var isBlank: Bool { characters.allSatisfy(GIFTScanner.isSpace) }

    /// The bounds of the line without leading and trailing whitespace (Moodle trims every line).
    var contentRange: Range<Int> {
        let start = characters.firstIndex { !GIFTScanner.isSpace($0) } ?? characters.count
        let end = (characters.lastIndex { !GIFTScanner.isSpace($0) } ?? (start - 1)) + 1
        return start..<max(start, end)
    }

    /// The trimmed line as text.
    var content: Substring { Substring(String(characters[contentRange])) }

    /// Whether the line is a `//` comment (which may be indented).
    var isComment: Bool { content.hasPrefix("//") }

    /// Whether the trimmed line starts with `text`.
    func starts(with text: String) -> Bool {
        let range = contentRange
        return characters[range].starts(with: text)
    }
}

/// A run of lines between blank lines, comment lines removed (Moodle's unit of reading).
struct GIFTBlock: Sendable {
    /// The block's lines, in order, without comment lines.
    var lines: [GIFTSourceLine]
}

/// What a block holds: `$CATEGORY:` commands and questions, in order.
enum GIFTSegment: Sendable {
    /// A `$CATEGORY:` line, with the path after the colon.
    case category(path: String, line: GIFTSourceLine)
    /// A question's lines; `isSeparated` is false when it followed another question or command
    /// with no blank line between (Moodle would have read them as one).
    case question(lines: [GIFTSourceLine], isSeparated: Bool)
}

/// Splits GIFT source into lines, blocks and questions, and turns lines into escape-resolved units.
enum GIFTScanner {
    /// The characters GIFT lets a backslash escape (besides `n`, which stands for a newline).
    static let escapable: Set<Character> = ["~", "=", "#", "{", "}", ":", "\\"]

    /// The byte-order mark, ignored wherever it stands (files concatenated from several exports
    /// carry one in the middle); it keeps its column, so that later columns stay right.
    static let byteOrderMark: Character = "\u{FEFF}"

    /// Whitespace, or a byte-order mark.
    static func isSpace(_ character: Character) -> Bool { character.isWhitespace || character == byteOrderMark }

    /// The source's lines; `\n`, `\r\n` and `\r` all end a line, and a leading byte-order mark is
    /// ignored.
    static func lines(of text: String) -> [GIFTSourceLine] {
        var lines: [GIFTSourceLine] = []
        var current: [Character] = []
        var isFirst = true
        for character in text {
            if isFirst {
                isFirst = false
                if character == "\u{FEFF}" { continue }
            }
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(GIFTSourceLine(number: lines.count + 1, characters: current))
                current = []
            } else {
                current.append(character)
            }
        }
        lines.append(GIFTSourceLine(number: lines.count + 1, characters: current))
        return lines
    }

    /// Groups lines into blocks: blank lines separate blocks, comment lines are dropped.
    static func blocks(of lines: [GIFTSourceLine]) -> [GIFTBlock] {
        var blocks: [GIFTBlock] = []
        var current: [GIFTSourceLine] = []
        for line in lines {
            if line.isBlank {
                if !current.isEmpty { blocks.append(GIFTBlock(lines: current)) }
                current = []
            } else if !line.isComment {
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append(GIFTBlock(lines: current)) }
        return blocks
    }

    /// The commands and questions of a block.
    ///
    /// Moodle reads a whole block as one question (or, from a leading `$CATEGORY:`, as one
    /// category name). Files often put several in one block, so outside an answer block these
    /// lines start a new segment: a `$CATEGORY:` line; a line starting with a `::title::`; and a
    /// line holding a `{` right after a line that ended by closing the question's answer block.
    static func segments(of block: GIFTBlock) -> [GIFTSegment] {
        var segments: [GIFTSegment] = []
        var current: [GIFTSourceLine] = []
        var currentIsSeparated = true
        var depth = 0
        var hasAnswerBlock = false
        var previousEndedBlock = false
        func flush(next isSeparated: Bool) {
            if !current.isEmpty { segments.append(.question(lines: current, isSeparated: currentIsSeparated)) }
            current = []
            currentIsSeparated = isSeparated
            hasAnswerBlock = false
            previousEndedBlock = false
        }
        for line in block.lines {
            let braces = Self.braces(in: line)
            if depth == 0 {
                if line.starts(with: "$CATEGORY:") {
                    flush(next: false)
                    let content = line.content
                    segments.append(.category(path: String(content.dropFirst("$CATEGORY:".count)), line: line))
                    continue
                }
                let startsQuestion = line.starts(with: "::") && Self.hasTitle(line)
                    || (hasAnswerBlock && previousEndedBlock && braces.opens > 0)
                if !current.isEmpty, startsQuestion { flush(next: false) }
            }
            current.append(line)
            depth = max(0, depth + braces.opens - braces.closes)
            if braces.closes > 0 { hasAnswerBlock = true }
            previousEndedBlock = depth == 0 && braces.endsWithClose
        }
        flush(next: false)
        return segments
    }

    /// The unescaped braces of a line, and whether its last character is an unescaped `}`.
    private static func braces(in line: GIFTSourceLine) -> (opens: Int, closes: Int, endsWithClose: Bool) {
        var opens = 0, closes = 0, lastWasClose = false
        let characters = line.characters
        var index = line.contentRange.lowerBound
        let end = line.contentRange.upperBound
        while index < end {
            let character = characters[index]
            if character == "\\", index + 1 < end, escapable.contains(characters[index + 1]) || characters[index + 1] == "n" {
                index += 2
                lastWasClose = false
                continue
            }
            if character == "{" { opens += 1 }
            if character == "}" { closes += 1 }
            lastWasClose = character == "}"
            index += 1
        }
        return (opens, closes, lastWasClose)
    }

    /// Whether a line starting with `::` closes the title on the same line.
    private static func hasTitle(_ line: GIFTSourceLine) -> Bool {
        text(of: [line]).firstIndex(ofSyntax: "::", from: 2) != nil
    }

    /// The lines as one text of units: each line trimmed (as Moodle does), escapes resolved,
    /// lines joined by (unescaped) newlines.
    static func text(of lines: some Collection<GIFTSourceLine>) -> GIFTText {
        var units: [GIFTUnit] = []
        var previous: GIFTSourceLine?
        for line in lines {
            if let previous {
                let end = GIFTPosition(line: previous.number, column: previous.contentRange.upperBound + 1)
                units.append(GIFTUnit(character: "\n", isEscaped: false, position: end))
            }
            previous = line
            let characters = line.characters
            let range = line.contentRange
            var index = range.lowerBound
            while index < range.upperBound {
                let character = characters[index]
                let position = GIFTPosition(line: line.number, column: index + 1)
                if character == byteOrderMark {
                    index += 1
                    continue
                }
                if character == "\\", index + 1 < range.upperBound {
                    let next = characters[index + 1]
                    if escapable.contains(next) {
                        units.append(GIFTUnit(character: next, isEscaped: true, position: position))
                        index += 2
                        continue
                    }
                    if next == "n" {
                        units.append(GIFTUnit(character: "\n", isEscaped: true, position: position))
                        index += 2
                        continue
                    }
                }
                units.append(GIFTUnit(character: character, isEscaped: false, position: position))
                index += 1
            }
        }
        let anchor = lines.first.map { GIFTPosition(line: $0.number, column: $0.contentRange.lowerBound + 1) } ?? GIFTPosition(line: 1, column: 1)
        return GIFTText(units: units, anchor: anchor)
    }
}
