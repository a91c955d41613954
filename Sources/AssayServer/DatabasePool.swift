import AssayCore
import Dispatch
public import Logging
import NIOPosix
public import Postgres
import Synchronization

/// A few libpq connections, each owned by one thread of a `NIOThreadPool`, that run the door's
/// blocking database calls: no libpq call ever runs on an event loop or on Swift's cooperative
/// threads.
///
/// Each of the ``size`` threads opens its own ``Connection`` and keeps it for its whole life,
/// taking jobs from one queue in turn; a connection therefore never crosses threads and is used
/// by one job at a time. Jobs wait in the queue while every connection is busy, so a thousand
/// candidates share eight connections. A connection that fails is opened again before the
/// thread's next job. `Sendable`.
public final class DatabasePool: Sendable {
    /// A job: runs on a pool thread with that thread's connection.
    typealias Job = @Sendable (Connection?) -> Void

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var stopping = false
        var started = 0
        var startFailure: (any Error)?
    }

    /// How many connections (and threads) the pool has.
    public let size: Int
    private let conninfo: String
    private let logger: Logger
    private let threads: NIOThreadPool
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)

    /// A pool; nothing is opened until ``start()``.
    ///
    /// - Parameters:
    ///   - size: connections and threads (at least 1).
    ///   - conninfo: the libpq connection string.
    ///   - logger: where connection failures are logged.
    public init(size: Int, conninfo: String, logger: Logger) {
        self.size = max(1, size)
        self.conninfo = conninfo
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: self.size)
    }

    /// Starts the threads and opens every connection; returns once all are open.
    ///
    /// - Throws: ``PostgresError`` from the first connection that could not be opened (the pool
    ///   is then stopped).
    public func start() throws {
        threads.start()
        for _ in 0..<size {
            threads.submit { [self] _ in work() }
        }
        for _ in 0..<size { ready.wait() }
        if let failure = queue.withLock({ $0.startFailure }) {
            shutdown()
            throw failure
        }
    }

    /// Runs `body` with a connection on a pool thread, waiting for a free connection first.
    ///
    /// - Parameter body: the blocking work; it must leave the connection outside a transaction.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw; ``PostgresError`` (connection) when the database cannot be
    ///   reached or the pool is shut down.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = enqueue { connection in
                guard let connection else {
                    continuation.resume(throwing: PostgresError(kind: .connection, message: "the database cannot be reached"))
                    return
                }
                continuation.resume(with: Result { try body(connection) })
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(kind: .connection, message: "the server is shutting down"))
            }
        }
    }

    /// Runs `body` on a free connection and waits for it, blocking the calling thread: for a
    /// thread of its own (a candidate's prompt), never for an event loop or a Swift concurrency
    /// task (use ``run(_:)`` there).
    ///
    /// - Parameter body: the work; it must not leave a transaction open.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; `PostgresError` of kind `connection` when no connection can
    ///   be opened or the pool is shutting down.
    public func runBlocking<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        let outcome = BlockingOutcome<T>()
        let accepted = enqueue { connection in
            if let connection {
                outcome.finish(Result { try body(connection) })
            } else {
                outcome.finish(.failure(PostgresError(kind: .connection, message: "the database cannot be reached")))
            }
        }
        guard accepted else { throw PostgresError(kind: .connection, message: "the server is shutting down") }
        return try outcome.wait()
    }

    /// Stops taking jobs, lets the queued ones finish, and ends the threads (each closes its
    /// connection). Returns once they have ended.
    public func shutdown() {
        let alreadyStopping = queue.withLock { queue in
            defer { queue.stopping = true }
            return queue.stopping
        }
        guard !alreadyStopping else { return }
        for _ in 0..<size { available.signal() }
        try? threads.syncShutdownGracefully()
    }

    private func enqueue(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard !queue.stopping else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// The next job, or nil when the pool is stopping and the queue is empty.
    private func next() -> Job? {
        available.wait()
        return queue.withLock { queue in
            guard queue.head < queue.jobs.count else { return nil }
            let job = queue.jobs[queue.head]
            queue.head += 1
            if queue.head > 1024, queue.head * 2 > queue.jobs.count {
                queue.jobs.removeFirst(queue.head)
                queue.head = 0
            }
            return job
        }
    }

    /// One thread's life: open a connection, then run jobs until the pool stops.
    private func work() {
        var connection: Connection?
        do {
            connection = try Connection(conninfo, logger: logger)
        } catch {
            queue.withLock { queue in queue.startFailure = queue.startFailure ?? error }
        }
        ready.signal()
        while let job = next() {
            if connection?.isOpen != true {
                connection = nil
                do {
                    connection = try Connection(conninfo, logger: logger)
                } catch {
                    logger.error("database connection failed", metadata: ["error": "\(error)"])
                }
            }
            job(connection)
            if let open = connection, open.isInTransaction || !open.isOpen {
                // A job must not leave a transaction open; never hand one on.
                connection = nil
            }
        }
    }
}

/// The result of one ``DatabasePool/runBlocking(_:)`` job, handed from the pool's thread to the
/// waiting one. `Sendable`: the result sits behind a `Mutex`, the hand-over is a semaphore.
private final class BlockingOutcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ value: Result<T, any Error>) {
        result.withLock { $0 = value }
        done.signal()
    }

    func wait() throws -> T {
        done.wait()
        guard let value = result.withLock({ $0 }) else {
            throw PostgresError(kind: .connection, message: "the database call ended without a result")
        }
        return try value.get()
    }
}
