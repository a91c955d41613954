import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``TerminalInputSource`` over a file descriptor (standard input), with signals turned into
/// input: SIGWINCH becomes ``TerminalInput/resize(_:)`` and SIGINT ``TerminalInput/interrupt``.
///
/// Signals are caught by dispatch sources (the process ignores them meanwhile) that write one
/// byte to a pipe this source polls beside the descriptor, so a wait for input wakes at once.
/// ``close()`` (or deinit) cancels the sources and restores the signals' default handling.
final class FileDescriptorInput: TerminalInputSource {
    private let descriptor: Int32
    private var wakeRead: Int32
    private let wakeWrite: Int32
    private let windowSize: () -> TerminalSize?
    private var sources: [any DispatchSourceSignal] = []
    private var watched: [Int32] = []
    private var ended = false

    /// A source reading `descriptor`.
    ///
    /// - Parameters:
    ///   - descriptor: the file descriptor to read.
    ///   - resizes: deliver SIGWINCH as a resize.
    ///   - interrupts: deliver SIGINT as an interrupt.
    ///   - windowSize: the window's size now, asked after each SIGWINCH.
    init(descriptor: Int32, resizes: Bool, interrupts: Bool, windowSize: @escaping () -> TerminalSize?) {
        self.descriptor = descriptor
        self.windowSize = windowSize
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
            _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        guard wakeWrite >= 0 else { return }
        var wanted: [(Int32, UInt8)] = []
        if resizes { wanted.append((SIGWINCH, UInt8(ascii: "W"))) }
        if interrupts { wanted.append((SIGINT, UInt8(ascii: "I"))) }
        let pipeEnd = wakeWrite
        // The pipe's write end is closed only once every source is cancelled: a handler that
        // is still running cannot write into a descriptor number that was reused.
        let handlers = DispatchGroup()
        for (number, tag) in wanted {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                var byte = tag
                _ = write(pipeEnd, &byte, 1)
            }
            handlers.enter()
            source.setCancelHandler { handlers.leave() }
            source.resume()
            sources.append(source)
            watched.append(number)
        }
        handlers.notify(queue: .global()) { closeDescriptor(pipeEnd) }
    }

    deinit { close() }

    /// Stops watching signals (their default handling comes back) and closes the pipe (its write
    /// end once the sources' cancellation has finished).
    func close() {
        for source in sources { source.cancel() }
        sources = []
        for number in watched { signal(number, SIG_DFL) }
        watched = []
        if wakeRead >= 0 { closeDescriptor(wakeRead) }
        wakeRead = -1
    }

    /// The next input: bytes read, a signal, or the end of the input.
    ///
    /// - Parameter timeout: seconds; nil waits for ever.
    /// - Returns: the input, or nil when the time passed.
    func next(timeout: Double?) -> TerminalInput? {
        if ended { return .end }
        let start = SystemClock().now()
        while true {
            let remaining = timeout.map { max(0, $0 - (SystemClock().now() - start)) }
            let milliseconds = remaining.map { Int32(min(($0 * 1000).rounded(.up), 86_400_000)) } ?? -1
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, milliseconds)  // a negative descriptor (no pipe) is skipped
            if ready < 0 {
                if errno == EINTR { continue }
                ended = true
                return .end
            }
            if ready == 0 { return nil }
            if wakeRead >= 0, fds[0].revents & Int16(POLLIN) != 0 {
                var tag: UInt8 = 0
                if read(wakeRead, &tag, 1) == 1 {
                    if tag == UInt8(ascii: "I") { return .interrupt }
                    if tag == UInt8(ascii: "W"), let size = windowSize() { return .resize(size) }
                }
                continue
            }
            guard fds[1].revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return .bytes(Array(chunk.prefix(count))) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            ended = true
            return .end
        }
    }
}

/// Closes a file descriptor (the C function, which ``FileDescriptorInput/close()`` hides).
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
