/// The shapes of the names a bank file gives (slugs, item ids, language codes, tier names):
/// a first character from one set, then a bounded run from another, nothing else.
///
/// Checked by hand rather than with a regular expression: Foundation compiles the expression
/// again on every `range(of:options: .regularExpression)`, which made reading a large bank (or
/// checking every converted GIFT question) spend most of its time compiling patterns.
struct NamePattern: Sendable {
    /// The pattern as a regular expression, for messages and documentation.
    let expression: String
    private let first: @Sendable (Unicode.Scalar) -> Bool
    private let rest: @Sendable (Unicode.Scalar) -> Bool
    private let restCount: ClosedRange<Int>

    private init(_ expression: String, first: @escaping @Sendable (Unicode.Scalar) -> Bool,
                 rest: @escaping @Sendable (Unicode.Scalar) -> Bool, restCount: ClosedRange<Int>) {
        self.expression = expression
        self.first = first
        self.rest = rest
        self.restCount = restCount
    }

    /// Whether `text` matches the whole pattern.
    func matches(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let head = scalars.first, first(head) else { return false }
        var count = 0
        for scalar in scalars.dropFirst() {
            guard rest(scalar) else { return false }
            count += 1
            if count > restCount.upperBound { return false }
        }
        return restCount.contains(count)
    }

    private static func lower(_ s: Unicode.Scalar) -> Bool { s.value >= 0x61 && s.value <= 0x7A }
    private static func digit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    /// A slug: `^[a-z][a-z0-9-]{1,39}$`.
    static let slug = NamePattern("^[a-z][a-z0-9-]{1,39}$", first: lower, rest: { lower($0) || digit($0) || $0 == "-" }, restCount: 1...39)
    /// An item id: `^[a-z0-9][a-z0-9._-]{0,63}$`.
    static let itemID = NamePattern("^[a-z0-9][a-z0-9._-]{0,63}$", first: { lower($0) || digit($0) },
                                    rest: { lower($0) || digit($0) || $0 == "." || $0 == "_" || $0 == "-" }, restCount: 0...63)
    /// An ISO 639-1 language code's shape: `^[a-z]{2}$`.
    static let language = NamePattern("^[a-z]{2}$", first: lower, rest: lower, restCount: 1...1)
    /// A tier name: `^[a-z][a-z0-9-]{0,39}$`.
    static let tierName = NamePattern("^[a-z][a-z0-9-]{0,39}$", first: lower, rest: { lower($0) || digit($0) || $0 == "-" }, restCount: 0...39)
    /// An outcome metric's name: `^[a-z][a-z0-9_]{0,62}$` (as `work_outcomes.metric`).
    static let metric = NamePattern("^[a-z][a-z0-9_]{0,62}$", first: lower, rest: { lower($0) || digit($0) || $0 == "_" }, restCount: 0...62)
}
