extension String {
    /// The text without leading and trailing white space and line breaks, exactly as
    /// Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` (Unicode's White_Space
    /// scalars and U+200B ZERO WIDTH SPACE) but without Foundation, whose trimming copies the text
    /// to UTF-16 first, a cost that showed in every item a large import checks.
    var trimmingWhitespace: String {
        trimming { $0.properties.isWhitespace || $0.value == 0x200B }
    }

    /// The text without leading and trailing blanks, exactly as Foundation's
    /// `trimmingCharacters(in: .whitespaces)` (Unicode's space separators, category Zs, the tab
    /// U+0009 and, in this Foundation, U+200B ZERO WIDTH SPACE; not line breaks), without
    /// Foundation's copy to UTF-16: the outcomes import trims seven fields a row, and that copy
    /// was 58% of its CPU.
    public var trimmingBlanks: String { trimming(where: Self.isBlank) }

    /// Whether ``trimmingBlanks`` removes the scalar: a tab, U+200B or a space separator (Zs);
    /// StringBlanksTests compares this with Foundation's set for every scalar.
    public static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || value == 0x09 }
        return value == 0x200B || scalar.properties.generalCategory == .spaceSeparator
    }

    /// The text without the leading and trailing scalars `isTrimmed` names (each a kind of
    /// space, so never a visible ASCII character).
    private func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        // Text that starts and ends with a visible ASCII character is its own trimmed form.
        if let head = utf8.first, let tail = utf8.last, head > 0x20, head < 0x7F, tail > 0x20, tail < 0x7F { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
              let last = scalars.lastIndex(where: { !isTrimmed($0) }) else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
