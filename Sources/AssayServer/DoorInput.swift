import CandidateTerminal
import Dispatch
import Synchronization

/// The prompt's input on the door: what the session's events carry (bytes, window changes, the
/// end), queued for the prompt's thread, with the bytes waiting to be read bounded by
/// ``DoorTerminal/inputLimit`` (as they are before the prompt starts), so that a client that
/// sends faster than the prompt reads cannot grow the server's memory.
///
/// `Sendable` by construction: the queue sits behind a `Mutex`, waits use a semaphore.
final class DoorInput: TerminalInputSource, Sendable {
    private struct State {
        var items: [TerminalInput] = []
        var ended = false
        var waitingBytes = 0
    }

    private let state = Mutex(State())
    private let arrived = DispatchSemaphore(value: 0)

    /// Adds what arrived; false (and nothing added) when the bytes waiting would pass the limit.
    func push(_ input: TerminalInput) -> Bool {
        let accepted = state.withLock { state -> Bool in
            if case .bytes(let bytes) = input {
                guard state.waitingBytes + bytes.count <= DoorTerminal.inputLimit else { return false }
                state.waitingBytes += bytes.count
            }
            state.items.append(input)
            return true
        }
        if accepted { arrived.signal() }
        return accepted
    }

    private func take() -> TerminalInput? {
        state.withLock { state in
            if state.ended { return .end }
            guard !state.items.isEmpty else { return nil }
            let item = state.items.removeFirst()
            switch item {
            case .end: state.ended = true
            case .bytes(let bytes): state.waitingBytes -= bytes.count
            default: break
            }
            return item
        }
    }

    /// The next input in arrival order, waiting at most `timeout` seconds for one.
    func next(timeout: Double?) -> TerminalInput? {
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
