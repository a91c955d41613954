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
    /// The character when it is not one ASCII byte (an ASCII character is made from ``ascii``
    /// only when asked for: most units are ASCII, and making each a `Character` cost time).
    private let stored: Character?
    /// Whether the source wrote it with a backslash escape.
    var isEscaped: Bool
    /// Where the character (or its backslash) starts.
    var position: GIFTPosition
    /// The character's byte when it is one ASCII scalar, else 0 (syntax is compared on it).
    let ascii: UInt8

    /// The character (for `\n`, a newline).
    var character: Character { stored ?? Character(Unicode.Scalar(ascii)) }

    /// A unit.
    init(character: Character, isEscaped: Bool, position: GIFTPosition) {
        self.isEscaped = isEscaped
        self.position = position
        let utf8 = character.utf8
        if utf8.count == 1, let byte = utf8.first, byte != 0 {
            ascii = byte
            stored = nil
        } else {
            ascii = 0
            stored = character
        }
    }

    /// A unit of one ASCII byte (not NUL).
    init(ascii: UInt8, isEscaped: Bool, position: GIFTPosition) {
        stored = ascii == 0 ? Character(Unicode.Scalar(0)) : nil
        self.isEscaped = isEscaped
        self.position = position
        self.ascii = ascii
    }

    /// Whether this unit is the GIFT syntax character `character`, i.e. unescaped.
    func isSyntax(_ syntax: Character) -> Bool {
        if let byte = GIFTUnit.byte(of: syntax) { return isSyntax(byte) }
        return !isEscaped && character == syntax
    }

    /// The byte of a one-byte (ASCII) character, read from its UTF-8 (`asciiValue` compares the
    /// character with CR LF first, a string comparison that showed on every unit).
    static func byte(of character: Character) -> UInt8? {
        let utf8 = character.utf8
        guard utf8.count == 1, let byte = utf8.first, byte != 0 else { return nil }
        return byte
    }

    /// Whether this unit is the unescaped ASCII syntax character `syntax`.
    func isSyntax(_ syntax: UInt8) -> Bool { !isEscaped && ascii == syntax }
}

/// One physical line of GIFT source, a slice of the source (no copy).
struct GIFTSourceLine: Sendable {
    /// 1-based line number.
    var number: Int
    /// The line, without its line break.
    var text: Substring
    /// The line without leading and trailing whitespace (Moodle trims every line).
    let content: Substring
    /// The 0-based column (in characters) where ``content`` starts.
    let contentColumn: Int
    /// Whether the line is all ASCII (then every byte is one character).
    let isASCII: Bool
    /// Whether reading the line's GIFT syntax byte by byte gives what reading it character by
    /// character gives: no syntax character (or escaped character) stands next to a non-ASCII
    /// byte, where a combining mark could make it part of another character, and there is no
    /// byte-order mark.
    let isByteSafe: Bool

