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
    var isBlank: Bool { characters.allSatisfy(\.isWhitespace) }

    /// The line without its leading whitespace, and the 1-based column where that begins.
    var content: (text: Substring, column: Int) {
        let start = characters.firstIndex { !$0.isWhitespace } ?? characters.count
        return (Substring(String(characters[start...])), start + 1)
    }

    /// Whether the line is a `//` comment (which may be indented).
    var isComment: Bool { content.text.hasPrefix("//") }
}

/// A run of lines between blank lines, comment lines removed: one question, a `$CATEGORY:`
/// command, or a description.
struct GIFTBlock: Sendable {
    /// The block's lines, in order, without comment lines.
    var lines: [GIFTSourceLine]
}

/// Splits GIFT source into lines and blocks, and turns lines into escape-resolved units.
enum GIFTScanner {
    /// The characters GIFT lets a backslash escape (besides `n`, which stands for a newline).
    static let escapable: Set<Character> = ["~", "=", "#", "{", "}", ":", "\\"]

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

    /// The lines as one text of units: escapes resolved, lines joined by (unescaped) newlines.
    static func text(of lines: some Collection<GIFTSourceLine>) -> GIFTText {
        var units: [GIFTUnit] = []
        var previous: GIFTSourceLine?
        for line in lines {
            if let previous {
                let end = GIFTPosition(line: previous.number, column: previous.characters.count + 1)
                units.append(GIFTUnit(character: "\n", isEscaped: false, position: end))
            }
            previous = line
            let characters = line.characters
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let position = GIFTPosition(line: line.number, column: index + 1)
                if character == "\\", index + 1 < characters.count {
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
        let anchor = lines.first.map { GIFTPosition(line: $0.number, column: 1) } ?? GIFTPosition(line: 1, column: 1)
        return GIFTText(units: units, anchor: anchor)
    }
}
