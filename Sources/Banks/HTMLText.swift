internal import Foundation

/// HTML as plain text: what a candidate at a terminal should read where Moodle would render the
/// markup.
///
/// Paragraphs, headings, block quotes and tables are separated by a blank line; `<br>` and table
/// rows break lines (cells joined by ` | `); list items become `- item` or `1. item` lines,
/// indented two spaces a level; `<pre>` keeps its text and white space exactly; `<sup>`/`<sub>`
/// become Unicode super- and subscripts where every character has one (else `^(…)`, `_(…)`); a
/// link whose address differs from its text keeps the address in brackets; images and other
/// media become `[image: alt text]` (and are listed, since the bank cannot show them). Comments,
/// `<style>`, `<script>`, `<head>` and `<title>` are dropped with their content; every other tag
/// is removed and its text kept. Named and numeric character references are decoded.
enum HTMLText {
    /// The text and the media it had to leave out.
    struct Result: Sendable, Hashable {
        /// The plain text.
        var text: String
        /// One description per image, video, audio or embedded object, in order.
        var media: [String]
    }

    /// Whether `text` holds anything HTML would render differently from plain text: a tag, a
    /// comment or a character reference.
    static func looksLikeHTML(_ text: String) -> Bool {
        // Most texts have neither '<' nor '&': no need to split them into characters.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return false }
        let characters = Array(text)
        for (index, character) in characters.enumerated() where index + 1 < characters.count {
            let next = characters[index + 1]
            if character == "<", next.isLetter || next == "/" || next == "!" { return true }
            if character == "&", next.isLetter || next == "#" {
                if let semicolon = characters[(index + 1)...].prefix(12).firstIndex(of: ";"),
                   decodeReference(String(characters[(index + 1)..<semicolon])) != nil {
                    return true
                }
            }
        }
        return false
    }

