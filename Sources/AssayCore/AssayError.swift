/// An error from the service layer, with what the user needs to fix it.
///
/// ``description`` is one line for the user: what is wrong, where (file:line, row, field) and
/// what to do. ``isBadInput`` tells the CLI to exit with code 2 (bad usage or bad input) rather
/// than 1 (failure). `Sendable`.
public struct AssayError: Error, Sendable, CustomStringConvertible {
    /// The kind of error; open-ended.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The user's input (a file, an option, a value) is invalid.
        public static let badInput = Code("bad-input")
        /// A migration file is missing, malformed, or was changed after it was applied.
        public static let migration = Code("migration")
        /// The database configuration is unusable (for example stopping a server assay does not manage).
        public static let configuration = Code("configuration")
        /// Something the user named does not exist.
        public static let notFound = Code("not-found")
        /// The database failed.
        public static let database = Code("database")
    }

    /// The kind of error.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String
    /// The file concerned, if any.
    public var file: String?
    /// The 1-based line in ``file``, if any.
    public var line: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// Whether the error is the user's input or usage (exit code 2) rather than a failure (1).
    public var isBadInput: Bool { code == .badInput || code == .configuration || code == .notFound }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(message)"
        case let (file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
