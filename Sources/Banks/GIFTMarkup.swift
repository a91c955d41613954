/// GIFT's text formats, chosen by a leading marker such as `[html]`; Moodle's own format is the
/// default.
enum GIFTMarkup: String, Sendable, CaseIterable {
    /// `[html]`: rendered as HTML; converted to plain text on import.
    case html
    /// `[markdown]`: kept as written, but HTML comments, styles and scripts are removed.
    case markdown
    /// `[plain]`: shown exactly as written.
    case plain
    /// `[moodle]`: Moodle's auto-format, the default: HTML is allowed and a newline breaks the
    /// line; text with markup is converted to plain text, text without is kept as written.
    case moodle

    /// The format marker at the start of `text` (after whitespace), with the text after it and
    /// the marker's position; `nil` format when the text has no marker.
    static func split(_ text: GIFTText) -> (markup: GIFTMarkup?, text: GIFTText, position: GIFTPosition) {
        let trimmed = text.trimmed()
        guard trimmed.hasSyntaxPrefix("[") else { return (nil, trimmed, trimmed.position) }
        for markup in allCases {
            let marker = "[\(markup.rawValue)]"
            if trimmed.hasSyntaxPrefix(marker) {
                return (markup, trimmed.suffix(from: marker.count), trimmed.position)
            }
        }
        return (nil, trimmed, trimmed.position)
    }

    /// `text` in this format as the plain text a candidate reads, and the media it left out.
    func plainText(_ text: String) -> HTMLText.Result {
        let trimmed = String(GIFTMarkup.trimmed(text))
        switch self {
        case .plain:
            return HTMLText.Result(text: trimmed, media: [])
        case .markdown:
            return HTMLText.Result(text: String(GIFTMarkup.trimmed(HTMLText.removingHiddenParts(trimmed))), media: [])
        case .moodle:
            guard HTMLText.looksLikeHTML(trimmed) else { return HTMLText.Result(text: trimmed, media: []) }
            return HTMLText.plainText(trimmed, newlinesAreBreaks: true)
        case .html:
            return HTMLText.plainText(trimmed, newlinesAreBreaks: false)
        }
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: some StringProtocol) -> Substring {
        let string = Substring(text)
        // Text that starts and ends with a visible ASCII character is its own trimmed form.
        if let head = string.utf8.first, let tail = string.utf8.last, head > 0x20, head < 0x7F, tail > 0x20, tail < 0x7F { return string }
        guard let first = string.firstIndex(where: { !$0.isWhitespace }),
              let last = string.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return string[first...last]
    }
}
