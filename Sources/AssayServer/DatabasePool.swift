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
/// taking jobs in turn; a connection therefore never crosses threads and is used by one job at a
/// time. Jobs wait while every connection they may use is busy, so a thousand candidates share
/// eight connections. A connection that fails is opened again before the thread's next job.
///
/// Every job names its ``Lane``. ``reserved`` of the connections take only ``Lane/short`` jobs
/// (one statement: an answer, a question shown, a draft saved); the others take short jobs
/// first and ``Lane/long`` jobs (overview, begin, submit, anything of several statements) when
/// no short job waits. A burst of long jobs therefore never holds every connection: an answer
/// waits at most for the short jobs queued before it, never behind a submission. Within a lane
/// jobs start in the order they were asked for. A long job waits while short jobs are queued;
/// since each candidate has at most one call outstanding, that queue is bounded by the number of
/// sessions and long jobs are not starved. `Sendable`.
public final class DatabasePool: Sendable {
    /// Which connections a job may use.
    public enum Lane: Sendable {
        /// One short statement (an answer, a question, a draft): any connection, before any
        /// waiting long job.
        case short
        /// Several statements or a transaction (overview, begin, submit, the slower paths):
        /// only the connections that are not reserved for short jobs.
        case long
    }

    /// A job: runs on a pool thread with that thread's connection.
    typealias Job = @Sendable (Connection?) -> Void

    /// Jobs of one lane in arrival order.
    private struct Jobs {
        var items: [Job] = []
        var head = 0

        var count: Int { items.count - head }

        mutating func append(_ job: @escaping Job) { items.append(job) }

