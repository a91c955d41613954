import Dispatch
import Synchronization

/// A ``TerminalInputSource`` fed from another thread: a network channel pushes what arrives
/// (bytes, window changes, the end) and the prompt's thread takes it.
///
/// This is how a remote door serves the prompt: its channel handler calls ``push(_:)`` on its
/// event loop, and ``EditingTerminal`` blocks in ``next(timeout:)`` on the thread that runs the
/// prompt. `Sendable` by construction: the queue sits behind a `Mutex`, waits use a semaphore.
public final class QueuedInput: TerminalInputSource, Sendable {
    private struct State {
        var items: [TerminalInput] = []
        var ended = false
    }

    private let state = Mutex(State())
    private let arrived = DispatchSemaphore(value: 0)

    /// An empty queue.
    public init() {}

    /// Adds what arrived; callable from any thread. Nothing is taken after ``TerminalInput/end``.
    ///
    /// - Parameter input: the input.
    public func push(_ input: TerminalInput) {
        state.withLock { state in state.items.append(input) }
        arrived.signal()
    }

    private func take() -> TerminalInput? {
        state.withLock { state in
            if state.ended { return .end }
            guard !state.items.isEmpty else { return nil }
            let item = state.items.removeFirst()
            if item == .end { state.ended = true }
            return item
        }
    }

    /// The next input in arrival order, waiting at most `timeout` seconds for one.
    ///
    /// - Parameter timeout: seconds; nil waits for ever.
    /// - Returns: the input, or nil when the time passed.
    public func next(timeout: Double?) -> TerminalInput? {
        let deadline = timeout.map { DispatchTime.now() + max(0, $0) }
        while true {
            if let item = take() { return item }
            if let deadline {
                if arrived.wait(timeout: deadline) == .timedOut { return take() }
            } else {
                arrived.wait()
            }
        }
    }
}
