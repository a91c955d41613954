import Dispatch
import Synchronization

/// Feeds a running `COPY … FROM STDIN` from a serial queue of its own, a few chunks ahead of the
/// caller, so that the caller prepares the next chunk while the last one is sent.
///
/// With one feeder per connection, two COPYs fed from one loop both keep going: neither server
/// waits while the other one's socket is full, so two tables are written at once, on two cores.
/// A feeder exists only inside the body of ``Connection/copyIn(_:feederLabel:pending:sendBuffer:_:)``,
/// which waits for it to finish before it ends the COPY.
///
/// Failures are reported late: ``send(_:)`` throws the first failure of an earlier chunk, and
/// ``drain()`` the failure of any chunk.
///
/// ## Thread confinement (the package's one audited `@unchecked Sendable`)
///
/// The feeder is handed to the queue's blocks, so it must be `Sendable`; its `writer` (and
/// through it the non-`Sendable` ``Connection``) is not. This is sound because:
/// 1. `writer` is used only by blocks on `queue`, a serial queue: one block at a time.
/// 2. The connection is not used anywhere else while blocks may run: the only maker of feeders,
///    ``Connection/copyIn(_:feederLabel:pending:sendBuffer:_:)``, runs its body (which cannot
///    reach the connection's COPY except through this feeder), then calls ``drain()``, which
///    waits for every queued block, before it touches the connection again; and it marks the
///    feeder finished, after which ``send(_:)`` queues nothing.
/// 3. Every other stored property is immutable and `Sendable`, or inside a `Mutex`.
public final class CopyFeeder: @unchecked Sendable {
    private let writer: CopyInWriter
    private let writerID: ObjectIdentifier
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private struct State {
        var failure: (any Error)?
        var abandoned = false
        var finished = false
    }
    private let state = Mutex(State())

    init(_ writer: CopyInWriter, label: String, pending: Int, sendBuffer: Int32?) {
        if let sendBuffer { writer.enlargeSendBuffer(to: sendBuffer) }
        self.writer = writer
        writerID = ObjectIdentifier(writer)
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: pending)
    }

    /// Queues a chunk of COPY data, waiting while `pending` chunks are already queued.
    ///
    /// Before each chunk is sent, the server is asked (one `poll`) whether it has already
    /// refused the COPY; the feeder then stops and ``Connection/copyIn(_:feederLabel:pending:sendBuffer:_:)``
    /// throws the server's error.
    ///
    /// - Parameter bytes: the data (rows may span chunks).
    /// - Throws: the first failure of an earlier chunk; a ``PostgresError`` of kind
    ///   ``PostgresError/Kind/usage`` once the COPY has ended.
    public func send(_ bytes: [UInt8]) throws {
        let current = state.withLock { ($0.failure, $0.finished) }
        if let failure = current.0 { throw failure }
        guard !current.1 else { throw PostgresError(kind: .usage, message: "a CopyFeeder was used after its COPY ended") }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard state.withLock({ $0.failure == nil && !$0.abandoned }) else { return }
            do {
                try writer.checkServer()
                try writer.write(bytes)
            } catch {
                state.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    /// Drops the chunks not yet sent (the COPY is about to be aborted).
    public func abandon() { state.withLock { $0.abandoned = true } }

    /// Waits until every queued chunk is sent (or dropped).
    ///
    /// - Throws: the first failure of a chunk.
    public func drain() throws {
        queue.sync {}
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    /// The error for a caller to throw from the COPY's body when it learned by other means (for
    /// example another connection's view of `pg_stat_activity`) that the server refused this
    /// COPY: ``Connection/copyIn(_:feederLabel:pending:sendBuffer:_:)`` then throws the server's
    /// own error.
    public func endedByServer() -> any Error { CopyInWriter.ServerEndedCopy(writer: writerID) }

    /// Drains and marks the feeder finished: from here on the connection is its owner's again.
    fileprivate func finish() {
        queue.sync {}
        state.withLock { $0.finished = true }
    }
}

extension Connection {
    /// Runs `COPY … FROM STDIN` fed by a ``CopyFeeder``: `body` queues chunks, which a thread of
    /// the feeder's own sends while `body` prepares the next ones.
    ///
    /// - Parameters:
    ///   - sql: the COPY statement.
    ///   - feederLabel: the name of the feeder's queue (shown by debuggers).
    ///   - pending: how many chunks may wait to be sent before ``CopyFeeder/send(_:)`` waits.
    ///   - sendBuffer: a larger send buffer for the socket, in bytes (room for a whole chunk
    ///     means fewer wake-ups of the sending thread and of the server), or nil for the
    ///     system's default.
    ///   - body: queues the data; throwing drops what is still queued, aborts the COPY (nothing
    ///     of it is kept) and the error is rethrown.
    /// - Returns: the number of rows copied.
    /// - Throws: the server's ``PostgresError`` when it refuses the COPY (also when it did so
    ///   while chunks were still being sent), a failure to send, or `body`'s error.
    @discardableResult
    public func copyIn(_ sql: String, feederLabel: String, pending: Int = 3, sendBuffer: Int32? = nil,
                       _ body: (CopyFeeder) throws -> Void) throws -> Int {
        try copyIn(sql) { writer in
            let feeder = CopyFeeder(writer, label: feederLabel, pending: max(pending, 1), sendBuffer: sendBuffer)
            // Whatever happens, no block of the feeder runs once this body has returned.
            defer { feeder.finish() }
            do {
                try body(feeder)
            } catch {
                feeder.abandon()
                _ = try? feeder.drain()
                throw error
            }
            // A failure of a chunk is thrown inside this COPY's body, so that copyIn reports
            // the server's reason.
            try feeder.drain()
        }
    }
}