        mutating func pop() -> Job? {
            guard head < items.count else { return nil }
            let job = items[head]
            head += 1
            if head > 1024, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private struct State {
        var short = Jobs()
        var long = Jobs()
        /// Threads (by index) waiting for a job, oldest first.
        var idle: [Int] = []
        /// Jobs handed directly to an idle thread, by thread index.
        var handed: [Int: Job] = [:]
        var stopping = false
        var startFailure: (any Error)?
    }

    /// What a thread does next.
    private enum Step {
        case run(Job)
        case wait
        case stop
    }

    /// How many connections (and threads) the pool has.
    public let size: Int
    /// How many of them take only ``Lane/short`` jobs: threads `0..<reserved`.
    public let reserved: Int
    private let conninfo: String
    private let logger: Logger
    private let threads: NIOThreadPool
    private let state = Mutex(State())
    /// One per thread: signalled when the thread is handed a job or the pool stops.
    private let wake: [DispatchSemaphore]
    private let ready = DispatchSemaphore(value: 0)

    /// The connections reserved for short jobs by default: a quarter of the pool, at least one,
    /// and none when the pool has a single connection (long jobs need one too).
    ///
    /// - Parameter size: the pool's connections.
    /// - Returns: `max(1, size / 4)` for a size of 2 or more, else 0.
    public static func defaultReserved(size: Int) -> Int {
        size >= 2 ? max(1, size / 4) : 0
    }

    /// A pool; nothing is opened until ``start()``.
    ///
    /// - Parameters:
    ///   - size: connections and threads (at least 1).
    ///   - reserved: connections that take only short jobs; nil for ``defaultReserved(size:)``.
    ///     Clamped to `0...size - 1`, so that long jobs always have a connection.
    ///   - conninfo: the libpq connection string.
    ///   - logger: where connection failures are logged.
    public init(size: Int, reserved: Int? = nil, conninfo: String, logger: Logger) {
        self.size = max(1, size)
        self.reserved = min(max(0, reserved ?? Self.defaultReserved(size: self.size)), self.size - 1)
        self.conninfo = conninfo
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: self.size)
        self.wake = (0..<self.size).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Starts the threads and opens every connection; returns once all are open.
    ///
    /// - Throws: ``PostgresError`` from the first connection that could not be opened (the pool
    ///   is then stopped).
    public func start() throws {
        threads.start()
        for index in 0..<size {
            threads.submit { [self] _ in work(index) }
        }
        for _ in 0..<size { ready.wait() }
        if let failure = state.withLock({ $0.startFailure }) {
            shutdown()
            throw failure
        }
    }

    /// Runs `body` with a connection on a pool thread, waiting for a free connection of its lane
    /// first.
    ///
    /// - Parameters:
    ///   - lane: ``Lane/short`` for one statement, ``Lane/long`` (the default) for anything more.
    ///   - body: the blocking work; it must leave the connection outside a transaction.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw; ``PostgresError`` (connection) when the database cannot be
    ///   reached or the pool is shut down.
    public func run<T: Sendable>(_ lane: Lane = .long, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = enqueue(lane) { connection in
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

    /// Runs `body` on a free connection of its lane and waits for it, blocking the calling
    /// thread: for a thread of its own (a candidate's prompt), never for an event loop or a Swift
    /// concurrency task (use ``run(_:_:)`` there).
    ///
    /// - Parameters:
    ///   - lane: ``Lane/short`` for one statement, ``Lane/long`` (the default) for anything more.
    ///   - body: the work; it must not leave a transaction open.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; `PostgresError` of kind `connection` when no connection can
    ///   be opened or the pool is shutting down.
    public func runBlocking<T: Sendable>(_ lane: Lane = .long, _ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        let outcome = BlockingOutcome<T>()
        let accepted = enqueue(lane) { connection in
            if let connection {
                outcome.finish(Result { try body(connection) })
            } else {
                outcome.finish(.failure(PostgresError(kind: .connection, message: "the database cannot be reached")))
            }
        }
        guard accepted else { throw PostgresError(kind: .connection, message: "the server is shutting down") }
        return try outcome.wait()
    }

    /// Jobs waiting in each lane (not yet taken by a thread); for tests.
    var waiting: (short: Int, long: Int) {
        state.withLock { ($0.short.count, $0.long.count) }
    }

    /// Whether ``shutdown()`` has begun; for tests.
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Stops taking jobs, lets the queued ones finish, and ends the threads (each closes its
    /// connection). Returns once they have ended.
    public func shutdown() {
        let idle: [Int]? = state.withLock { state in
            guard !state.stopping else { return nil }
            state.stopping = true
            defer { state.idle = [] }
            return state.idle
        }
        guard let idle else { return }
        for index in idle { wake[index].signal() }
        try? threads.syncShutdownGracefully()
    }

    /// Hands `job` to an idle thread that may take it (a reserved one first for a short job), or
    /// queues it in its lane.
    private func enqueue(_ lane: Lane, _ job: @escaping Job) -> Bool {
        let outcome: (accepted: Bool, woken: Int?) = state.withLock { state in
            guard !state.stopping else { return (false, nil) }
            let pick: Int?
            switch lane {
            case .short: pick = state.idle.firstIndex { $0 < reserved } ?? state.idle.indices.first
            case .long: pick = state.idle.firstIndex { $0 >= reserved }
            }
            guard let pick else {
                switch lane {
                case .short: state.short.append(job)
                case .long: state.long.append(job)
                }
                return (true, nil)
            }
            let thread = state.idle.remove(at: pick)
            state.handed[thread] = job
            return (true, thread)
        }
        if let thread = outcome.woken { wake[thread].signal() }
        return outcome.accepted
    }

    /// Thread `index`'s next job, waiting for one; nil when the pool is stopping and no job it
    /// may take is left.
    private func next(_ index: Int) -> Job? {
        while true {
            let step: Step = state.withLock { state in
                if let job = state.handed.removeValue(forKey: index) { return .run(job) }
                if let job = state.short.pop() { return .run(job) }
                if index >= reserved, let job = state.long.pop() { return .run(job) }
                if state.stopping { return .stop }
                state.idle.append(index)
                return .wait
            }
            switch step {
            case .run(let job): return job
            case .stop: return nil
            case .wait: wake[index].wait()
            }
        }
    }

    /// One thread's life: open a connection, then run jobs until the pool stops.
    private func work(_ index: Int) {
        var connection: Connection?
        do {
            connection = try Connection(conninfo, logger: logger)
        } catch {
            state.withLock { state in state.startFailure = state.startFailure ?? error }
        }
        ready.signal()
        while let job = next(index) {
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
