/// One thing that arrives at a terminal: bytes typed (or pasted), a new window size, an
/// interrupt signal, or the end of the input.
public enum TerminalInput: Sendable, Equatable {
    /// Bytes as they arrived (UTF-8 text, control keys, escape sequences), in any chunking.
    case bytes([UInt8])
    /// The window changed size.
    case resize(TerminalSize)
    /// An interrupt from outside the byte stream (SIGINT on a terminal that does not read
    /// Ctrl-C as a byte).
    case interrupt
    /// No more input will come (end of file, a closed channel).
    case end
}

/// Where a terminal's input comes from: a file descriptor, a queue fed by a network channel,
/// or a script in a test.
public protocol TerminalInputSource: AnyObject {
    /// Waits for the next input.
    ///
    /// - Parameter timeout: seconds to wait at most; nil waits for ever; 0 only takes what is
    ///   already there.
    /// - Returns: the input, or nil when the time passed first. After ``TerminalInput/end``,
    ///   every call returns ``TerminalInput/end`` again.
    func next(timeout: Double?) -> TerminalInput?
}
