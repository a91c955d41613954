import Foundation

/// A ``Terminal`` over any byte stream with a window size: input from a
/// ``TerminalInputSource``, output to a function, and its own line editor (``LineEditor``).
///
/// It assumes a VT100-compatible window in raw mode at the other end (a local terminal after
/// ``LocalTerminal`` set raw mode, or the candidate's terminal at the far end of an SSH
/// channel): lines end with CR LF, what is typed is echoed here, and a line being edited is
/// redrawn by moving the cursor up to where it starts (`ESC [ n A`), erasing below (`ESC [ J`)
/// and writing the prompt and the text again. Where the line wraps is computed with
/// ``DisplayWidth`` as the window does (a wide character that does not fit at the end of a row
/// goes to the next). Tabs in the text are shown as one space.
///
/// A remote door that wants pastes marked as such (so that a pasted block does not answer several
/// questions) turns bracketed paste on with `ESC [ ? 2004 h` at the start and off with
/// `ESC [ ? 2004 l` at the end, as ``LocalTerminal`` does; it delivers window changes as
/// ``TerminalInput/resize(_:)`` and the end of the channel as ``TerminalInput/end``.
///
/// Not `Sendable`: one thread runs the prompt over it; the input source may be fed from others.
public final class EditingTerminal: Terminal {
    /// The window's size; changed by ``TerminalInput/resize(_:)``.
    public private(set) var size: TerminalSize?
    /// Whether bold and dim are written.
    public let supportsColour: Bool
    /// Always true: this terminal edits lines itself.
    public var editsLines: Bool { true }
    /// The text of the line being edited.
    public var pendingInput: String { open ? editor.text : "" }
    /// Whether a line end inside a bracketed paste ends the line (true) or becomes a space;
    /// the prompt sets it per question (true for essays).
    public var pastedNewlinesEndLines: Bool {
        get { editor.pastedNewlinesEndLines }
        set { editor.pastedNewlinesEndLines = newValue }
    }

    private let input: any TerminalInputSource
    private let clock: any TerminalClock
    private let output: (String) -> Void
    private var editor = LineEditor()
    private var unread: ArraySlice<UInt8> = []
    private var held: [TerminalInput] = []
    private var prompt = ""
    private var open = false
    private var shown = false
    /// Where the cursor is, as drawn: its row below the first row of the line being edited, and
    /// its column (equal to the width when a character filled the row and the window waits to
    /// wrap).
    private var cursorRow = 0
    private var cursorColumn = 0
    /// Echo not yet written: a paste is echoed in one write.
    private var echo = ""

    /// A terminal over `input` and `output`.
    ///
    /// - Parameters:
    ///   - input: where keys and window changes come from.
    ///   - size: the window's size now.
    ///   - colour: whether bold and dim may be written.
    ///   - clock: the clock timeouts are measured with.
    ///   - output: receives everything to show, in order (UTF-8 text with escape sequences).
    public init(input: any TerminalInputSource, size: TerminalSize, colour: Bool, clock: any TerminalClock = SystemClock(),
                output: @escaping (String) -> Void) {
        self.input = input
        self.size = size
        self.supportsColour = colour
        self.clock = clock
        self.output = output
    }

    /// Writes `text`, turning each `\n` into CR LF.
    ///
    /// - Parameter text: the text.
    public func write(_ text: String) {
        output(Self.crlf(text))
    }

