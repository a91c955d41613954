/// GIFT's text formats, chosen by a leading marker such as `[html]`.
enum GIFTMarkup: String, Sendable, CaseIterable {
    /// `[html]`: tags are stripped and basic entities decoded on import.
    case html
    /// `[markdown]`: kept as written.
    case markdown
    /// `[plain]`: kept as written.
    case plain
    /// `[moodle]`: Moodle's auto-format, kept as written (GIFT's default).
    case moodle

    /// The format marker at the start of `text` (after whitespace), with the text after it and
    /// the marker's position; `nil` format when the text has no marker.
    static func split(_ text: GIFTText) -> (markup: GIFTMarkup?, text: GIFTText, position: GIFTPosition) {
        let trimmed = text.trimmed()
        for markup in allCases {
            let marker = "[\(markup.rawValue)]"
            if trimmed.hasSyntaxPrefix(marker) {
                return (markup, trimmed.suffix(from: marker.count), trimmed.position)
            }
        }
        return (nil, trimmed, trimmed.position)
    }

    /// Plain text from HTML: tags removed (`<br>` and block ends become line breaks), the basic
    /// entities and numeric character references decoded, lines trimmed.
    static func plainText(fromHTML html: String) -> String {
        let breakingTags: Set<String> = ["br", "br/", "/p", "/div", "/li", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "/tr", "/pre"]
        var text = ""
        var characters = Array(html)[...]
        while let character = characters.first {
            if character == "<" {
                guard let close = characters.firstIndex(of: ">") else {
                    text.append(contentsOf: characters)
                    break
                }
                let inside = String(characters[(characters.startIndex + 1)..<close]).lowercased()
                let name = String(inside.prefix { !$0.isWhitespace && $0 != ">" })
                if breakingTags.contains(name) || breakingTags.contains(name.replacingSlashSuffix()) { text.append("\n") }
                characters = characters[(close + 1)...]
            } else {
                text.append(character)
                characters = characters.dropFirst()
            }
        }
        let decoded = decodingEntities(text)
        let lines = decoded.split(separator: "\n", omittingEmptySubsequences: false).map { trimmed($0) }
        var result: [Substring] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) {
            result.append(line)
        }
        while result.last?.isEmpty == true { result.removeLast() }
        return result.joined(separator: "\n")
    }

    /// `text` with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, `&nbsp;` and numeric
    /// references (`&#233;`, `&#xE9;`) decoded; anything else left as written.
    static func decodingEntities(_ text: String) -> String {
        let named: [String: Character] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
        var result = ""
        var characters = Array(text)[...]
        while let character = characters.first {
            if character == "&", let semicolon = characters.prefix(12).firstIndex(of: ";") {
                let name = String(characters[(characters.startIndex + 1)..<semicolon])
                if let decoded = named[name.lowercased()] ?? numericReference(name) {
                    result.append(decoded)
                    characters = characters[(semicolon + 1)...]
                    continue
                }
            }
            result.append(character)
            characters = characters.dropFirst()
        }
        return result
    }

    private static func numericReference(_ name: String) -> Character? {
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value: UInt32?
        if digits.hasPrefix("x") || digits.hasPrefix("X") {
            value = UInt32(digits.dropFirst(), radix: 16)
        } else {
            value = UInt32(digits, radix: 10)
        }
        guard let value, let scalar = Unicode.Scalar(value) else { return nil }
        return Character(scalar)
    }
}

extension String {
    /// `br/` → `br`, for self-closing tags written without a space.
    fileprivate func replacingSlashSuffix() -> String { hasSuffix("/") ? String(dropLast()) : self }
}

extension GIFTMarkup {
    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: some StringProtocol) -> Substring {
        let string = Substring(text)
        guard let first = string.firstIndex(where: { !$0.isWhitespace }),
              let last = string.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return string[first...last]
    }
}
