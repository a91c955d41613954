internal import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Feeds data to a running `COPY … FROM STDIN`, handed to the body of
/// ``Connection/copyIn(_:_:)``. Valid only inside that body; not `Sendable`.
public final class CopyInWriter {
    private let connection: Connection
    /// Bytes sent so far.
    public private(set) var bytesWritten = 0

    init(connection: Connection) { self.connection = connection }

    /// Sends a chunk of COPY data (any size; rows may span chunks).
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/copy`` when the connection fails.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let status = PQputCopyData(connection.handle, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard status == 1 else {
            throw PostgresError(kind: .copy, message: "sending COPY data failed: \(Connection.trimmed(PQerrorMessage(connection.handle)))")
        }
        bytesWritten += bytes.count
    }

    /// Thrown by ``checkServer()`` when the server has answered in the middle of the COPY, which
    /// it only does to end it with an error; ``Connection/copyIn(_:_:)`` then throws that error.
    struct ServerEndedCopy: Error { var writer: ObjectIdentifier }

    /// Returns at once, or throws when the server has already refused the COPY (a bad row, a
    /// unique violation): without this the refusal only shows when the data ends, as libpq reads
    /// nothing from the server while COPY data flows. One `poll` system call; for callers that
    /// want to stop early, every few hundred kilobytes.
    ///
    /// - Throws: an error that makes ``Connection/copyIn(_:_:)`` throw the server's error.
    public func checkServer() throws {
        var descriptor = pollfd(fd: PQsocket(connection.handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) > 0 { throw ServerEndedCopy(writer: ObjectIdentifier(self)) }
    }

    /// Asks the kernel for a larger send buffer on the connection's socket (capped by the
    /// system's maximum), so that a large COPY wakes the sending thread and the server less often.
    public func enlargeSendBuffer(to bytes: Int32) {
        var size = bytes
        _ = setsockopt(PQsocket(connection.handle), SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The error for a body to throw when it learned by other means (another connection's view
    /// of `pg_stat_activity`) that the server refused this COPY: ``Connection/copyIn(_:_:)``
    /// then throws the server's own error. ``checkServer()`` cannot always tell, because libpq
    /// may already have read the server's answer while sending.
    public func endedByServer() -> any Error { ServerEndedCopy(writer: ObjectIdentifier(self)) }

    /// Sends a chunk of COPY data.
    ///
    /// - Throws: as ``write(_:)-(UnsafeRawBufferPointer)``.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Sends text (UTF-8) as COPY data.
    ///
    /// - Throws: as ``write(_:)-(UnsafeRawBufferPointer)``.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

@available(*, unavailable)
extension CopyInWriter: Sendable {}

extension Connection {
    /// Runs `COPY … FROM STDIN` and streams data into it from `body`, chunk by chunk, so that the
    /// input is never held whole in memory.
    ///
    /// - Parameters:
    ///   - sql: the COPY statement.
    ///   - body: writes the data through the writer; throwing aborts the COPY (nothing of it is
    ///     kept) and the error is rethrown.
    /// - Returns: the number of rows copied.
    /// - Throws: the server's ``PostgresError`` when the COPY fails (a bad row: its SQLSTATE, and
    ///   in ``PostgresError/context`` the input line), or `body`'s error.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        try ensureUsable(sql: sql)
        guard let start = PQexec(handle, sql) else { throw connectionError(sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            if PQresultStatus(start) == PGRES_FATAL_ERROR { throw serverError(from: start, sql: sql) }
            throw PostgresError(kind: .usage, message: "copyIn needs a COPY … FROM STDIN statement", query: sql)
        }
        PQclear(start)
        let writer = CopyInWriter(connection: self)
        var bodyError: (any Error)?
        do {
            try body(writer)
        } catch {
            bodyError = error
        }
        let endStatus = bodyError == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "aborted by the client")
        let outcome = finishCopy(sql: sql)
        // This COPY's server refused it (another writer's refusal passes through unchanged).
        if let ended = bodyError as? CopyInWriter.ServerEndedCopy, ended.writer == ObjectIdentifier(writer),
           case .failure(let serverError) = outcome {
            throw serverError
        }
        if let bodyError { throw bodyError }
        if endStatus != 1, case .success = outcome {
            throw PostgresError(kind: .copy, message: "ending COPY failed: \(Connection.trimmed(PQerrorMessage(handle)))")
        }
        return try outcome.get()
    }

    /// Runs `COPY … TO STDOUT` and hands each chunk the server sends (one row of COPY data in
    /// text or CSV form) to `sink`, without collecting the output in memory.
    ///
    /// - Parameters:
    ///   - sql: the COPY statement.
    ///   - sink: receives each chunk; its bytes are valid only during the call. Throwing
    ///     cancels the COPY and the error is rethrown.
    /// - Returns: the number of rows copied.
    /// - Throws: the server's ``PostgresError`` when the COPY fails, or `sink`'s error.
    @discardableResult
    public func copyOut(_ sql: String, to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try ensureUsable(sql: sql)
        guard let start = PQexec(handle, sql) else { throw connectionError(sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            defer { PQclear(start) }
            if PQresultStatus(start) == PGRES_FATAL_ERROR { throw serverError(from: start, sql: sql) }
            throw PostgresError(kind: .usage, message: "copyOut needs a COPY … TO STDOUT statement", query: sql)
        }
        PQclear(start)
        var sinkError: (any Error)?
        var buffer: UnsafeMutablePointer<CChar>?
        while true {
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let data = buffer {
                if sinkError == nil {
                    do {
                        try sink(UnsafeRawBufferPointer(start: data, count: Int(length)))
                    } catch {
                        sinkError = error
                        if let cancel = PQgetCancel(handle) {
                            var message = [CChar](repeating: 0, count: 256)
                            _ = PQcancel(cancel, &message, Int32(message.count))
                            PQfreeCancel(cancel)
                        }
                    }
                }
                PQfreemem(data)
                buffer = nil
            } else {
                break  // -1: done (the result follows); -2: failure (the result says why)
            }
        }
        let outcome = finishCopy(sql: sql)
        if let sinkError { throw sinkError }
        return try outcome.get()
    }

    /// Reads results until libpq returns NULL, as it must after COPY; returns the row count or
    /// the first error.
    func finishCopy(sql: String) -> Result<Int, PostgresError> {
        var outcome: Result<Int, PostgresError> = .success(0)
        var sawResult = false
        while let result = PQgetResult(handle) {
            sawResult = true
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK {
                if case .success = outcome {
                    let tuples = PQcmdTuples(result).map { String(cString: $0) } ?? ""
                    outcome = .success(Int(tuples) ?? 0)
                }
            } else if status == PGRES_COPY_IN || status == PGRES_COPY_OUT {
                // Should not happen after ending the copy; end it to avoid looping forever.
                _ = PQputCopyEnd(handle, "unexpected COPY state")
            } else if case .success = outcome {
                outcome = .failure(serverError(from: result, sql: sql))
            }
            PQclear(result)
        }
        if !sawResult, case .success = outcome {
            outcome = .failure(connectionError(sql: sql))
        }
        return outcome
    }
}
