/// A ``Terminal`` of plain lines, for pipes and files: no window, no colour, no echo and no
/// editing (the other end sends finished lines), so a script can drive the prompt line by line.
///
/// A line ends at LF (a CR before it is dropped); the last line may end with the input. Invalid
/// UTF-8 becomes U+FFFD. A line longer than ``maxLineBytes`` is cut there (the rest of it is
/// read and dropped), so that the prompt refuses it as too long instead of holding it all.
/// Nothing is wrapped (``size`` is nil). Control characters are passed on: the prompt refuses
/// them with a clear message.
public final class PlainTerminal: Terminal {
    /// The longest line kept, in bytes (more than any answer may hold).
    public static let maxLineBytes = 100_000

    /// Nil: there is no window.
    public var size: TerminalSize? { nil }
    /// False.
    public var supportsColour: Bool { false }
    /// False: lines arrive finished.
    public var editsLines: Bool { false }
    /// Empty: a partial line is not shown.
    public var pendingInput: String { "" }
    /// Ignored: lines arrive finished.
    public var pastedNewlinesEndLines = true

    private let input: any TerminalInputSource
    private let clock: any TerminalClock
    private let output: (String) -> Void
    private var buffer: [UInt8] = []
    private var dropping = false
    private var ended = false
    private var prompt = ""
    private var open = false

    /// A plain terminal over `input` and `output`.
    ///
    /// - Parameters:
    ///   - input: where lines come from.
    ///   - clock: the clock timeouts are measured with.
    ///   - output: receives everything written.
    public init(input: any TerminalInputSource, clock: any TerminalClock = SystemClock(), output: @escaping (String) -> Void) {
        self.input = input
        self.clock = clock
        self.output = output
    }

    /// Writes `text` as it is.
    ///
    /// - Parameter text: the text.
    public func write(_ text: String) { output(text) }

    /// Writes the prompt (once per line) and returns the next line.
    ///
    /// - Parameters:
    ///   - prompt: the prompt.
    ///   - timeout: seconds to wait at most; nil for ever.
    /// - Returns: the line, ``TerminalEvent/endOfInput`` at the end, ``TerminalEvent/interrupt``
    ///   on SIGINT, or ``TerminalEvent/timeout``.
    public func readLine(prompt: String, timeout: Double?) -> TerminalEvent {
        if !open {
            open = true
            self.prompt = prompt
            output(prompt)
        }
        let deadline = timeout.map { clock.now() + $0 }
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                var line = buffer[..<end]
                buffer.removeSubrange(...end)
                if line.last == 0x0D { line = line.dropLast() }
                open = false
                return .line(String(decoding: line, as: UTF8.self))
            }
            if ended {
                guard !buffer.isEmpty else { return .endOfInput }
                let line = buffer
                buffer = []
                open = false
                return .line(String(decoding: line, as: UTF8.self))
            }
            let remaining = deadline.map { $0 - clock.now() }
            if let remaining, remaining <= 0 { return .timeout }
            guard let next = input.next(timeout: remaining) else { return .timeout }
            switch next {
            case .bytes(let bytes):
                take(bytes[...])
            case .resize:
                continue
            case .interrupt:
                return .interrupt
            case .end:
                ended = true
            }
        }
    }

    private func take(_ bytes: ArraySlice<UInt8>) {
        var bytes = bytes
        while !bytes.isEmpty {
            if dropping {
                guard let end = bytes.firstIndex(of: 0x0A) else { return }
                dropping = false
                buffer.append(0x0A)
                bytes = bytes[(end + 1)...]
                continue
            }
            let start = buffer.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let room = Self.maxLineBytes + 1 - (buffer.count - start)
            if let end = bytes.firstIndex(of: 0x0A), end - bytes.startIndex < room {
                buffer += bytes[...end]
                bytes = bytes[(end + 1)...]
            } else if bytes.count <= room {
                buffer += bytes
                return
            } else {
                buffer += bytes.prefix(room)
                bytes = bytes.dropFirst(room)
                dropping = true
            }
        }
    }

    /// Writes the message on its own line, then the prompt again when a line is being read.
    ///
    /// - Parameter text: the message.
    public func notice(_ text: String) {
        output(open ? "\n\(text)\n\(prompt)" : "\(text)\n")
    }

    /// Ends the line being read, moving to a new line.
    ///
    /// - Returns: always empty: a partial line is not shown, so nothing of it was typed here.
    @discardableResult
    public func abandonLine() -> String {
        if open { output("\n") }
        open = false
        return ""
    }

    /// Nothing to clear.
    public func clearScreen() {}
}
