/// A stretch of GIFT source as escape-resolved units, remembering where it was written.
struct GIFTText: Sendable {
    /// The units, in order.
    var units: [GIFTUnit]
    /// Where the text is, even when it is empty.
    var anchor: GIFTPosition

    /// The number of units.
    var count: Int { units.count }

    /// Whether the text holds nothing but whitespace.
    var isBlank: Bool { units.allSatisfy(\.character.isWhitespace) }

    /// The text as a string (escapes resolved).
    var string: String { String(units.map(\.character)) }

    /// Where the text's first unit is, or its anchor when empty.
    var position: GIFTPosition { units.first?.position ?? anchor }

    /// The units in `range`, anchored at the range's start.
    subscript(range: Range<Int>) -> GIFTText {
        let lower = min(max(range.lowerBound, 0), units.count)
        let upper = min(max(range.upperBound, lower), units.count)
        let anchor: GIFTPosition
        if lower < units.count {
            anchor = units[lower].position
        } else if let last = units.last {
            anchor = last.position
        } else {
            anchor = self.anchor
        }
        return GIFTText(units: Array(units[lower..<upper]), anchor: anchor)
    }

    /// The units from `index` to the end.
    func suffix(from index: Int) -> GIFTText { self[index..<units.count] }

    /// The units before `index`.
    func prefix(upTo index: Int) -> GIFTText { self[0..<index] }

    /// The text without leading and trailing whitespace.
    func trimmed() -> GIFTText {
        guard let first = units.firstIndex(where: { !$0.character.isWhitespace }),
              let last = units.lastIndex(where: { !$0.character.isWhitespace })
        else { return GIFTText(units: [], anchor: position) }
        return self[first..<(last + 1)]
    }

    /// Whether the unit at `index` is the unescaped syntax character `syntax`.
    func isSyntax(_ syntax: Character, at index: Int) -> Bool {
        index >= 0 && index < units.count && units[index].isSyntax(syntax)
    }

    /// The first index at or after `start` where `pattern` is written with unescaped characters.
    func firstIndex(ofSyntax pattern: String, from start: Int = 0) -> Int? {
        let needle = Array(pattern)
        guard !needle.isEmpty, needle.count <= units.count else { return nil }
        var index = max(start, 0)
        while index + needle.count <= units.count {
            var matches = true
            for offset in 0..<needle.count where !units[index + offset].isSyntax(needle[offset]) {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }

    /// The last index where `pattern` is written with unescaped characters.
    func lastIndex(ofSyntax pattern: String) -> Int? {
        let needle = Array(pattern)
        guard !needle.isEmpty, needle.count <= units.count else { return nil }
        var index = units.count - needle.count
        while index >= 0 {
            if needle.indices.allSatisfy({ units[index + $0].isSyntax(needle[$0]) }) { return index }
            index -= 1
        }
        return nil
    }

    /// Whether the text holds the unescaped character `syntax`.
    func contains(syntax: Character) -> Bool { units.contains { $0.isSyntax(syntax) } }

    /// Whether the text starts with the unescaped characters of `pattern`.
    func hasSyntaxPrefix(_ pattern: String) -> Bool {
        let needle = Array(pattern)
        guard needle.count <= units.count else { return false }
        return needle.indices.allSatisfy { units[$0].isSyntax(needle[$0]) }
    }

    /// The text split at every unescaped `separator`, separators removed.
    func split(atSyntax separator: Character) -> [GIFTText] {
        var parts: [GIFTText] = []
        var start = 0
        for index in units.indices where units[index].isSyntax(separator) {
            parts.append(self[start..<index])
            start = index + 1
        }
        parts.append(suffix(from: start))
        return parts
    }

    /// Literal text, every unit unescaped, placed at `position`.
    static func literal(_ string: String, at position: GIFTPosition) -> GIFTText {
        GIFTText(units: string.map { GIFTUnit(character: $0, isEscaped: true, position: position) }, anchor: position)
    }

    /// The concatenation of two texts, anchored at the first.
    static func + (lhs: GIFTText, rhs: GIFTText) -> GIFTText {
        GIFTText(units: lhs.units + rhs.units, anchor: lhs.anchor)
    }
}
