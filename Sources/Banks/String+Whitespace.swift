extension String {
    /// The text without leading and trailing white space and line breaks, exactly as
    /// Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` (Unicode's White_Space
    /// scalars and U+200B ZERO WIDTH SPACE) but without Foundation, whose trimming copies the text
    /// to UTF-16 first, a cost that showed in every item a large import checks.
    var trimmingWhitespace: String {
        // Text that starts and ends with a visible ASCII character is its own trimmed form.
        if let head = utf8.first, let tail = utf8.last, head > 0x20, head < 0x7F, tail > 0x20, tail < 0x7F { return self }
        let scalars = unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || scalar.value == 0x200B }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
