/// An error from the Banks module that is not a diagnostic in a file: a value given on the
/// command line or through the API that cannot be used.
///
/// Callers recognise an error by ``code``; ``message`` says what is wrong and what to do.
public struct BankError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of value was wrong. Open-ended: new codes may be added.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name, e.g. `"invalid_slug"`.
        public let rawValue: String

        /// Creates a code from its stable name.
        ///
        /// - Parameters:
        ///   - rawValue: the code's name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's stable name.
        public var description: String { rawValue }

        /// A bank or domain slug that does not match `^[a-z][a-z0-9-]{1,39}$`.
        public static let invalidSlug = Code(rawValue: "invalid_slug")
        /// A language that is not a two-letter ISO 639-1 code.
        public static let invalidLanguage = Code(rawValue: "invalid_language")
        /// Nothing to make a bank of.
        public static let noItems = Code(rawValue: "no_items")
    }

    /// What kind of value was wrong.
    public let code: Code
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what kind of value was wrong.
    ///   - message: what is wrong and what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
