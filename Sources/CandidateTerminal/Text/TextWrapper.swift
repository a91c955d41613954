import Foundation

/// Fits text to a terminal's width without splitting a word.
///
/// The text is read as a few plain-text conventions that question banks use:
/// - **Paragraphs** are re-flowed: their lines are joined and filled again to the width.
/// - **Blank lines** are kept (several in a row count as one).
/// - **Code blocks**, lines indented by four spaces or more (a tab counts as four), are kept as
///   they are; a code line wider than the width continues on the next line after `↪ `.
/// - **List items**, lines starting with `-`, `*`, `•`, `1.`, `1)`, `(a)`, `(iv)` or `a)` (after
///   at most three spaces), start a new line and are hang-indented under their text.
///
/// A word wider than the whole line (a long URL) is the only thing ever split. Widths are in
/// terminal columns (``DisplayWidth``). With no width, nothing is re-flowed: each line of the
/// text is given back as it is, behind the prefixes (plain output for pipes).
public struct TextWrapper: Sendable {
    /// The width to fill, in columns; nil for no wrapping.
    public var width: Int?

    /// A wrapper for `width` columns.
    ///
    /// - Parameter width: the width in columns, nil for no wrapping.
    public init(width: Int?) { self.width = width }

    /// The lines of `text` fitted to the width.
    ///
    /// - Parameters:
    ///   - text: the text; `\n` separates lines.
    ///   - indent: what the first line starts with (e.g. `"  A) "`).
    ///   - hanging: what every later line starts with; spaces as wide as `indent` when nil.
    /// - Returns: the lines, without line ends; none wider than the width unless a single word,
    ///   or a prefix, is.
    public func lines(_ text: String, indent: String = "", hanging: String? = nil) -> [String] {
        let rest = hanging ?? String(repeating: " ", count: DisplayWidth.of(indent))
        let sourceLines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { Self.expandingTabs(String($0)).trimmingTrailingWhitespace() }
        guard let width else {
            var start = 0, end = sourceLines.count
            while start < end, sourceLines[start].isEmpty { start += 1 }
            while end > start, sourceLines[end - 1].isEmpty { end -= 1 }
            return sourceLines[start..<end].enumerated().map { index, line in
                line.isEmpty ? "" : (index == 0 ? indent : rest) + line
            }
        }
        var output: [String] = []
        for block in Self.blocks(sourceLines) {
            let prefix = output.isEmpty ? indent : rest
            switch block {
            case .blank:
                output.append("")
            case .paragraph(let text):
                output += Self.fill(text, first: prefix, rest: rest, width: width)
            case .item(let lead, let marker, let text):
                let pad = String(repeating: " ", count: lead)
                let under = rest + pad + String(repeating: " ", count: DisplayWidth.of(marker) + 1)
                output += Self.fill(text, first: prefix + pad + marker + " ", rest: under, width: width)
            case .code(let line):
                output += Self.cut(line, first: prefix, rest: rest, width: width)
            }
        }
        return output
    }

    /// A block of text: what the conventions above distinguish.
    enum Block: Equatable {
        case blank
        case paragraph(String)
        case item(lead: Int, marker: String, text: String)
        case code(String)
    }

    static func blocks(_ lines: [String]) -> [Block] {
        var blocks: [Block] = []
        for line in lines {
            if line.isEmpty {
                if let last = blocks.last, last != .blank { blocks.append(.blank) }
                continue
            }
            let lead = line.prefix { $0 == " " }.count
            let body = String(line.dropFirst(lead))
            if lead >= 4 {
                blocks.append(.code(line))
            } else if let (marker, text) = listMarker(body) {
                blocks.append(.item(lead: lead, marker: marker, text: text))
            } else if case .paragraph(let text)? = blocks.last {
                blocks[blocks.count - 1] = .paragraph(text + " " + body)
            } else if case .item(let itemLead, let marker, let text)? = blocks.last {
                blocks[blocks.count - 1] = .item(lead: itemLead, marker: marker, text: text + " " + body)
            } else {
                blocks.append(.paragraph(body))
            }
        }
        while blocks.last == .blank { blocks.removeLast() }
        return blocks
    }

    /// The list marker `line` starts with, and the text after it.
    static func listMarker(_ line: String) -> (String, String)? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let marker = String(line[..<space])
        let text = line[space...].drop { $0 == " " }
        guard !text.isEmpty else { return nil }
        let isMarker: Bool
        switch marker {
        case "-", "*", "•", "–":
            isMarker = true
        default:
            let inner = marker.hasPrefix("(") && marker.hasSuffix(")") && marker.count >= 3 ? marker.dropFirst().dropLast() : nil
            if let inner {
                isMarker = (inner.count <= 3 && inner.allSatisfy(\.isNumber)) || (inner.count <= 4 && inner.allSatisfy { $0.isLetter && $0.isLowercase })
            } else if let last = marker.last, last == "." || last == ")" {
                let head = marker.dropLast()
                isMarker = (!head.isEmpty && head.count <= 3 && head.allSatisfy { $0.isASCII && $0.isNumber })
                    || (last == ")" && head.count == 1 && head.allSatisfy { $0.isASCII && $0.isLetter })
            } else {
                isMarker = false
            }
        }
        return isMarker ? (marker, String(text)) : nil
    }

    /// Greedy filling of words into lines of `width` columns.
    static func fill(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = first, used = DisplayWidth.of(first), empty = true
        func breakLine() {
            lines.append(line)
            line = rest
            used = DisplayWidth.of(rest)
            empty = true
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let size = DisplayWidth.of(word)
            if !empty {
                if used + 1 + size <= width {
                    line += " " + word
                    used += 1 + size
                    continue
                }
                breakLine()
            }
            if used + size <= width {
                line += word
                used += size
                empty = false
                continue
            }
            // Wider than a whole line: the only case where a word is split.
            for character in word {
                let columns = DisplayWidth.of(character)
                if !empty, used + columns > width { breakLine() }
                line.append(character)
                used += columns
                empty = false
            }
        }
        if !empty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A code line cut into pieces of `width` columns, continued after `↪ `.
    static func cut(_ line: String, first: String, rest: String, width: Int) -> [String] {
        let lead = String(line.prefix { $0 == " " })
        let continuation = rest + lead + "↪ "
        var pieces: [String] = []
        var current = first, used = DisplayWidth.of(first), placed = 0
        for character in line {
            let columns = DisplayWidth.of(character)
            if placed > 0, used + columns > width {
                pieces.append(current.trimmingTrailingWhitespace())
                current = continuation
                used = DisplayWidth.of(continuation)
                placed = 0
                if character == " " { continue }
            }
            current.append(character)
            used += columns
            placed += 1
        }
        pieces.append(current.trimmingTrailingWhitespace())
        return pieces
    }

    static func expandingTabs(_ line: String) -> String {
        guard line.contains("\t") else { return line }
        var result = ""
        for character in line {
            if character == "\t" {
                result += String(repeating: " ", count: 4 - DisplayWidth.of(result) % 4)
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    /// The string without spaces, tabs and carriage returns at its end.
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" || last == "\r" { copy.removeLast() }
        return copy
    }
}
