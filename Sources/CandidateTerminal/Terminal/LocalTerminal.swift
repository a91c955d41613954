import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal of this process: standard input and output.
///
/// When both are a terminal (and `TERM` is not `dumb`) it is an ``EditingTerminal`` over them:
/// raw mode (``RawMode``, restored by ``close()``, by deinit and on SIGTERM, SIGHUP and
/// SIGQUIT), bracketed paste turned on, the window size from `TIOCGWINSZ` and again on every
/// SIGWINCH, colour unless `NO_COLOR` is set. Otherwise it is a ``PlainTerminal``: plain lines, no
/// colour, and SIGINT (Ctrl-C in a cooked terminal) delivered as an interrupt so the prompt can
/// pause cleanly.
public final class LocalTerminal: Terminal {
    private let inner: any Terminal
    private let input: FileDescriptorInput
    private let rawMode: RawMode?
    private var closed = false

    /// Opens the process's terminal.
    ///
    /// - Parameter environment: the variables to read (`TERM`, `NO_COLOR`, `COLUMNS`, `LINES`);
    ///   the process's environment when nil.
    public init(environment: [String: String]? = nil) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let interactive = isatty(0) == 1 && isatty(1) == 1 && environment["TERM"] != "dumb"
        let output: (String) -> Void = { text in Self.writeAll(text) }
        if interactive, let raw = RawMode(descriptor: 0, onExit: "\u{1B}[?2004l\r\n") {
            let fallback = TerminalSize(columns: environment["COLUMNS"].flatMap(Int.init) ?? 80,
                                        rows: environment["LINES"].flatMap(Int.init) ?? 24)
            let input = FileDescriptorInput(descriptor: 0, resizes: true, interrupts: true) { Self.windowSize() ?? fallback }
            self.rawMode = raw
            self.input = input
            self.inner = EditingTerminal(input: input, size: Self.windowSize() ?? fallback,
                                         colour: environment["NO_COLOR"] == nil, output: output)
            Self.writeAll("\u{1B}[?2004h")  // bracketed paste: a paste arrives marked as one
        } else {
            let input = FileDescriptorInput(descriptor: 0, resizes: false, interrupts: true) { nil }
            self.rawMode = nil
            self.input = input
            self.inner = PlainTerminal(input: input, output: output)
        }
    }

    deinit { close() }

    /// Restores the terminal's settings and signal handling; later calls do nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        if rawMode != nil { Self.writeAll("\u{1B}[?2004l") }
        rawMode?.restore()
        input.close()
    }

    /// The window's size; nil on pipes.
    public var size: TerminalSize? { inner.size }
    /// Whether bold and dim are written.
    public var supportsColour: Bool { inner.supportsColour }
    /// Whether lines are edited here (a terminal) or arrive finished (pipes).
    public var editsLines: Bool { inner.editsLines }
    /// The text of the line being edited.
    public var pendingInput: String { inner.pendingInput }
    /// Whether a line end inside a paste ends the line (for essays) or becomes a space.
    public var pastedNewlinesEndLines: Bool {
        get { (inner as? EditingTerminal)?.pastedNewlinesEndLines ?? true }
        set { (inner as? EditingTerminal)?.pastedNewlinesEndLines = newValue }
    }

    /// Writes text; see ``Terminal/write(_:)``.
    ///
    /// - Parameter text: the text.
    public func write(_ text: String) { inner.write(text) }

    /// Reads a line; see ``Terminal/readLine(prompt:timeout:)``.
    ///
    /// - Parameters:
    ///   - prompt: the prompt.
    ///   - timeout: seconds at most; nil for ever.
    /// - Returns: what happened.
    public func readLine(prompt: String, timeout: Double?) -> TerminalEvent { inner.readLine(prompt: prompt, timeout: timeout) }

    /// Writes a message above the line being edited; see ``Terminal/notice(_:)``.
    ///
    /// - Parameter text: the message.
    public func notice(_ text: String) { inner.notice(text) }

    /// Ends the line being edited; see ``Terminal/abandonLine()``.
    ///
    /// - Returns: what was typed on it.
    @discardableResult
    public func abandonLine() -> String { inner.abandonLine() }

    /// Clears the window.
    public func clearScreen() { inner.clearScreen() }

    private static func windowSize() -> TerminalSize? {
        var window = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0 else { return nil }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(max(window.ws_row, 1)))
    }

    private static func writeAll(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { writeDescriptor(1, $0) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return  // the terminal is gone; nothing more can be shown
            }
            offset += written
        }
    }
}

/// `write(2)` (the C function, which ``LocalTerminal/write(_:)`` hides).
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    write(descriptor, bytes.baseAddress, bytes.count)
}