    /// A line of `text`.
    init(number: Int, text: Substring) {
        self.number = number
        self.text = text
        let bytes = text.utf8
        isASCII = bytes.allSatisfy { $0 < 0x80 }
        isByteSafe = isASCII || Self.byteSafe(bytes)
        if isASCII {
            func space(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
            let start = bytes.firstIndex { !space($0) } ?? bytes.endIndex
            var end = bytes.endIndex
            while end > start, space(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
            content = text[start..<end]
            contentColumn = bytes.distance(from: bytes.startIndex, to: start)
        } else if let start = text.firstIndex(where: { !GIFTScanner.isSpace($0) }) {
            let end = text.lastIndex(where: { !GIFTScanner.isSpace($0) }).map { text.index(after: $0) } ?? text.endIndex
            content = text[start..<end]
            contentColumn = text.distance(from: text.startIndex, to: start)
        } else {
            content = text[text.endIndex...]
            contentColumn = text.count
        }
    }

    private static func byteSafe(_ bytes: Substring.UTF8View) -> Bool {
        func isSyntax(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"), UInt8(ascii: ":"), UInt8(ascii: "~"), UInt8(ascii: "="),
                 UInt8(ascii: "#"):
                return true
            default:
                return false
            }
        }
        var previous: UInt8 = 0x20
        var beforePrevious: UInt8 = 0x20
        for byte in bytes {
            if byte == 0xEF { return false }  // a byte-order mark, perhaps (EF BB BF): read character by character
            if byte >= 0x80, isSyntax(previous) || (beforePrevious == UInt8(ascii: "\\") && previous < 0x80) { return false }
            if previous >= 0x80, isSyntax(byte) { return false }
            beforePrevious = previous
            previous = byte
        }
        return true
    }

    /// Whether the line holds only whitespace (a question separator).
    var isBlank: Bool { content.isEmpty }

    /// The trimmed line and the 0-based column where it starts.
    var trimmed: (content: Substring, column: Int) { (content, contentColumn) }

    /// Whether the line is a `//` comment (which may be indented).
    var isComment: Bool { isASCII ? content.utf8.starts(with: [0x2F, 0x2F]) : content.hasPrefix("//") }

    /// Whether the trimmed line starts with `text`.
    func starts(with prefix: String) -> Bool { isASCII ? content.utf8.starts(with: prefix.utf8) : content.hasPrefix(prefix) }
}

/// A run of lines between blank lines, comment lines removed (Moodle's unit of reading).
struct GIFTBlock: Sendable {
    /// The block's lines, in order, without comment lines.
    var lines: [GIFTSourceLine]
}

/// Reads GIFT source block by block, holding one block (slices of the source) at a time: the
/// importer's memory does not grow with the file.
struct GIFTBlockReader: IteratorProtocol {
    private let source: Substring
    private var position: Substring.Index
    private var lineNumber = 0
    private var finished = false

    /// A reader of `text`; a leading byte-order mark is ignored.
    init(_ text: String) {
        var source = text[...]
        if source.first == GIFTScanner.byteOrderMark { source = source.dropFirst() }
        self.source = source
        position = source.startIndex
    }

