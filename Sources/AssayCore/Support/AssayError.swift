/// An error from the service layer, with what the user needs to fix it.
///
/// ``description`` is one line for the user: what is wrong, where (file:line, row, field) and
/// what to do. Services name the *field* they were given (`expiresInDays`, `highest_degree`);
/// the command line renames it to the flag or column the user typed with
/// ``renamingField(_:to:)`` so that the message says `--expires`, not a parameter name.
/// ``exitStatus`` tells the CLI to exit with 2 (bad usage or bad input) or 1 (failure).
public struct AssayError: ReportableError, Sendable, CustomStringConvertible {
    /// The kind of error; open-ended.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's stable name, e.g. `bad-input`.
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
        /// The database cannot be reached just now (the connection was lost, or the server is
        /// restarting or refuses connections); the same call may succeed once it is back.
        public static let unavailable = Code("unavailable")
    }

    /// The kind of error.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String
    /// The file concerned, if any.
    public var file: String?
    /// The 1-based line in ``file``, if any.
    public var line: Int?
    /// The 1-based data row concerned, if any (a row of an import, not a line of the file).
    public var row: Int?
    /// The field concerned, if any: a column, a JSON key, or a service parameter that the CLI
    /// renames to its flag.
    public var field: String?
    /// What to try next, printed on a line of its own, if any.
    public var hint: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the kind of error.
    ///   - message: what is wrong and what to do, without the location.
    ///   - file: the file concerned.
    ///   - line: the 1-based line in `file`.
    ///   - row: the 1-based data row.
    ///   - field: the field concerned; shown before the message as `field: message`.
    ///   - hint: what to try next.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, row: Int? = nil,
                field: String? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.row = row
        self.field = field
        self.hint = hint
    }

    /// Whether the error is the user's input or usage (exit code 2) rather than a failure (1).
    public var isBadInput: Bool { code == .badInput || code == .configuration || code == .notFound }

    /// 2 for bad usage or input, 1 for failures.
    public var exitStatus: Int32 { isBadInput ? 2 : 1 }

    /// The same error with ``field`` renamed when it is `field` (a service parameter becomes the
    /// flag the user typed, e.g. `expiresInDays` → `--expires`).
    ///
    /// - Parameters:
    ///   - field: the service's name for the field.
    ///   - name: the name the user knows it by.
    /// - Returns: the error, renamed if it concerned `field`, else unchanged.
    public func renamingField(_ field: String, to name: String) -> AssayError {
        guard self.field == field else { return self }
        var renamed = self
        renamed.field = name
        return renamed
    }

    /// The error as one line: `file:line: row N: field: message`, each part only when known.
    public var description: String {
        var location = ""
        switch (file, line) {
        case let (file?, line?): location = "\(file):\(line): "
        case let (file?, nil): location = "\(file): "
        default: break
        }
        if let row { location += "row \(row): " }
        if let field { location += "\(field): " }
        return location + message
    }

    /// The line printed on stderr after `assay: error: `.
    public var userMessage: String { description }
}
