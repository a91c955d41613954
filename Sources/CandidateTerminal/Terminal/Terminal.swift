/// Where the candidate's prompt writes and reads: a window of some size, perhaps with colour,
/// and a line editor.
///
/// The prompt never touches a file descriptor: the same prompt runs on a local terminal
/// (``LocalTerminal``), on pipes (``PlainTerminal``, plain lines that a script can drive) and
/// over any byte stream with a window size (``EditingTerminal`` over a ``TerminalInputSource``,
/// which is how a remote door such as SSH serves it).
///
/// One line is edited at a time. ``readLine(prompt:timeout:)`` shows the prompt and collects a
/// line; when it returns ``TerminalEvent/timeout`` or ``TerminalEvent/resize(_:)`` the line stays
/// open, and the next call goes on editing it (after a resize, the caller redraws the screen and
/// the next call shows the prompt and the text typed so far again). ``notice(_:)`` writes a
/// line above the one being edited and redraws it, so a message can interrupt typing without
/// losing a character.
///
/// A terminal is used by one thread at a time; it is not `Sendable`.
public protocol Terminal: AnyObject {
    /// The window's size; nil when there is no window (pipes), and then nothing is wrapped.
    var size: TerminalSize? { get }
    /// Whether bold and dim (ANSI SGR) may be used.
    var supportsColour: Bool { get }
    /// Whether this terminal echoes and redraws what is typed itself (a window), rather than
    /// reading finished lines (pipes).
    var editsLines: Bool { get }
    /// The text typed so far on the line being edited; empty when no line is open.
    var pendingInput: String { get }
    /// Whether a line end inside a bracketed paste ends the line (true: an essay takes pasted
    /// paragraphs line by line) or becomes a space (false: a one-line answer cannot spill into
    /// the next questions). Terminals that read finished lines ignore it.
    var pastedNewlinesEndLines: Bool { get set }
    /// Writes text; `\n` ends a line. Call only between lines (not while one is being edited):
    /// use ``notice(_:)`` then.
    func write(_ text: String)
    /// Reads a line, showing `prompt` first; see the type's discussion for the open line.
    ///
    /// - Parameters:
    ///   - prompt: what the line starts with (e.g. `"[12:34] > "`), shown again on redraws.
    ///   - timeout: seconds to wait at most; nil waits for ever.
    /// - Returns: what happened.
    func readLine(prompt: String, timeout: Double?) -> TerminalEvent
    /// Writes one message (it may wrap) above the line being edited, and redraws that line; when
    /// no line is open it is written like ``write(_:)``.
    func notice(_ text: String)
    /// Closes the line being edited, moving to a fresh line, and returns what was typed on it.
    @discardableResult
    func abandonLine() -> String
    /// Clears the window (a no-op without one).
    func clearScreen()
}

/// A terminal window's size in character cells.
public struct TerminalSize: Sendable, Hashable {
    /// Columns (characters per line).
    public var columns: Int
    /// Rows (lines).
    public var rows: Int

    /// A size.
    ///
    /// - Parameters:
    ///   - columns: columns, at least 1.
    ///   - rows: rows, at least 1.
    public init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
    }
}

/// What ended a ``Terminal/readLine(prompt:timeout:)``.
public enum TerminalEvent: Sendable, Equatable {
    /// A finished line (without its line end).
    case line(String)
    /// Ctrl-C (or SIGINT on a plain terminal).
    case interrupt
    /// Ctrl-D on an empty line, or the end of the input.
    case endOfInput
    /// The timeout passed; the line stays open.
    case timeout
    /// The window changed size; the line stays open and is shown again by the next read.
    case resize(TerminalSize)
    /// Ctrl-L: the candidate asks for the screen to be drawn again; handled like a resize to the
    /// same size.
    case redraw
}
