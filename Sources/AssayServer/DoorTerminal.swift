import NIOCore
import NIOSSH
import Synchronization

/// A candidate's end of one SSH shell session, as a ``DoorSession`` sees it: a byte stream in
/// each direction and a window size.
///
/// Input arrives as ``events``, which ends when the session does (``end`` then says why).
/// ``write(_:)`` sends bytes exactly as given: there is no pseudo-terminal on the server, so the
/// session itself echoes what is typed and ends lines with `\r\n`. Safe to use from any task;
/// writes keep their order. `Sendable`.
public final class DoorTerminal: Sendable {
    private struct State {
        var window: WindowSize
        var buffered = 0
        var end: DoorEnd?
        var closing = false
    }

    /// The mutable state, in a box that the events' iterator shares.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    /// The most input bytes waiting to be read before the session is closed as flooded.
    public static let inputLimit = 1 << 20

    /// Who is connected.
    public let peer: DoorPeer
    /// The client's `TERM` (e.g. `xterm-256color`).
    public let terminalType: String
    /// What the candidate sends, in order; ends with the session.
    public let events: DoorEvents
    private let continuation: AsyncStream<DoorEvent>.Continuation
    private let channel: any Channel
    private let shared: Shared

    init(peer: DoorPeer, terminalType: String, window: WindowSize, channel: any Channel) {
        self.peer = peer
        self.terminalType = terminalType
        self.channel = channel
        let shared = Shared(State(window: window))
        self.shared = shared
        let (stream, continuation) = AsyncStream<DoorEvent>.makeStream()
        self.continuation = continuation
        // The iterator hands back the byte count it has read, to keep the input limit.
        self.events = DoorEvents(stream: stream, consumed: { count in shared.state.withLock { $0.buffered -= count } })
    }

    /// The window's size now.
    public var windowSize: WindowSize { shared.state.withLock { $0.window } }

    /// Why the session ended, or nil while it runs.
    public var end: DoorEnd? { shared.state.withLock { $0.end } }

    /// Sends bytes to the candidate's terminal.
    ///
    /// - Parameter bytes: the bytes, sent as they are.
    public func write(_ bytes: some Sequence<UInt8>) {
        let buffer = channel.allocator.buffer(bytes: Array(bytes))
        channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(buffer)), promise: nil)
    }

    /// Sends text to the candidate's terminal, as UTF-8, exactly as given.
    ///
    /// - Parameter text: the text; write `\r\n` to end a line.
    public func write(_ text: String) {
        write(text.utf8)
    }

    /// Ends the session: sends the exit status and closes the channel (the connection follows).
    ///
    /// - Parameter exitStatus: what the client's `ssh` exits with (0 when all went well).
    public func close(exitStatus: Int = 0) {
        finish(.closed)
        sendExitStatusAndClose(exitStatus)
    }

    /// Sends the exit status and closes the channel, once (later calls do nothing).
    func sendExitStatusAndClose(_ exitStatus: Int) {
        let first = shared.state.withLock { state in
            defer { state.closing = true }
            return !state.closing
        }
        guard first else { return }
        let channel = self.channel
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: exitStatus)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Input from the client (on the channel's event loop).
    func receive(_ bytes: [UInt8]) -> Bool {
        let accepted = shared.state.withLock { state -> Bool in
            guard state.end == nil else { return true }
            guard state.buffered + bytes.count <= Self.inputLimit else { return false }
            state.buffered += bytes.count
            return true
        }
        if accepted { continuation.yield(.input(bytes)) }
        return accepted
    }

    /// A window change from the client.
    func resize(_ window: WindowSize) {
        let changed = shared.state.withLock { state -> Bool in
            defer { state.window = window }
            return state.window != window && state.end == nil
        }
        if changed { continuation.yield(.resize(window)) }
    }

    /// Ends ``events`` (idempotent: the first reason stays).
    func finish(_ reason: DoorEnd) {
        shared.state.withLock { state in
            if state.end == nil { state.end = reason }
        }
        continuation.finish()
    }
}

/// The events of a ``DoorTerminal``: input bytes and window changes, in order, until the
/// session ends. `Sendable`; iterate it once.
public struct DoorEvents: AsyncSequence, Sendable {
    /// Each element is one event.
    public typealias Element = DoorEvent
    /// The sequence never throws.
    public typealias Failure = Never

    let stream: AsyncStream<DoorEvent>
    let consumed: @Sendable (Int) -> Void

    /// The iterator.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<DoorEvent>.AsyncIterator
        let consumed: @Sendable (Int) -> Void

        /// The next event, or nil once the session has ended.
        public mutating func next() async -> DoorEvent? {
            let event = await base.next()
            if case .input(let bytes)? = event { consumed(bytes.count) }
            return event
        }
    }

    /// An iterator over the events.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), consumed: consumed)
    }
}
