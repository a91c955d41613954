/// A short-answer pattern in Moodle's wildcard syntax: `*` stands for any run of characters
/// (also none), `\*` for a literal asterisk; everything else stands for itself.
///
/// Matching is anchored at both ends and done after ``TextNormalizer`` on both the pattern and
/// the answer, so `"heart *"` accepts `"Heart  Attack"` but not `"heart"`. Several `*` in a row
/// count as one, as in Moodle (`qtype_shortanswer_question::compare_string_with_wildcard`).
public struct WildcardPattern: Sendable, Hashable {
    /// The literal pieces between the wildcards, normalized; `pieces.count − 1` wildcards.
    public let pieces: [String]

    /// Reads a pattern.
    ///
    /// - Parameters:
    ///   - pattern: the pattern as written in the bank (or in GIFT).
    public init(_ pattern: String) {
        let normalized = TextNormalizer.normalize(pattern)
        var pieces: [String] = []
        var current = ""
        var afterWildcard = false
        var characters = normalized[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "\\", characters.first == "*" {
                current.append("*")
                characters = characters.dropFirst()
                afterWildcard = false
            } else if character == "*" {
                if !afterWildcard {
                    pieces.append(current)
                    current = ""
                }
                afterWildcard = true
            } else {
                current.append(character)
                afterWildcard = false
            }
        }
        pieces.append(current)
        self.pieces = pieces
    }

    /// Whether the pattern holds a wildcard (else it matches one text only).
    public var hasWildcard: Bool { pieces.count > 1 }

    /// Whether the pattern accepts every answer (it is nothing but wildcards).
    public var matchesEverything: Bool { hasWildcard && pieces.allSatisfy(\.isEmpty) }

    /// Whether `answer`, after normalization, matches the whole pattern.
    ///
    /// - Parameters:
    ///   - answer: the answer as typed.
    /// - Returns: true on a match.
    public func matches(_ answer: String) -> Bool {
        let text = Array(TextNormalizer.normalize(answer))
        let pieces = self.pieces.map(Array.init)
        guard let first = pieces.first, let last = pieces.last else { return text.isEmpty }
        if pieces.count == 1 { return text == first }
        guard text.count >= first.count + last.count,
              text.starts(with: first), text.suffix(last.count).elementsEqual(last) else { return false }
        // The middle pieces in order, each as early as possible, between the prefix and the suffix.
        var position = first.count
        let end = text.count - last.count
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = Self.firstIndex(of: piece, in: text, from: position, before: end) else { return false }
            position = found + piece.count
        }
        return true
    }

    private static func firstIndex(of piece: [Character], in text: [Character], from start: Int, before end: Int) -> Int? {
        guard piece.count <= end - start else { return nil }
        var index = start
        while index + piece.count <= end {
            if text[index..<(index + piece.count)].elementsEqual(piece) { return index }
            index += 1
        }
        return nil
    }
}