    /// Converts HTML to plain text.
    ///
    /// - Parameters:
    ///   - html: the markup.
    ///   - newlinesAreBreaks: whether a newline in the source breaks the line (Moodle's own
    ///     format) rather than being white space (HTML).
    static func plainText(_ html: String, newlinesAreBreaks: Bool) -> Result {
        var writer = Writer(newlinesAreBreaks: newlinesAreBreaks)
        let characters = Array(html)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "<", let tag = Tag.read(characters, at: index) {
                index = tag.end
                writer.handle(tag, characters: characters, index: &index)
            } else if character == "&", let (decoded, end) = reference(characters, at: index) {
                writer.text(decoded)
                index = end
            } else {
                writer.text(character)
                index += 1
            }
        }
        return Result(text: writer.finish(), media: writer.media)
    }

    // MARK: Tags

    /// One tag, comment or declaration in the source.
    struct Tag {
        /// Lower-cased element name; empty for comments and declarations.
        var name: String
        /// Whether it is a closing tag.
        var isClosing: Bool
        /// The attributes, names lower-cased.
        var attributes: [String: String]
        /// The index after its `>`.
        var end: Int

        /// The tag starting at `start` (a `<`), or nil when `<` does not start one (then it is text).
        static func read(_ characters: [Character], at start: Int) -> Tag? {
            var index = start + 1
            guard index < characters.count else { return nil }
            if characters[index] == "!" {
                if characters[index...].starts(with: "!--") {
                    // A comment runs to the next -->, or to the end.
                    var scan = index + 3
                    while scan + 2 < characters.count, !(characters[scan] == "-" && characters[scan + 1] == "-" && characters[scan + 2] == ">") { scan += 1 }
                    return Tag(name: "", isClosing: false, attributes: [:], end: min(scan + 3, characters.count))
                }
                guard let close = characters[index...].firstIndex(of: ">") else { return nil }
                return Tag(name: "", isClosing: false, attributes: [:], end: close + 1)
            }
            if characters[index] == "?" {
                guard let close = characters[index...].firstIndex(of: ">") else { return nil }
                return Tag(name: "", isClosing: false, attributes: [:], end: close + 1)
            }
            var isClosing = false
            if characters[index] == "/" {
                isClosing = true
                index += 1
            }
            guard index < characters.count, characters[index].isASCII, characters[index].isLetter else { return nil }
            var name = ""
            while index < characters.count, characters[index].isASCII, characters[index].isLetter || characters[index].isNumber {
                name.append(characters[index])
                index += 1
            }
            var attributes: [String: String] = [:]
            while index < characters.count, characters[index] != ">" {
                if characters[index].isWhitespace || characters[index] == "/" {
                    index += 1
                    continue
                }
                var attribute = ""
                while index < characters.count, !characters[index].isWhitespace, !"=>/".contains(characters[index]) {
                    attribute.append(characters[index])
                    index += 1
                }
                if attribute.isEmpty { index += 1; continue }
                var value = ""
                if index < characters.count, characters[index] == "=" {
                    index += 1
                    if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                        let quote = characters[index]
                        index += 1
                        while index < characters.count, characters[index] != quote {
                            value.append(characters[index])
                            index += 1
                        }
                        index += 1
                    } else {
                        while index < characters.count, !characters[index].isWhitespace, characters[index] != ">" {
                            value.append(characters[index])
                            index += 1
                        }
                    }
                }
                attributes[attribute.lowercased()] = decodingReferences(value)
            }
            guard index < characters.count else { return nil }
            return Tag(name: name.lowercased(), isClosing: isClosing, attributes: attributes, end: index + 1)
        }
    }

    /// Elements whose content is never shown.
    static let hiddenElements: Set<String> = ["style", "script", "head", "title", "template", "noscript"]
    /// Elements that stand on their own paragraph.
    static let paragraphElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "section", "article", "header", "footer",
        "figure", "figcaption", "form", "fieldset", "address", "dl", "hr", "main", "nav", "aside", "details", "summary", "caption",
    ]
    /// Elements that show media the bank cannot hold, and how they are named in the text.
    static let mediaElements: [String: String] = ["img": "image", "video": "video", "audio": "audio", "iframe": "embedded page",
                                                  "object": "embedded object", "embed": "embedded object", "svg": "drawing", "math": "formula"]

    // MARK: The writer

    /// Builds the text: collapses white space, places line and paragraph breaks, writes list
    /// markers.
    struct Writer {
        let newlinesAreBreaks: Bool
        var output = ""
        var media: [String] = []
        private var pendingSpace = false
        private var pendingBreaks = 0
        private var preformatted = 0
        private var lists: [(ordered: Bool, count: Int)] = []
        private var cellsInRow = 0
        private var captures: [(name: String, start: Int, href: String?)] = []

        init(newlinesAreBreaks: Bool) { self.newlinesAreBreaks = newlinesAreBreaks }

        mutating func text(_ character: Character) {
            if preformatted > 0 {
                flushBreaks()
                output.append(character)
                return
            }
            if character.isWhitespace {
                if newlinesAreBreaks, character == "\n" || character == "\r\n" {
                    pendingBreaks = min(2, pendingBreaks + 1)
                } else {
                    pendingSpace = true
                }
                return
            }
            flushBreaks()
            if pendingSpace, let last = output.last, !last.isWhitespace { output.append(" ") }
            pendingSpace = false
            output.append(character)
        }

        mutating func text(_ string: String) {
            for character in string { text(character) }
        }

        private mutating func flushBreaks() {
            guard pendingBreaks > 0 else { return }
            if !output.isEmpty {
                trimTrailingSpaces()
                output.append(pendingBreaks >= 2 ? "\n\n" : "\n")
            }
            pendingBreaks = 0
            pendingSpace = false
        }

        private mutating func trimTrailingSpaces() {
            while let last = output.last, last == " " || last == "\t" { output.removeLast() }
        }

        private mutating func requestBreak(_ count: Int) {
            pendingBreaks = max(pendingBreaks, count)
            pendingSpace = false
        }

        mutating func handle(_ tag: Tag, characters: [Character], index: inout Int) {
            let name = tag.name
            if name.isEmpty { return }
            if HTMLText.hiddenElements.contains(name), !tag.isClosing {
                index = Self.endOfElement(name, characters: characters, from: index)
                return
            }
            if let kind = HTMLText.mediaElements[name] {
                guard !tag.isClosing else { return }
                let alt = (tag.attributes["alt"] ?? tag.attributes["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                let description = alt.isEmpty ? "[\(kind)]" : "[\(kind): \(alt)]"
                media.append(description)
                text(description)
                if ["video", "audio", "object", "svg", "math", "iframe"].contains(name) {
                    index = Self.endOfElement(name, characters: characters, from: index)
                }
                return
            }
            switch name {
            case "br":
                trimTrailingSpaces()
                output.append("\n")
                pendingSpace = false
            case "pre":
                requestBreak(2)
                preformatted = max(0, preformatted + (tag.isClosing ? -1 : 1))
                if !tag.isClosing, index < characters.count, characters[index] == "\n" { index += 1 }  // HTML drops it
            case "ul", "ol":
                if tag.isClosing {
                    if !lists.isEmpty { lists.removeLast() }
                    requestBreak(lists.isEmpty ? 2 : 1)
                } else {
                    requestBreak(lists.isEmpty ? 2 : 1)
                    lists.append((ordered: name == "ol", count: 0))
                }
            case "li":
                requestBreak(1)
                guard !tag.isClosing else { return }
                flushBreaks()
                if !output.isEmpty, output.last != "\n" { output.append("\n") }
                let depth = max(lists.count, 1)
                var marker = "- "
                if let last = lists.last, last.ordered {
                    lists[lists.count - 1].count += 1
                    marker = "\(lists[lists.count - 1].count). "
                }
                output.append(String(repeating: "  ", count: depth - 1) + marker)
                pendingSpace = false
            case "tr":
                requestBreak(1)
                cellsInRow = 0
            case "td", "th":
                guard !tag.isClosing else { return }
                if cellsInRow > 0 {
                    trimTrailingSpaces()
                    output.append(" | ")
                    pendingSpace = false
                }
                cellsInRow += 1
            case "dt", "dd":
                requestBreak(1)
            case "sup", "sub", "a":
                if tag.isClosing {
                    closeCapture(name)
                } else {
                    flushBreaks()
                    if pendingSpace, let last = output.last, !last.isWhitespace { output.append(" ") }
                    pendingSpace = false
                    captures.append((name, output.utf8.count, name == "a" ? tag.attributes["href"] : nil))
                }
            default:
                if HTMLText.paragraphElements.contains(name) { requestBreak(2) }
            }
        }

        /// Rewrites what a `<sup>`, `<sub>` or `<a>` enclosed.
        private mutating func closeCapture(_ name: String) {
            guard let position = captures.lastIndex(where: { $0.name == name }) else { return }
            let capture = captures[position]
            captures.removeSubrange(position...)
            guard capture.start <= output.utf8.count else { return }
            let start = output.utf8.index(output.startIndex, offsetBy: capture.start)
            let inner = String(output[start...])
            switch name {
            case "sup", "sub":
                let replaced = HTMLText.script(inner, superscript: name == "sup")
                output.replaceSubrange(start..., with: replaced)
            default:
                if let href = capture.href?.trimmingCharacters(in: .whitespacesAndNewlines),
                   href.hasPrefix("http://") || href.hasPrefix("https://"), href != inner.trimmingCharacters(in: .whitespacesAndNewlines) {
                    output.append(" (\(href))")
                }
            }
        }

        /// The index after the end tag of `name`, or the end of the text.
        static func endOfElement(_ name: String, characters: [Character], from start: Int) -> Int {
            var index = start
            while index < characters.count {
                if characters[index] == "<", let tag = Tag.read(characters, at: index), tag.isClosing, tag.name == name { return tag.end }
                index += 1
            }
            return characters.count
        }

        /// The text: lines without trailing spaces, at most one blank line in a row, none at
        /// either end.
        mutating func finish() -> String {
            var lines: [Substring] = []
            for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = line
                while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
                if line.isEmpty, lines.last?.isEmpty ?? true { continue }
                lines.append(line)
            }
            while lines.last?.isEmpty == true { lines.removeLast() }
            return lines.joined(separator: "\n")
        }
    }

    /// `text` without HTML comments and the content of `<style>`, `<script>` and the like, the
    /// rest untouched (Markdown shows raw HTML as HTML, so these are invisible there too).
    static func removingHiddenParts(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "<", let tag = Tag.read(characters, at: index) {
                if tag.name.isEmpty, characters[(index + 1)...].starts(with: "!--") {
                    index = tag.end
                    continue
                }
                if hiddenElements.contains(tag.name), !tag.isClosing {
                    index = Writer.endOfElement(tag.name, characters: characters, from: tag.end)
                    continue
                }
            }
            result.append(characters[index])
            index += 1
        }
        return result
    }

    // MARK: Scripts and references

    private static let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
        "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", "n": "ⁿ", "i": "ⁱ",
    ]
    private static let subscripts: [Character: Character] = [
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
        "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎",
    ]

    /// `text` as super- or subscript characters, or `^(text)` / `_(text)` when one has none.
    static func script(_ text: String, superscript: Bool) -> String {
        let table = superscript ? superscripts : subscripts
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ table[$0] != nil }) { return String(trimmed.compactMap { table[$0] }) }
        if trimmed.isEmpty { return "" }
        return (superscript ? "^(" : "_(") + trimmed + ")"
    }

    static let namedReferences: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ", "thinsp": " ",
        "ndash": "–", "mdash": "—", "hellip": "…", "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”",
        "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "bull": "•", "middot": "·", "times": "×",
        "divide": "÷", "minus": "−", "plusmn": "±", "deg": "°", "micro": "µ", "para": "¶", "sect": "§", "copy": "©",
        "reg": "®", "trade": "™", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "le": "≤", "ge": "≥", "ne": "≠",
        "asymp": "≈", "equiv": "≡", "infin": "∞", "sum": "∑", "prod": "∏", "radic": "√", "part": "∂", "int": "∫",
        "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔", "rArr": "⇒", "lArr": "⇐", "hArr": "⇔",
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ", "lambda": "λ", "mu": "μ",
        "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Delta": "Δ", "Sigma": "Σ", "Omega": "Ω", "Pi": "Π", "Theta": "Θ", "Lambda": "Λ", "Phi": "Φ", "Gamma": "Γ",
        "sup1": "¹", "sup2": "²", "sup3": "³", "frac12": "½", "frac14": "¼", "frac34": "¾", "iexcl": "¡", "iquest": "¿",
        "shy": "", "zwj": "\u{200D}", "zwnj": "\u{200C}",
    ]

    /// The character reference starting at `start` (an `&`) and the index after its `;`.
    static func reference(_ characters: [Character], at start: Int) -> (String, Int)? {
        guard let semicolon = characters[(start + 1)...].prefix(12).firstIndex(of: ";") else { return nil }
        guard let decoded = decodeReference(String(characters[(start + 1)..<semicolon])) else { return nil }
        return (decoded, semicolon + 1)
    }

    /// HTML's names for the Latin-1 letters (`eacute`, `Ccedil`, `szlig` …), U+00C0 to U+00FF.
    static let latinLetters: [String: String] = {
        let names = [
            "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml",
            "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
            "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
        ]
        var table: [String: String] = ["OElig": "Œ", "oelig": "œ", "Yuml": "Ÿ"]
        for (offset, name) in names.enumerated() {
            guard let upper = Unicode.Scalar(0xC0 + offset), let lower = Unicode.Scalar(0xE0 + offset) else { continue }
            table[name] = String(Character(upper))
            // The lower-case letter's name starts lower-case (`eacute`, `aelig`, `eth`, `thorn`).
            if name != "times", name != "szlig" {
                let lowerName = name.count > 2 && name.dropFirst().first?.isUppercase == true ? name.lowercased() : name.prefix(1).lowercased() + name.dropFirst()
                table[lowerName] = String(Character(lower))
            }
        }
        table["divide"] = "÷"
        table["yuml"] = "ÿ"
        return table
    }()

    /// The text of a reference's name (`amp`, `#233`, `#xE9`), or nil when it is none.
    static func decodeReference(_ name: String) -> String? {
        if let named = namedReferences[name] ?? latinLetters[name] ?? namedReferences[name.lowercased()] { return named }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return String(Character(scalar))
    }

    /// `text` with its character references decoded.
    static func decodingReferences(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "&", let (decoded, end) = reference(characters, at: index) {
                result += decoded
                index = end
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        return result
    }
}