    /// Reads a line, echoing and editing what is typed; see ``Terminal``. When a line is open
    /// and `prompt` differs from the one shown, the line is drawn again with the new prompt.
    ///
    /// - Parameters:
    ///   - prompt: the prompt (it may hold SGR styles).
    ///   - timeout: seconds to wait at most; nil for ever.
    /// - Returns: what happened.
    public func readLine(prompt: String, timeout: Double?) -> TerminalEvent {
        let changed = prompt != self.prompt
        self.prompt = prompt
        if !open {
            open = true
            shown = false
            editor.clear()
        }
        if !shown {
            draw()
        } else if changed {
            redraw()  // the open line's prompt changed (the time left in it, after a notice)
        }
        let deadline = timeout.map { clock.now() + $0 }
        while true {
            while let byte = unread.popFirst() {
                switch editor.take(byte) {
                case .none:
                    break
                case .insert(let text):
                    let shown = text == "\t" ? " " : text
                    echo += shown
                    advance(over: shown)
                case .redraw:
                    flushEcho()
                    redraw()
                case .submit(let line):
                    flushEcho()
                    output("\r\n")
                    open = false
                    shown = false
                    return .line(line)
                case .interrupt:
                    flushEcho()
                    return .interrupt
                case .endOfInput:
                    flushEcho()
                    return .endOfInput
                case .refresh:
                    flushEcho()
                    shown = false
                    return .redraw
                case .bell:
                    // One bell for what arrived together: a paste past the line's limit must
                    // not send back a bell for each of its bytes.
                    if !echo.hasSuffix("\u{07}") { echo += "\u{07}" }
                }
            }
            flushEcho()
            let remaining = deadline.map { $0 - clock.now() }
            if let remaining, remaining <= 0 { return .timeout }
            guard let next = held.isEmpty ? input.next(timeout: remaining) : held.removeFirst() else { return .timeout }
            switch next {
            case .bytes(let bytes):
                unread += bytes
            case .resize(var newSize):
                // A window dragged to a new size sends many changes: take the last one waiting.
                while let more = input.next(timeout: 0) {
                    if case .resize(let later) = more { newSize = later } else { held.append(more); break }
                }
                size = newSize
                shown = false
                return .resize(newSize)
            case .interrupt:
                return .interrupt
            case .end:
                held.insert(.end, at: 0)
                return .endOfInput
            }
        }
    }

    /// Writes `text` above the line being edited and redraws the line under it.
    ///
    /// - Parameter text: the message (lines separated by `\n`).
    public func notice(_ text: String) {
        guard open, shown else {
            output(Self.crlf(text) + "\r\n")
            return
        }
        output(moveToLineStart() + Self.crlf(text) + "\r\n" + prompt + Self.shown(editor.text))
        placeCursor()
    }

    /// Ends the line being edited (moving to a new line) and returns its text.
    ///
    /// - Returns: what was typed on it.
    @discardableResult
    public func abandonLine() -> String {
        guard open else { return "" }
        if shown { output("\r\n") }
        open = false
        shown = false
        let text = editor.text
        editor.clear()
        return text
    }

    /// Clears the window and puts the cursor at its top left.
    public func clearScreen() {
        output("\u{1B}[H\u{1B}[2J")
        shown = false
    }

    private func draw() {
        output(prompt + Self.shown(editor.text))
        shown = true
        placeCursor()
    }

    private func redraw() {
        output(moveToLineStart() + prompt + Self.shown(editor.text))
        shown = true
        placeCursor()
    }

    private func flushEcho() {
        guard !echo.isEmpty else { return }
        output(echo)
        echo = ""
    }

    /// Where the cursor is after writing the prompt and the text from the start of a row.
    private func placeCursor() {
        cursorRow = 0
        cursorColumn = 0
        advance(over: TextStyle.visible(prompt) + Self.shown(editor.text))
    }

    /// Moves the cursor over `text` as the window does: a character that does not fit on the
    /// row goes to the next one.
    private func advance(over text: String) {
        guard let columns = size?.columns else { return }
        for character in text {
            let width = DisplayWidth.of(character)
            guard width > 0 else { continue }
            if cursorColumn + width > columns {
                cursorRow += 1
                cursorColumn = 0
            }
            cursorColumn += width
        }
    }

    /// Back to the first row of the line being edited, erasing it and what is below.
    private func moveToLineStart() -> String {
        "\r" + (cursorRow > 0 ? "\u{1B}[\(cursorRow)A" : "") + "\u{1B}[J"
    }

    private static func shown(_ text: String) -> String {
        text.contains("\t") ? text.replacingOccurrences(of: "\t", with: " ") : text
    }

    private static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
}
