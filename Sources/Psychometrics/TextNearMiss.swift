import Foundation

/// A short-text answer that no accepted answer matches but that is close to one: worth a
/// person's look rather than an automatic zero.
///
/// Both texts are compared after ``TextNormalizer``. An answer is a near miss of an accepted
/// answer when
/// - its edit distance to it (Damerau–Levenshtein: insertions, deletions, substitutions and
///   swaps of two neighbours, each costing 1) is at most 2, and at most a quarter of the
///   accepted answer's length (so that `"8"` is not a near miss of `"6"`, nor `"kg"` of `"kf"`:
///   a 1-to-3-character answer is never near; a 4-to-7-character one may be 1 edit away; a
///   longer one 2); or
/// - it contains the accepted answer as whole words (`"it is an excited utterance, as the
///   declarant was …"` contains `"excited utterance"`).
///
/// Only literal accepted answers are compared: a regular expression or a wildcard pattern has no
/// distance to speak of.
public struct TextNearMiss: Sendable, Hashable, Codable {
    /// How the answer is near the accepted answer.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Within the edit distance.
        case edits
        /// Contains it as whole words.
        case contains
    }

    /// The accepted answer it is near to, as written in the bank.
    public var accepted: String
    /// How it is near.
    public var kind: Kind
    /// The edit distance between the two normalized texts.
    public var distance: Int

    /// Creates a near miss.
    ///
    /// - Parameters:
    ///   - accepted: the accepted answer, as written in the bank.
    ///   - kind: how the answer is near it.
    ///   - distance: the edit distance between the normalized texts.
    public init(accepted: String, kind: Kind, distance: Int) {
        self.accepted = accepted
        self.kind = kind
        self.distance = distance
    }

    /// The most edits a near miss may be from an accepted answer.
    public static let maximumDistance = 2

    /// The closest accepted answer `given` is a near miss of, or nil when it is near none (or
    /// matches one exactly, which is a hit, not a miss).
    ///
    /// - Parameters:
    ///   - given: the answer as typed.
    ///   - accepted: the accepted answers as written in the bank.
    /// - Returns: the nearest accepted answer (fewest edits; containment counts after every edit
    ///   match), or nil.
    public static func find(_ given: String, accepted: [String]) -> TextNearMiss? {
        let answer = TextNormalizer.normalize(given)
        guard !answer.isEmpty else { return nil }
        let answerCharacters = Array(answer)
        var best: TextNearMiss?
        for text in accepted {
            let key = TextNormalizer.normalize(text)
            guard !key.isEmpty else { continue }
            if key == answer { return nil }
            let keyCharacters = Array(key)
            let allowed = min(maximumDistance, keyCharacters.count / 4)
            // Lengths that differ by more than the allowance cannot be within it.
            if abs(keyCharacters.count - answerCharacters.count) <= allowed {
                let distance = editDistance(answerCharacters, keyCharacters)
                if distance <= allowed, distance < (best.map { $0.kind == .edits ? $0.distance : Int.max } ?? Int.max) {
                    best = TextNearMiss(accepted: text, kind: .edits, distance: distance)
                }
            }
            if best == nil, containsWords(answer, key) {
                best = TextNearMiss(accepted: text, kind: .contains, distance: answerCharacters.count - keyCharacters.count)
            }
        }
        return best
    }

    /// Whether `phrase` occurs in `text` with a word boundary (start, end, or a character that
    /// is neither a letter nor a digit) on each side.
    static func containsWords(_ text: String, _ phrase: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: phrase, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !isWordCharacter(before), !isWordCharacter(after) { return true }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }

    private static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber
    }

    /// The optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of one
    /// substring): insertions, deletions, substitutions and swaps of two neighbours, each 1.
    ///
    /// - Parameters:
    ///   - a: one text, as characters.
    ///   - b: the other.
    /// - Returns: the number of edits.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
