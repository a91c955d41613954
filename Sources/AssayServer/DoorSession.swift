/// What the door serves on every accepted shell session: the seam between the SSH server and
/// what a candidate sees.
///
/// The door calls ``serve(_:)`` once per session (an SSH session channel that asked for a
/// terminal and a shell), in a task of its own, and closes the channel when it returns if the
/// session has not. Everything the session needs arrives through the ``DoorTerminal``: the user
/// name and address, the terminal's type and size, input bytes and window changes, and the end
/// of the session (the candidate left, was idle too long, or the server is stopping; the door
/// itself tells the candidate in the last two cases). A session must never block its task: its
/// database work goes through ``DatabasePool``.
///
/// Today's implementation is ``InviteCodeSession``, which asks for the invite code and checks it;
/// the candidate's prompt (issue 13's terminal layer) takes its place by conforming to this
/// protocol.
public protocol DoorSession: Sendable {
    /// Serves one candidate until they leave or the session ends.
    ///
    /// - Parameter terminal: the candidate's end of the session.
    func serve(_ terminal: DoorTerminal) async
}

/// Who is at the other end of a session, as far as the door knows.
public struct DoorPeer: Sendable, Equatable {
    /// The SSH user name the client sent (any name is accepted: it may be an invite code).
    public var userName: String
    /// The source address, without the port (e.g. `203.0.113.7`, `2001:db8::1`).
    public var address: String
    /// The source port.
    public var port: Int

    /// A peer.
    ///
    /// - Parameters:
    ///   - userName: the SSH user name.
    ///   - address: the source address.
    ///   - port: the source port.
    public init(userName: String, address: String, port: Int) {
        self.userName = userName
        self.address = address
        self.port = port
    }
}

/// A terminal's size in character cells.
public struct WindowSize: Sendable, Equatable {
    /// Columns.
    public var columns: Int
    /// Rows.
    public var rows: Int

    /// A size; zero or negative values (a client that sent only pixels) become 80 × 24.
    ///
    /// - Parameters:
    ///   - columns: columns.
    ///   - rows: rows.
    public init(columns: Int, rows: Int) {
        self.columns = columns > 0 ? columns : 80
        self.rows = rows > 0 ? rows : 24
    }
}

/// What a session receives from its terminal.
public enum DoorEvent: Sendable, Equatable {
    /// Bytes the candidate typed (or pasted), as the client sent them.
    case input([UInt8])
    /// The candidate's window changed size.
    case resize(WindowSize)
}

/// Why a session ended.
public enum DoorEnd: String, Sendable, Equatable {
    /// The client closed the session or the connection dropped.
    case disconnected
    /// The client sent end-of-file on the session's input.
    case inputEnded = "input-ended"
    /// No input for the idle timeout; the door told the candidate that their answers are kept.
    case idle
    /// The server is stopping; the door told the candidate that it is restarting and their
    /// answers are kept.
    case shutdown
    /// More input was waiting than the session read (more than ``DoorTerminal/inputLimit``).
    case inputFlood = "input-flood"
    /// The session closed it (``DoorTerminal/close(exitStatus:)``).
    case closed
}
