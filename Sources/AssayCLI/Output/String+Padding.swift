extension String {
    /// How many terminal columns the text takes: a wide character (CJK ideographs, Hangul,
    /// kana, full-width forms, emoji) takes two, combining marks and joiners take none (they
    /// belong to the character before them), everything else one.
    ///
    /// Counted per grapheme cluster, so `"é"` written as `e` + a combining accent is one column
    /// and a flag or a family emoji is two. Controls are not expected: text from outside goes
    /// through `visibleSafe` first, which writes them as visible escapes.
    var displayWidth: Int {
        var width = 0
        for character in self {
            width += character.displayWidth
        }
        return width
    }

    /// The string left-aligned in `width` columns (by ``displayWidth``), padded with spaces on
    /// the right; unchanged when it is already that wide or wider.
    func padded(_ width: Int) -> String {
        let missing = width - displayWidth
        return missing > 0 ? self + String(repeating: " ", count: missing) : self
    }

    /// The string right-aligned in `width` columns (by ``displayWidth``).
    func leftPadded(_ width: Int) -> String {
        let missing = width - displayWidth
        return missing > 0 ? String(repeating: " ", count: missing) + self : self
    }

    /// The string cut to at most `width` columns, ending in `…` when it was cut.
    func truncated(_ width: Int) -> String {
        guard displayWidth > width, width >= 1 else { return self }
        var result = ""
        var used = 0
        for character in self {
            let next = character.displayWidth
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }
}

extension Character {
    /// Terminal columns of one grapheme cluster: 2 for wide and emoji-presentation characters,
    /// 0 for a cluster of only zero-width scalars, else 1.
    var displayWidth: Int {
        guard let first = unicodeScalars.first else { return 0 }
        if unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
        // An emoji written with a variation selector-16 shows as an emoji.
        if unicodeScalars.contains(where: { $0.value == 0xFE0F }), first.properties.isEmoji { return 2 }
        if Self.isWide(first.value) { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            return 1
        }
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, UAX #11), as terminals draw them.
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
             0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default:
            false
        }
    }
}
