internal import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// Runs two `COPY … TO STDOUT` at once, this one and one on `other`, and hands each chunk to
    /// its sink as it arrives, from the calling thread: both servers produce their rows at the
    /// same time (on two cores), while this thread reads whichever has data.
    ///
    /// - Parameters:
    ///   - sql: the COPY statement run on this connection.
    ///   - other: another connection (not this one).
    ///   - otherSQL: the COPY statement run on `other`.
    ///   - sink: receives each chunk of this connection's COPY; its bytes are valid only during
    ///     the call. Throwing cancels both COPYs and the error is rethrown.
    ///   - otherSink: the same for `other`.
    /// - Throws: a server's ``PostgresError`` when either COPY fails (the first of them), or a
    ///   sink's error; both COPYs are over when it returns, and both connections usable.
    public func copyOut(_ sql: String, alongside other: Connection, _ otherSQL: String,
                        to sink: (UnsafeRawBufferPointer) throws -> Void, otherSink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try ensureUsable(sql: sql)
        try other.ensureUsable(sql: otherSQL)
        let connections = [self, other]
        let statements = [sql, otherSQL]
        var failure: (any Error)?
        var active = [false, false]
        // Start both, then wait for each to enter COPY OUT.
        for index in 0 ..< 2 where PQsendQuery(connections[index].handle, statements[index]) == 1 {
            active[index] = true
        }
        for index in 0 ..< 2 {
            guard active[index] else {
                if failure == nil { failure = connections[index].connectionError(sql: statements[index]) }
                continue
            }
            guard let start = PQgetResult(connections[index].handle) else {
                active[index] = false
                if failure == nil { failure = connections[index].connectionError(sql: statements[index]) }
                continue
            }
            if PQresultStatus(start) != PGRES_COPY_OUT {
                if failure == nil {
                    failure = PQresultStatus(start) == PGRES_FATAL_ERROR
                        ? connections[index].serverError(from: start, sql: statements[index])
                        : PostgresError(kind: .usage, message: "copyOut needs a COPY … TO STDOUT statement", query: statements[index])
                }
                PQclear(start)
                while let rest = PQgetResult(connections[index].handle) { PQclear(rest) }
                active[index] = false
                continue
            }
            PQclear(start)
        }
        if failure != nil {
            for index in 0 ..< 2 where active[index] { connections[index].cancelRequest() }
        }
        var cancelled = failure != nil
        var buffer: UnsafeMutablePointer<CChar>?
        while active.contains(true) {
            var waiting: [Int] = []
            for index in 0 ..< 2 where active[index] {
                let handle = connections[index].handle
                var drained = false
                while true {
                    let length = PQgetCopyData(handle, &buffer, 1)
                    if length > 0, let data = buffer {
                        if failure == nil {
                            do {
                                try (index == 0 ? sink : otherSink)(UnsafeRawBufferPointer(start: data, count: Int(length)))
                            } catch {
                                failure = error
                            }
                        }
                        PQfreemem(data)
                        buffer = nil
                        if failure != nil, !cancelled {
                            cancelled = true
                            for other in 0 ..< 2 where active[other] { connections[other].cancelRequest() }
                        }
                        continue
                    }
                    if length == 0 {
                        waiting.append(index)
                    } else {
                        drained = true  // -1: done (the result follows); -2: failure (the result says why)
                    }
                    break
                }
                if drained {
                    active[index] = false
                    // After a sink's failure, the cancellation's own error is not the story.
                    if case .failure(let error) = connections[index].finishCopy(sql: statements[index]), failure == nil { failure = error }
                }
            }
            guard !waiting.isEmpty, waiting.count == active.filter({ $0 }).count else { continue }
            // Neither has data: wait for either socket, then let libpq read what came.
            var descriptors = waiting.map { pollfd(fd: PQsocket(connections[$0].handle), events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0, errno != EINTR {
                // Cannot wait: cancel both, read what remains the blocking way, and give up.
                let error = PostgresError(kind: .connection, message: "waiting for COPY data failed: \(String(cString: strerror(errno)))")
                for index in 0 ..< 2 where active[index] {
                    connections[index].cancelRequest()
                    while PQgetCopyData(connections[index].handle, &buffer, 0) > 0 {
                        if let data = buffer { PQfreemem(data) }
                        buffer = nil
                    }
                    _ = connections[index].finishCopy(sql: statements[index])
                    active[index] = false
                }
                throw failure ?? error
            }
            for index in waiting where PQconsumeInput(connections[index].handle) != 1 {
                if failure == nil { failure = connections[index].connectionError(sql: statements[index]) }
                active[index] = false
                while let rest = PQgetResult(connections[index].handle) { PQclear(rest) }
            }
        }
        if let failure { throw failure }
    }

    /// Asks the server to cancel what this connection runs (a COPY being read); the result then
    /// arrives as an error.
    func cancelRequest() {
        guard let cancel = PQgetCancel(handle) else { return }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
        PQfreeCancel(cancel)
    }
}
