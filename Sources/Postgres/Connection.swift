internal import CLibPQ
public import Logging
import Foundation

/// One connection to a PostgreSQL server, through libpq.
///
/// A connection is **not** thread-safe and is not `Sendable`: use it from one task or thread at a
/// time, and open one connection per concurrent worker. It owns its libpq handle and closes it
/// exactly once, when the connection is deinitialized (a failed connect closes it at once).
///
/// Every call blocks the calling thread until the server answers. Statements take bound
/// parameters (`$1`, `$2`, …); values are never spliced into SQL text.
///
/// ```swift
/// let connection = try Connection("postgresql:///assay?host=/srv/assay/run")
/// let rows = try connection.query("SELECT id, email FROM experts WHERE country = $1", ["FR"])
/// for row in rows { let id: Int64 = try row.decode("id") }
/// ```
public final class Connection {
    let handle: OpaquePointer
    /// Receives the server's NOTICE and WARNING messages.
    public let logger: Logger
    private let noticeBox: NoticeBox
    private var preparedNames: Set<String> = []
    /// Set when a rollback failed: the transaction state is unknown, so no statement may run.
    var unusableReason: PostgresError?
    /// How this connection was opened, for ``openAnother()``.
    private let conninfo: String

    /// Opens a connection.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq connection URI (`postgresql://…`) or keyword/value string
    ///     (`host=… dbname=…`). Anything it leaves out comes from the standard `PG*` environment
    ///     variables, as libpq does; an empty string uses the environment alone.
    ///   - logger: where server notices go.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connection`` with libpq's message.
    public init(_ conninfo: String, logger: Logger = Logger(label: "assay.postgres")) throws {
        guard let pointer = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = Connection.trimmed(PQerrorMessage(pointer))
            PQfinish(pointer)
            throw PostgresError(kind: .connection, message: "could not connect to PostgreSQL: \(message)")
        }
        self.handle = pointer
        self.conninfo = conninfo
        self.logger = logger
        self.noticeBox = NoticeBox(logger: logger)
        PQsetNoticeReceiver(pointer, { argument, result in
            guard let argument, let result else { return }
            let box = Unmanaged<NoticeBox>.fromOpaque(argument).takeUnretainedValue()
            let severity = PQresultErrorField(result, ASSAY_PG_DIAG_SEVERITY).map { String(cString: $0) } ?? "NOTICE"
            let message = PQresultErrorField(result, ASSAY_PG_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) } ?? ""
            let level: Logger.Level = severity == "WARNING" ? .warning : .debug
            box.logger.log(level: level, "\(message)", metadata: ["severity": "\(severity)"])
        }, Unmanaged.passUnretained(noticeBox).toOpaque())
        // Fixed session settings the decoders rely on.
        try executeScript("SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET bytea_output TO 'hex'; SET IntervalStyle TO 'iso_8601'")
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a second connection to the same database with the same settings and logger, for
    /// work that runs beside this connection's (another COPY, another transaction).
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connection``.
    public func openAnother() throws -> Connection {
        try Connection(conninfo, logger: logger)
    }

    /// Whether the connection can run statements: libpq reports it open, and no failed rollback
    /// has left its transaction state unknown (see ``PostgresError/Kind/rollback``).
    public var isOpen: Bool { unusableReason == nil && PQstatus(handle) == CONNECTION_OK }

    /// Throws when a failed rollback made this connection unusable.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connection``.
    func ensureUsable(sql: String?) throws {
        guard unusableReason == nil else {
            throw PostgresError(
                kind: .connection,
                message: "this connection is unusable: a transaction's rollback failed, so its state is unknown; open a new connection",
                query: sql)
        }
    }

    /// The server's version as an integer, e.g. `150018` for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Whether a transaction block is open on this connection.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Checks whether a server accepts connections, without opening one (libpq's `PQping`).
    ///
    /// - Returns: `true` when the server is up and accepting connections.
    public static func ping(_ conninfo: String) -> Bool {
        PQping(conninfo) == PQPING_OK
    }

    // MARK: Statements

    /// Runs one statement with bound parameters and returns its rows.
    ///
    /// - Parameters:
    ///   - sql: one SQL statement, parameters written `$1`, `$2`, …
    ///   - parameters: the values, in order; `nil` optionals bind NULL.
    /// - Returns: the result (empty for statements that return no rows).
    /// - Throws: ``PostgresError``: the server's error with its SQLSTATE, or an encoding error.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        try ensureUsable(sql: sql)
        let encoded = try EncodedParameters(parameters)
        let result = encoded.withPointers { types, values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        return try checked(result, sql: sql)
    }

    /// Runs one statement with bound parameters, for its effect.
    ///
    /// - Returns: the number of rows the statement affected (0 when it reports none).
    /// - Throws: ``PostgresError``.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs a script of one or more statements separated by semicolons, with no parameters (for
    /// migrations and fixed session settings).
    ///
    /// - Throws: ``PostgresError`` for the first statement that fails; later ones do not run.
    public func executeScript(_ sql: String) throws {
        try ensureUsable(sql: sql)
        // PQexec returns the last statement's result, or the first failure.
        _ = try checked(PQexec(handle, sql), sql: sql)
    }

    /// Prepares a named statement on this connection, once; later calls with the same name reuse it.
    ///
    /// - Parameters:
    ///   - name: a name unique on this connection.
    ///   - sql: the statement, with `$n` parameters.
    /// - Returns: a handle for ``query(_:_:)-(PreparedStatement,_)``.
    /// - Throws: ``PostgresError`` when the server rejects the statement.
    public func prepare(_ name: String, _ sql: String) throws -> PreparedStatement {
        try ensureUsable(sql: sql)
        if !preparedNames.contains(name) {
            _ = try checked(PQprepare(handle, name, sql, 0, nil), sql: sql)
            preparedNames.insert(name)
        }
        return PreparedStatement(name: name, sql: sql)
    }

    /// Runs a prepared statement with bound parameters.
    ///
    /// - Throws: ``PostgresError``; a usage error when the statement was not prepared on this
    ///   connection.
    @discardableResult
    public func query(_ statement: PreparedStatement, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        guard preparedNames.contains(statement.name) else {
            throw PostgresError(kind: .usage, message: "statement \"\(statement.name)\" was not prepared on this connection")
        }
        try ensureUsable(sql: statement.sql)
        let encoded = try EncodedParameters(parameters)
        let result = encoded.withPointers { _, values, lengths, formats in
            PQexecPrepared(handle, statement.name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try checked(result, sql: statement.sql)
    }

    /// Quotes a name (table, column, role, database) for use as an SQL identifier, through libpq.
    ///
    /// - Returns: the name in double quotes with inner quotes doubled.
    /// - Throws: ``PostgresError`` when libpq refuses it (for example invalid UTF-8).
    public func escapeIdentifier(_ name: String) throws -> String {
        let bytes = Array(name.utf8)
        guard let escaped = PQescapeIdentifier(handle, name, bytes.count) else {
            throw PostgresError(kind: .encoding, message: "cannot quote identifier: \(Connection.trimmed(PQerrorMessage(handle)))")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// `COPY table (columns…) FROM STDIN (FORMAT binary)`, the table and every column escaped
    /// through libpq, for ``copyIn(_:_:)`` with rows from ``BinaryCopyEncoder``.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - columns: the columns, in the order each row writes its fields.
    /// - Throws: ``PostgresError`` when libpq refuses a name.
    public func binaryCopyStatement(table: String, columns: [String]) throws -> String {
        "COPY \(try escapeIdentifier(table)) (\(try columns.map(escapeIdentifier).joined(separator: ", "))) FROM STDIN (FORMAT binary)"
    }

    // MARK: Results and errors

    /// Turns a libpq result into a ``QueryResult`` or a thrown ``PostgresError``, freeing it on error.
    func checked(_ result: OpaquePointer?, sql: String) throws -> QueryResult {
        guard let result else {
            throw connectionError(sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return QueryResult(handle: result, sql: sql)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            let status = PQresultStatus(result)
            PQclear(result)
            // Leave COPY mode so the connection stays usable: end an input copy, drain an output one.
            if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 {
                    if let data = buffer { PQfreemem(data) }
                    buffer = nil
                }
            } else {
                _ = PQputCopyEnd(handle, "COPY must go through copyIn or copyOut")
            }
            var guardCount = 0
            while let pending = PQgetResult(handle), guardCount < 1000 {
                PQclear(pending)
                guardCount += 1
            }
            throw PostgresError(kind: .usage, message: "COPY statements must be run with copyIn or copyOut", query: sql)
        default:
            let error = serverError(from: result, sql: sql)
            PQclear(result)
            throw error
        }
    }

    /// The error described by a failed result.
    func serverError(from result: OpaquePointer, sql: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        guard let state = field(ASSAY_PG_DIAG_SQLSTATE) else {
            var error = connectionError(sql: sql)
            let message = Connection.trimmed(PQresultErrorMessage(result))
            if !message.isEmpty { error.message = message }
            return error
        }
        return PostgresError(
            kind: .server,
            code: PostgresError.Code(rawValue: state),
            message: field(ASSAY_PG_DIAG_MESSAGE_PRIMARY) ?? "unknown server error",
            detail: field(ASSAY_PG_DIAG_MESSAGE_DETAIL),
            hint: field(ASSAY_PG_DIAG_MESSAGE_HINT),
            constraint: field(ASSAY_PG_DIAG_CONSTRAINT_NAME),
            table: field(ASSAY_PG_DIAG_TABLE_NAME),
            column: field(ASSAY_PG_DIAG_COLUMN_NAME),
            position: field(ASSAY_PG_DIAG_STATEMENT_POSITION).flatMap { Int($0) },
            context: field(ASSAY_PG_DIAG_CONTEXT),
            query: sql)
    }

    func connectionError(sql: String?) -> PostgresError {
        let message = Connection.trimmed(PQerrorMessage(handle))
        return PostgresError(
            kind: PQstatus(handle) == CONNECTION_OK ? .server : .connection,
            message: message.isEmpty ? "the connection to the server failed" : message,
            query: sql)
    }

    static func trimmed(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@available(*, unavailable, message: "a Connection must be used by one task at a time; open one per task")
extension Connection: Sendable {}

/// A statement prepared on a connection with ``Connection/prepare(_:_:)``. `Sendable`, but valid
/// only on the connection that prepared it.
public struct PreparedStatement: Sendable, Hashable {
    /// The statement's name on the server.
    public let name: String
    /// Its SQL text.
    public let sql: String
}

/// Holds the logger the C notice callback writes to; the connection keeps it alive.
private final class NoticeBox {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

/// Parameters encoded once, laid out for libpq's C arrays.
struct EncodedParameters {
    var types: [UInt32] = []
    var buffers: [[UInt8]?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []

    init(_ parameters: [any PostgresEncodable]) throws {
        types.reserveCapacity(parameters.count)
        for parameter in parameters {
            let binding = try parameter.postgresBinding()
            types.append(parameter.postgresDataType.oid)
            if var binding {
                if !binding.isBinary { binding.bytes.append(0) }
                lengths.append(Int32(binding.isBinary ? binding.bytes.count : binding.bytes.count - 1))
                formats.append(binding.isBinary ? 1 : 0)
                buffers.append(binding.bytes)
            } else {
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            }
        }
    }

    func withPointers<R>(
        _ body: (UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        // Copy every value into one allocation so that all pointers stay valid during the call.
        let total = buffers.reduce(0) { $0 + ($1?.count ?? 0) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(buffers.count)
        var offset = 0
        for buffer in buffers {
            guard let buffer else { pointers.append(nil); continue }
            let destination = storage.baseAddress! + offset
            buffer.withUnsafeBytes { source in
                if let base = source.baseAddress { destination.copyMemory(from: base, byteCount: source.count) }
            }
            pointers.append(UnsafePointer(destination.assumingMemoryBound(to: CChar.self)))
            offset += buffer.count
        }
        return types.withUnsafeBufferPointer { t in
            pointers.withUnsafeBufferPointer { p in
                lengths.withUnsafeBufferPointer { l in
                    formats.withUnsafeBufferPointer { f in
                        body(t.baseAddress, p.baseAddress, l.baseAddress, f.baseAddress)
                    }
                }
            }
        }
    }
}
