internal import CLibPQ

/// The rows a statement returned, held in libpq's memory until the result is released.
///
/// Not `Sendable`: read it on the task that ran the statement. Iterate it, or index it by row.
public final class QueryResult: RandomAccessCollection {
    let handle: OpaquePointer
    /// The column names, in order.
    public let columns: [String]
    private let columnTypes: [PostgresDataType]
    private let columnIndex: [String: Int]
    /// The statement that produced the result, for ``PostgresError/debugDescription`` only.
    private let sql: String?

    init(handle: OpaquePointer, sql: String? = nil) {
        self.handle = handle
        self.sql = sql
        let count = Int(PQnfields(handle))
        var names: [String] = []
        var types: [PostgresDataType] = []
        var index: [String: Int] = [:]
        for column in 0..<count {
            let name = PQfname(handle, Int32(column)).map { String(cString: $0) } ?? "?column?"
            names.append(name)
            types.append(PostgresDataType(oid: PQftype(handle, Int32(column))))
            if index[name] == nil { index[name] = column }
        }
        self.columns = names
        self.columnTypes = types
        self.columnIndex = index
    }

    deinit { PQclear(handle) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(PQntuples(handle)) }
    public subscript(position: Int) -> Row { Row(result: self, index: position) }

    /// The number of rows affected by an INSERT, UPDATE, DELETE, MERGE, COPY or SELECT (from the
    /// command tag), or 0.
    public var affectedRows: Int {
        guard let tuples = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: tuples)) ?? 0
    }

    /// The only row of a result that must have exactly one (a lookup by primary key, an
    /// aggregate, `INSERT … RETURNING` of one row).
    ///
    /// Use it instead of `[0]`, which traps when the result is empty:
    ///
    /// ```swift
    /// let id: Int = try connection.query("SELECT id FROM experts WHERE email = $1", [email]).one().decode("id")
    /// ```
    ///
    /// - Returns: the row.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/rowCount`` saying "expected
    ///   exactly one row, got N" when the result has no row or several.
    public func one() throws -> Row {
        guard count == 1 else { throw rowCountError(expected: "exactly one row") }
        return self[0]
    }

    /// The row of a result that has at most one (a lookup that may find nothing), or `nil` when
    /// it has none.
    ///
    /// Unlike `first`, it does not silently ignore extra rows.
    ///
    /// - Returns: the row, or `nil` for an empty result.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/rowCount`` saying "expected at
    ///   most one row, got N" when the result has several.
    public func atMostOne() throws -> Row? {
        guard count <= 1 else { throw rowCountError(expected: "at most one row") }
        return first
    }

    private func rowCountError(expected: String) -> PostgresError {
        PostgresError(kind: .rowCount, message: "expected \(expected), got \(count)", query: sql)
    }

    /// The type of a column.
    public func dataType(ofColumn column: Int) -> PostgresDataType { columnTypes[column] }

    func columnNumber(_ name: String) throws -> Int {
        guard let number = columnIndex[name] else {
            throw PostgresError(
                kind: .decoding,
                message: "the result has no column \"\(name)\" (it has: \(columns.joined(separator: ", ")))",
                column: name)
        }
        return number
    }

    func decode<T: PostgresDecodable>(row: Int, column: Int, as type: T.Type) throws -> T {
        guard column >= 0, column < columns.count else {
            throw PostgresError(kind: .decoding, message: "column index \(column) is out of range (the result has \(columns.count) columns)")
        }
        let name = columns[column]
        let dataType = columnTypes[column]
        if PQgetisnull(handle, Int32(row), Int32(column)) == 1 {
            return try T.decodeNull(column: name, dataType: dataType)
        }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        let value = PQgetvalue(handle, Int32(row), Int32(column))!
        return try value.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
            try T.decode(from: PostgresCell(bytes: UnsafeBufferPointer(start: pointer, count: length), dataType: dataType, column: name))
        }
    }
}

@available(*, unavailable, message: "read a QueryResult on the task that ran the statement")
extension QueryResult: Sendable {}

/// One row of a ``QueryResult``. Valid as long as its result; not `Sendable`.
public struct Row {
    let result: QueryResult
    let index: Int

    /// Decodes the named column.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/decoding`` when there is no such
    ///   column, the column's type does not match `T`, or the value is NULL and `T` is not optional.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try result.decode(row: index, column: try result.columnNumber(column), as: type)
    }

    /// Decodes the column at a 0-based index.
    ///
    /// - Throws: as ``decode(_:as:)-(String,_)``.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        try result.decode(row: index, column: column, as: type)
    }

    /// Whether the named column is NULL in this row.
    ///
    /// - Throws: when there is no such column.
    public func isNull(_ column: String) throws -> Bool {
        PQgetisnull(result.handle, Int32(index), Int32(try result.columnNumber(column))) == 1
    }
}

@available(*, unavailable)
extension Row: Sendable {}
