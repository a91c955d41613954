/// How long a candidate's answer may be and which characters it may hold.
///
/// The service refuses an answer or a draft outside these bounds (bad input, nothing saved); the
/// terminal prompt checks the same bounds first, so that the candidate is asked again with the
/// reason instead of losing what they typed. A short answer (and any other one-line answer) is
/// at most ``lineCharacters`` characters; an essay at most its item's `max_words` (default
/// ``essayWords``) and ``essayCharacters`` characters. NUL and the other control characters are
/// refused everywhere, except newline and tab in an essay.
public enum AnswerLimits {
    /// The longest one-line answer (a short answer, a number, letters), in characters.
    public static let lineCharacters = 1_000
    /// The longest essay, in characters.
    public static let essayCharacters = 20_000
    /// An essay's word limit when its item sets none.
    public static let essayWords = 1_000

    /// The word limit of an essay whose item says `maxWords`.
    ///
    /// - Parameter maxWords: the item's limit, if any.
    /// - Returns: `maxWords`, or ``essayWords``.
    public static func essayWordLimit(_ maxWords: Int?) -> Int { maxWords ?? essayWords }

    /// The number of words in `text`: runs of characters between whitespace.
    ///
    /// - Parameter text: the text.
    /// - Returns: how many words it holds.
    public static func words(in text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// The first character of `text` that an answer may not hold: a control character (NUL
    /// included) other than tab, and other than newline when `multiline`.
    ///
    /// - Parameters:
    ///   - text: the text.
    ///   - multiline: whether newlines are allowed (essays).
    /// - Returns: the offending scalar, or nil when there is none.
    public static func forbiddenCharacter(in text: String, multiline: Bool) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            guard scalar.properties.generalCategory == .control else { return false }
            return !(scalar == "\t" || (multiline && scalar == "\n"))
        }
    }

    /// Why `text` cannot be saved as an answer (or a draft) to a question of `kind`, or nil.
    ///
    /// - Parameters:
    ///   - text: the answer as typed (an essay's lines joined by newlines).
    ///   - kind: the question's kind.
    ///   - maxWords: an essay's word limit from its item.
    /// - Returns: a sentence saying what is wrong, or nil when the text fits.
    public static func problem(with text: String, kind: CandidateQuestion.Kind, maxWords: Int?) -> String? {
        let essay = kind == .essay
        if let scalar = forbiddenCharacter(in: text, multiline: essay) {
            return "the answer holds a control character (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))), which cannot be saved"
        }
        let characters = text.count
        if essay {
            if characters > essayCharacters {
                return "the answer is \(characters) characters long; the limit is \(essayCharacters)"
            }
            let words = words(in: text), limit = essayWordLimit(maxWords)
            if words > limit { return "the answer is \(words) words long; the limit is \(limit)" }
        } else if characters > lineCharacters {
            return "the answer is \(characters) characters long; the limit is \(lineCharacters)"
        }
        return nil
    }
}

extension String {
    /// The string with zeros in front up to `width` characters (for U+XXXX code points).
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
