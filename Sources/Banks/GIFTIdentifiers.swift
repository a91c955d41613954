internal import Foundation

/// Hands out item ids and topics for imported GIFT questions.
///
/// Ids match `^[a-z0-9][a-z0-9._-]{0,63}$` and are unique within one import: a title that is
/// already a valid id is kept, any other is slugified, an untitled question gets `<bankSlug>-001`, `<bankSlug>-002` …, and a taken id
/// gets `-2`, `-3` … appended.
struct GIFTIdentifiers {
    /// The longest id the bank format allows.
    static let maximumLength = 64

    private let bankSlug: String
    private var used: Set<String> = []
    private var untitledCount = 0
    /// For each base id that was taken, the suffix to try first next time: a file whose every
    /// question has the same title costs one lookup per question, not one per earlier question.
    private var nextSuffix: [String: Int] = [:]

    /// Creates an allocator for items of the bank `bankSlug`.
    init(bankSlug: String) {
        let slug = Self.slug(bankSlug)
        self.bankSlug = slug.isEmpty ? "item" : String(slug.prefix(Self.maximumLength - 4))
    }

    /// A fresh id for a question with `title` (`nil` or unusable: a numbered id).
    mutating func allocate(title: String?) -> String {
        let (id, numbered, base, suffix) = candidate(title: title)
        if numbered { untitledCount += 1 }
        used.insert(id)
        if suffix > 1 || used.contains(base) { nextSuffix[base] = suffix + 1 }
        return id
    }

    /// The id ``allocate(title:)`` would hand out next for `title`, without taking it.
    func peek(title: String?) -> String { candidate(title: title).id }

    private func candidate(title: String?) -> (id: String, numbered: Bool, base: String, suffix: Int) {
        let base: String
        var numbered = false
        if let title, Self.isValidID(title) {
            base = title
        } else if let title, case let slug = Self.slug(title), !slug.isEmpty {
            base = slug
        } else {
            numbered = true
            let number = String(untitledCount + 1)
            base = "\(bankSlug)-\(String(repeating: "0", count: max(0, 3 - number.count)))\(number)"
        }
        var candidate = String(base.prefix(Self.maximumLength))
        var suffix = 1
        if used.contains(candidate), let next = nextSuffix[base] { suffix = next - 1 }
        while used.contains(candidate) {
            suffix += 1
            let tail = "-\(suffix)"
            let head = Self.trimmingTrailingSeparators(String(base.prefix(Self.maximumLength - tail.count)))
            candidate = head + tail
        }
        return (candidate, numbered, base, suffix)
    }

    /// Whether `text` is already an item id (`^[a-z0-9][a-z0-9._-]{0,63}$`).
    static func isValidID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= maximumLength,
              ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// `text` as an id: accents removed, lower-cased, every run of other characters than
    /// `a-z 0-9 . _ -` turned into one `-`, leading punctuation and trailing separators removed,
    /// at most 64 characters. May be empty.
    static func slug(_ text: String) -> String {
        // ASCII needs no folding (and Foundation's folding is slow): lower-casing is all it does.
        let folded = text.utf8.allSatisfy({ $0 < 0x80 }) ? text.lowercased()
            : text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            let isAllowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-"
            if isAllowed {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        let leading = slug.drop { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return trimmingTrailingSeparators(String(leading.prefix(maximumLength)))
    }

    /// A topic from a `$CATEGORY:` path: its last segment, trimmed, lower-cased, each run of
    /// whitespace turned into `-`; `general` when that leaves nothing.
    static func topic(fromCategory path: String) -> String {
        let segments = categorySegments(path).map { GIFTMarkup.trimmed($0) }.filter { !$0.isEmpty }
        let last = segments.last ?? ""
        let words = last.lowercased().split(whereSeparator: \.isWhitespace)
        let topic = words.joined(separator: "-")
        return topic.isEmpty ? "general" : topic
    }

    /// A category path's segments as Moodle splits them: at every single `/`, a doubled `//`
    /// standing for a `/` inside a name.
    static func categorySegments(_ path: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var characters = Array(path)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "/" {
                if characters.first == "/" {
                    current.append("/")
                    characters = characters.dropFirst()
                } else {
                    segments.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        return segments
    }

    private static func trimmingTrailingSeparators(_ text: String) -> String {
        var text = text
        while let last = text.last, last == "-" || last == "." || last == "_" { text.removeLast() }
        return text
    }
}
