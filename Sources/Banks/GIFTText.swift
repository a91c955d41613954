/// A stretch of GIFT source as escape-resolved units, remembering where it was written.
///
/// Parts of a text (``subscript(_:)``, ``prefix(upTo:)``, ``suffix(from:)``, ``trimmed()``)
/// share the text's storage: a question is split many times while it is converted, and copying
/// its units each time made conversion slow.
struct GIFTText: Sendable {
    /// The units, shared with the text this one was cut from.
    private var storage: ArraySlice<GIFTUnit>
    /// Where the text is, even when it is empty.
    var anchor: GIFTPosition

    /// A text of `units`.
    init(units: [GIFTUnit], anchor: GIFTPosition) {
        storage = units[...]
        self.anchor = anchor
    }

    private init(storage: ArraySlice<GIFTUnit>, anchor: GIFTPosition) {
        self.storage = storage
        self.anchor = anchor
    }

    /// The units, in order, indexed from 0.
    var units: GIFTUnits { GIFTUnits(base: storage) }

    /// The number of units.
    var count: Int { storage.count }

    /// Whether the text holds nothing but whitespace.
    var isBlank: Bool { storage.allSatisfy { $0.ascii != 0 ? Self.isASCIISpace($0.ascii) : $0.character.isWhitespace } }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    private static func isWhitespace(_ unit: GIFTUnit) -> Bool {
        unit.ascii != 0 ? isASCIISpace(unit.ascii) : unit.character.isWhitespace
    }

    /// The text as a string (escapes resolved).
    var string: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(storage.count)
        for unit in storage {
            if unit.ascii != 0 {
                bytes.append(unit.ascii)
            } else {
                bytes.append(contentsOf: unit.character.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where the text's first unit is, or its anchor when empty.
    var position: GIFTPosition { storage.first?.position ?? anchor }

    /// The units in `range` (offsets from 0), anchored at the range's start.
    subscript(range: Range<Int>) -> GIFTText {
        let lower = min(max(range.lowerBound, 0), storage.count)
        let upper = min(max(range.upperBound, lower), storage.count)
        let base = storage.startIndex
        let anchor: GIFTPosition
        if lower < storage.count {
            anchor = storage[base + lower].position
        } else if let last = storage.last {
            anchor = last.position
        } else {
            anchor = self.anchor
        }
        return GIFTText(storage: storage[(base + lower)..<(base + upper)], anchor: anchor)
    }

    /// The units from `index` to the end.
    func suffix(from index: Int) -> GIFTText { self[index..<storage.count] }

    /// The units before `index`.
    func prefix(upTo index: Int) -> GIFTText { self[0..<index] }

    /// The text without leading and trailing whitespace.
    func trimmed() -> GIFTText {
        guard let first = storage.firstIndex(where: { !Self.isWhitespace($0) }),
              let last = storage.lastIndex(where: { !Self.isWhitespace($0) })
        else { return GIFTText(storage: storage[storage.endIndex...], anchor: position) }
        return GIFTText(storage: storage[first...last], anchor: storage[first].position)
    }

    /// Whether the unit at `index` is the unescaped syntax character `syntax`.
    func isSyntax(_ syntax: Character, at index: Int) -> Bool {
        index >= 0 && index < storage.count && storage[storage.startIndex + index].isSyntax(syntax)
    }

    /// GIFT's syntax is ASCII: a pattern's bytes, compared with units' bytes.
    private static func needle(_ pattern: String) -> [UInt8] {
        precondition(pattern.utf8.allSatisfy { $0 < 0x80 }, "GIFT syntax is ASCII")
        return Array(pattern.utf8)
    }

    /// The first index at or after `start` where `pattern` is written with unescaped characters.
    func firstIndex(ofSyntax pattern: String, from start: Int = 0) -> Int? {
        let needle = Self.needle(pattern)
        let units = self.units
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
        let needle = Self.needle(pattern)
        let units = self.units
        guard !needle.isEmpty, needle.count <= units.count else { return nil }
        var index = units.count - needle.count
        while index >= 0 {
            if needle.indices.allSatisfy({ units[index + $0].isSyntax(needle[$0]) }) { return index }
            index -= 1
        }
        return nil
    }

    /// Whether the text holds the unescaped character `syntax`.
    func contains(syntax: Character) -> Bool {
        guard let byte = GIFTUnit.byte(of: syntax) else { return units.contains { $0.isSyntax(syntax) } }
        return units.contains { $0.isSyntax(byte) }
    }

    /// Whether the text starts with the unescaped characters of `pattern`.
    func hasSyntaxPrefix(_ pattern: String) -> Bool {
        let needle = Self.needle(pattern)
        let units = self.units
        guard needle.count <= units.count else { return false }
        return needle.indices.allSatisfy { units[$0].isSyntax(needle[$0]) }
    }

    /// The text split at every unescaped `separator`, separators removed.
    func split(atSyntax separator: Character) -> [GIFTText] {
        var parts: [GIFTText] = []
        var start = 0
        let byte = GIFTUnit.byte(of: separator)
        let units = self.units
        for index in units.indices where byte.map({ units[index].isSyntax($0) }) ?? units[index].isSyntax(separator) {
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
        GIFTText(units: Array(lhs.storage) + Array(rhs.storage), anchor: lhs.anchor)
    }
}

/// The units of a ``GIFTText``, indexed from 0 whatever part of a larger text they are.
struct GIFTUnits: RandomAccessCollection, Sendable {
    let base: ArraySlice<GIFTUnit>
    var startIndex: Int { 0 }
    var endIndex: Int { base.count }
    subscript(position: Int) -> GIFTUnit { base[base.startIndex + position] }
}
