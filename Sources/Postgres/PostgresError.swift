/// An error from the Postgres layer: a failed connection, a statement the server refused, a COPY
/// that failed, or a value that could not be encoded or decoded.
///
/// Callers recognise an error by ``kind`` and, for server errors, by ``code`` (the SQLSTATE),
/// never by matching message text:
///
/// ```swift
/// do { try connection.execute(sql, [email]) }
/// catch let error as PostgresError where error.code == .uniqueViolation { … }
/// ```
///
/// ``description`` is safe to show to a user or write to a log: it never contains the SQL text
/// or a bound value. ``debugDescription`` adds the SQL text for developers.
///
/// `PostgresError` is a value type and `Sendable`.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, in broad terms.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be opened, or was lost.
        public static let connection = Kind("connection")
        /// The server reported an error for a statement; ``PostgresError/code`` holds its SQLSTATE.
        public static let server = Kind("server")
        /// A column's value could not be decoded into the requested Swift type, or was NULL where
        /// a non-optional type was requested, or the column does not exist.
        public static let decoding = Kind("decoding")
        /// A Swift value could not be encoded as a parameter (for example a string holding a NUL
        /// character, which PostgreSQL text cannot store).
        public static let encoding = Kind("encoding")
        /// Data could not be sent or received during COPY (the server's own errors during COPY
        /// are reported as ``server``).
        public static let copy = Kind("copy")
        /// The layer was used in a way it does not support (for example a COPY statement passed
        /// to `query`).
        public static let usage = Kind("usage")
        /// The embedded cluster could not be created, started, stopped or reached.
        public static let cluster = Kind("cluster")
        /// The embedded cluster's folder (or its `run` or `pgdata` folder) is not safe to use:
        /// another user owns it, its group or others may write it, or it is a symbolic link.
        /// Nothing was created in it and nothing connected to its socket; the message names the
        /// folder, the reason and what to do. Bad configuration rather than a failure.
        public static let untrustedFolder = Kind("untrustedFolder")
        /// A result did not have the number of rows the caller required
        /// (``QueryResult/one()``, ``QueryResult/atMostOne()``).
        public static let rowCount = Kind("rowCount")
        /// A transaction's body failed and the ROLLBACK (or ROLLBACK TO SAVEPOINT) that followed
        /// failed too, or the ROLLBACK that ends a rollback-only transaction failed.
        /// ``PostgresError/bodyError`` holds the body's error (`nil` in the second case); the
        /// message says why the rollback failed, with its SQLSTATE. The connection is unusable
        /// afterwards (``Connection/isOpen`` is `false`): open a new one.
        public static let rollback = Kind("rollback")

        public var description: String { name }
    }

    /// A SQLSTATE error code, as listed in appendix A of the PostgreSQL documentation.
    ///
    /// Open-ended: any five-character code the server sends can be represented; the constants
    /// below name the ones Assay reacts to.
    public struct Code: Hashable, Sendable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The five-character SQLSTATE.
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// 23505: a unique constraint or index was violated.
        public static let uniqueViolation: Code = "23505"
        /// 23503: a foreign key constraint was violated.
        public static let foreignKeyViolation: Code = "23503"
        /// 23502: NULL in a NOT NULL column.
        public static let notNullViolation: Code = "23502"
        /// 23514: a CHECK constraint was violated.
        public static let checkViolation: Code = "23514"
        /// 40001: the transaction could not be serialized; retrying it may succeed.
        public static let serializationFailure: Code = "40001"
        /// 40P01: a deadlock was detected; retrying the transaction may succeed.
        public static let deadlockDetected: Code = "40P01"
        /// 42601: a syntax error in the statement.
        public static let syntaxError: Code = "42601"
        /// 42P01: a table or view does not exist.
        public static let undefinedTable: Code = "42P01"
        /// 42703: a column does not exist.
        public static let undefinedColumn: Code = "42703"
        /// 22P02: a value's text representation is invalid for its type.
        public static let invalidTextRepresentation: Code = "22P02"
        /// 22P04: bad data in a COPY input.
        public static let badCopyFileFormat: Code = "22P04"
        /// 57014: the statement was cancelled.
        public static let queryCanceled: Code = "57014"
        /// 3D000: the database does not exist.
        public static let invalidCatalogName: Code = "3D000"
        /// 42P04: the database already exists.
        public static let duplicateDatabase: Code = "42P04"
        /// 55P03: a lock could not be obtained.
        public static let lockNotAvailable: Code = "55P03"
        /// 42704: an object named in the statement does not exist (for example a prepared
        /// transaction that another session has already committed or rolled back).
        public static let undefinedObject: Code = "42704"

        /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
        public var isTransient: Bool { self == .serializationFailure || self == .deadlockDetected }
    }

    /// What went wrong, in broad terms.
    public var kind: Kind
    /// The SQLSTATE, for server errors.
    public var code: Code?
    /// The primary message: the server's, or one written by this layer.
    public var message: String
    /// The server's DETAIL, if any. May contain values from the row concerned.
    public var detail: String?
    /// The server's HINT, if any.
    public var hint: String?
    /// The name of the constraint involved, if any.
    public var constraint: String?
    /// The table involved, if any.
    public var table: String?
    /// The column involved, if any (for decoding errors: the result column).
    public var column: String?
    /// The 1-based character position in the statement where the error was found, if any.
    public var position: Int?
    /// The server's CONTEXT (for COPY: which line of the input failed), if any.
    public var context: String?
    /// The statement being run, kept for ``debugDescription`` only.
    public var query: String?
    /// For ``Kind/rollback``: the error the transaction's body threw, which the failed rollback
    /// could not undo cleanly. `nil` for every other kind.
    public var bodyError: (any Error)? {
        get { bodyErrorBox?.error }
        set { bodyErrorBox = newValue.map(ErrorBox.init) }
    }
    private var bodyErrorBox: ErrorBox?

    /// Creates an error; used by this layer and by tests.
    public init(
        kind: Kind, code: Code? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, position: Int? = nil,
        context: String? = nil, query: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.position = position
        self.context = context
        self.query = query
    }

    /// One line, safe for users and logs: kind, SQLSTATE, message, constraint and position. No
    /// SQL text and no DETAIL (which may quote values).
    public var description: String {
        var text = message
        if let code { text = "\(text) (SQLSTATE \(code.rawValue))" }
        if let constraint { text += ", constraint \(constraint)" }
        if let position { text += ", at character \(position)" }
        return text
    }

    /// Everything known, for developers: the description plus detail, hint, context and the SQL.
    public var debugDescription: String {
        var lines = ["PostgresError.\(kind): \(description)"]
        if let detail { lines.append("DETAIL: \(detail)") }
        if let hint { lines.append("HINT: \(hint)") }
        if let table { lines.append("TABLE: \(table)") }
        if let column { lines.append("COLUMN: \(column)") }
        if let context { lines.append("CONTEXT: \(context)") }
        if let query { lines.append("QUERY: \(query)") }
        if let bodyError { lines.append("BODY ERROR: \(String(reflecting: bodyError))") }
        return lines.joined(separator: "\n")
    }
}

/// Holds a ``PostgresError/bodyError`` so that `PostgresError` stays `Equatable`: two boxes
/// are equal when they are the same box (a copied error compares equal to its original).
private final class ErrorBox: Sendable, Equatable {
    let error: any Error
    init(_ error: any Error) { self.error = error }
    static func == (lhs: ErrorBox, rhs: ErrorBox) -> Bool { lhs === rhs }
}