    /// The next line; `\n`, `\r\n` and `\r` all end a line (found on the bytes: a line break is
    /// always a character of its own).
    mutating func nextLine() -> GIFTSourceLine? {
        guard !finished else { return nil }
        lineNumber += 1
        let bytes = source.utf8
        var index = position
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                let line = GIFTSourceLine(number: lineNumber, text: source[position..<index])
                var next = bytes.index(after: index)
                if byte == 0x0D, next < bytes.endIndex, bytes[next] == 0x0A { next = bytes.index(after: next) }
                position = next
                return line
            }
            index = bytes.index(after: index)
        }
        finished = true
        return GIFTSourceLine(number: lineNumber, text: source[position...])
    }

    /// The next block: lines up to a blank line, comment lines dropped.
    mutating func next() -> GIFTBlock? {
        var lines: [GIFTSourceLine] = []
        while let line = nextLine() {
            if line.isBlank {
                if !lines.isEmpty { return GIFTBlock(lines: lines) }
            } else if !line.isComment {
                lines.append(line)
            }
        }
        return lines.isEmpty ? nil : GIFTBlock(lines: lines)
    }
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
        let content = line.content
        if line.isByteSafe {
            let bytes = content.utf8
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                let next = bytes.index(after: index)
                if byte == 0x5C, next < bytes.endIndex, asciiEscapable(bytes[next]) {
                    index = bytes.index(after: next)
                    lastWasClose = false
                    continue
                }
                if byte == UInt8(ascii: "{") { opens += 1 }
                if byte == UInt8(ascii: "}") { closes += 1 }
                lastWasClose = byte == UInt8(ascii: "}")
                index = next
            }
            return (opens, closes, lastWasClose)
        }
        var characters = content.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "\\", let next = pending, escapable.contains(next) || next == "n" {
                pending = characters.next()
                lastWasClose = false
                continue
            }
            if character == "{" { opens += 1 }
            if character == "}" { closes += 1 }
            lastWasClose = character == "}"
        }
        return (opens, closes, lastWasClose)
    }

    /// Whether a line starting with `::` closes the title on the same line.
    ///
    /// Reads the line's units as ``text(of:)`` makes them (escapes resolved, byte-order marks
    /// skipped) without building them, so that a huge line costs no memory here.
    private static func hasTitle(_ line: GIFTSourceLine) -> Bool {
        var unit = 0
        var previousWasColon = false
        if line.isByteSafe {
            // Units of several bytes are never colons; counting their bytes as units only makes
            // `unit` larger than 3 sooner, and the first two units are the leading "::".
            var bytes = line.content.utf8.makeIterator()
            var pending = bytes.next()
            while let byte = pending {
                pending = bytes.next()
                var isColon = byte == UInt8(ascii: ":")
                if byte == UInt8(ascii: "\\"), let next = pending, asciiEscapable(next) {
                    isColon = false
                    pending = bytes.next()
                }
                if unit >= 3, isColon, previousWasColon { return true }
                previousWasColon = isColon
                unit += 1
            }
            return false
        }
        var characters = line.content.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == byteOrderMark { continue }
            var isColon = character == ":"
            if character == "\\", let next = pending, escapable.contains(next) || next == "n" {
                isColon = false
                pending = characters.next()
            }
            if unit >= 3, isColon, previousWasColon { return true }
            previousWasColon = isColon
            unit += 1
        }
        return false
    }

    /// Whether a backslash before the ASCII byte escapes it (one of ``escapable``, or `n`).
    static func asciiEscapable(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ":"),
             UInt8(ascii: "\\"), UInt8(ascii: "n"):
            return true
        default:
            return false
        }
    }

    /// The lines as one text of units: each line trimmed (as Moodle does), escapes resolved,
    /// lines joined by (unescaped) newlines.
    static func text(of lines: some Collection<GIFTSourceLine>) -> GIFTText {
        var units: [GIFTUnit] = []
        var previousEnd: GIFTPosition?
        var anchor: GIFTPosition?
        for line in lines {
            let (content, startColumn) = line.trimmed
            if let previousEnd {
                units.append(GIFTUnit(character: "\n", isEscaped: false, position: previousEnd))
            }
            if anchor == nil { anchor = GIFTPosition(line: line.number, column: startColumn + 1) }
            var column = startColumn + 1
            if line.isASCII {
                let bytes = content.utf8
                var index = bytes.startIndex
                while index < bytes.endIndex {
                    let byte = bytes[index]
                    let next = bytes.index(after: index)
                    if byte == 0x5C, next < bytes.endIndex, asciiEscapable(bytes[next]) {
                        let escaped = bytes[next]
                        units.append(GIFTUnit(ascii: escaped == 0x6E ? 0x0A : escaped, isEscaped: true,
                                              position: GIFTPosition(line: line.number, column: column)))
                        index = bytes.index(after: next)
                        column += 2
                        continue
                    }
                    units.append(GIFTUnit(ascii: byte, isEscaped: false, position: GIFTPosition(line: line.number, column: column)))
                    index = next
                    column += 1
                }
                previousEnd = GIFTPosition(line: line.number, column: column)
                continue
            }
            var characters = content.makeIterator()
            var pending = characters.next()
            while let character = pending {
                pending = characters.next()
                let position = GIFTPosition(line: line.number, column: column)
                if character == byteOrderMark {
                    column += 1
                    continue
                }
                if character == "\\", let escaped = pending, escapable.contains(escaped) || escaped == "n" {
                    units.append(GIFTUnit(character: escaped == "n" ? "\n" : escaped, isEscaped: true, position: position))
                    pending = characters.next()
                    column += 2
                    continue
                }
                units.append(GIFTUnit(character: character, isEscaped: false, position: position))
                column += 1
            }
            previousEnd = GIFTPosition(line: line.number, column: column)
        }
        return GIFTText(units: units, anchor: anchor ?? GIFTPosition(line: 1, column: 1))
    }
}
