/// Reads a line from a ``DoorTerminal`` as a terminal's line discipline would: the door has no
/// pseudo-terminal, so this echoes printable characters, handles Backspace and Ctrl-U, skips
/// escape sequences (arrow keys), ends the line on Return, and gives up on Ctrl-C or on Ctrl-D
/// at the start of a line. ASCII only: it is for short answers such as an invite code (the
/// candidate's prompt brings its own editing).
struct LineEditor {
    /// How a read ended.
    enum Result: Equatable {
        /// A line (without its end).
        case line(String)
        /// Ctrl-C, or Ctrl-D on an empty line.
        case cancelled
        /// The session ended.
        case ended
    }

    private enum Escape { case none, started, sequence }

    private let terminal: DoorTerminal
    private var events: DoorEvents.AsyncIterator
    /// Bytes received after the last line ended, not yet read.
    private var pending: ArraySlice<UInt8> = []
    private var escape = Escape.none
    private var afterReturn = false

    init(_ terminal: DoorTerminal) {
        self.terminal = terminal
        self.events = terminal.events.makeAsyncIterator()
    }

    /// Reads one line, echoing it.
    ///
    /// - Parameter maxLength: characters kept; further ones are not echoed.
    mutating func readLine(maxLength: Int = 120) async -> Result {
        var line: [UInt8] = []
        // What to echo, written once per chunk of input rather than once per byte.
        var echo: [UInt8] = []
        defer { if !echo.isEmpty { terminal.write(echo) } }
        while true {
            if pending.isEmpty {
                if !echo.isEmpty {
                    terminal.write(echo)
                    echo.removeAll()
                }
                guard let event = await events.next() else { return .ended }
                guard case .input(let bytes) = event else { continue }
                pending = bytes[...]
            }
            while let byte = pending.popFirst() {
                if afterReturn {
                    afterReturn = false
                    if byte == 0x0A { continue }  // \r\n counts once
                }
                switch escape {
                case .started:
                    escape = byte == 0x5B || byte == 0x4F ? .sequence : .none  // ESC [ or ESC O
                    continue
                case .sequence:
                    if byte >= 0x40 && byte <= 0x7E { escape = .none }
                    continue
                case .none:
                    break
                }
                switch byte {
                case 0x0D, 0x0A:
                    afterReturn = byte == 0x0D
                    echo += Array("\r\n".utf8)
                    return .line(String(decoding: line, as: UTF8.self))
                case 0x03:
                    echo += Array("^C\r\n".utf8)
                    return .cancelled
                case 0x04 where line.isEmpty:
                    echo += Array("\r\n".utf8)
                    return .cancelled
                case 0x7F, 0x08:
                    if !line.isEmpty {
                        line.removeLast()
                        echo += [0x08, 0x20, 0x08]
                    }
                case 0x15:
                    for _ in line { echo += [0x08, 0x20, 0x08] }
                    line.removeAll()
                case 0x1B:
                    escape = .started
                case 0x20...0x7E where line.count < maxLength:
                    line.append(byte)
                    echo.append(byte)
                default:
                    break
                }
            }
        }
    }

    /// The next event after the lines read: input already received but not read as a line comes
    /// first (a key typed right after the code), then the terminal's events. For whoever reads
    /// the session once the editor is done with it.
    mutating func nextEvent() async -> DoorEvent? {
        if afterReturn, pending.first == 0x0A { pending = pending.dropFirst() }
        afterReturn = false
        if !pending.isEmpty {
            defer { pending = [] }
            return .input(Array(pending))
        }
        return await events.next()
    }
}
