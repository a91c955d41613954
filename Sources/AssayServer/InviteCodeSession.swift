public import AssayCore
import Foundation
public import Logging

/// What the door serves until the candidate's prompt can run over it (issue 13): it takes the
/// invite code from the SSH user name, or asks for it, checks it through the ``InviteCodeGate``
/// and says whether it opens a screen, and what that screen is.
///
/// A candidate has three tries per connection; the gate's limiter adds the per-address limit.
/// The session ends with exit status 0 when the code was valid, 1 otherwise. `Sendable`.
public struct InviteCodeSession: DoorSession {
    /// Wrong codes allowed on one connection before it is closed.
    public static let triesPerConnection = 3

    let pool: DatabasePool
    /// The gate that checks codes against the limiter and the database.
    public let gate: InviteCodeGate

    /// A session over the door's pool and limiter.
    ///
    /// - Parameters:
    ///   - pool: the door's database connections.
    ///   - limiter: the per-address failure limiter, shared by all sessions.
    ///   - logger: where code attempts are logged.
    public init(pool: DatabasePool, limiter: FailureLimiter, logger: Logger) {
        self.pool = pool
        self.gate = InviteCodeGate(limiter: limiter, logger: logger)
    }

    /// Asks for the code (unless the user name is one), checks it and reports.
    ///
    /// - Parameter terminal: the candidate's terminal.
    public func serve(_ terminal: DoorTerminal) async {
        let service = PooledScreenService(pool: pool)
        terminal.write("\r\nAssay screens\r\n\r\n")
        guard let admitted = await Self.admit(terminal, gate: gate, service: service) else { return }
        // The candidate's prompt (issue 13) takes over here, with `admitted.code` and `service`.
        terminal.write(Self.describe(admitted.overview))
        terminal.close(exitStatus: 0)
    }

    /// Gets a code that opens a screen: the user name when it is a code, else asked for, up to
    /// ``triesPerConnection`` wrong ones. When none comes, tells the candidate why, closes the
    /// session (exit status 1) and returns nil.
    ///
    /// - Parameters:
    ///   - terminal: the candidate's terminal.
    ///   - gate: the gate that checks codes.
    ///   - service: the candidate's screen service.
    /// - Returns: the normalized code and its screen's overview.
    public static func admit(_ terminal: DoorTerminal, gate: InviteCodeGate, service: PooledScreenService) async -> (code: String, overview: ScreenOverview)? {
        var editor = LineEditor(terminal)
        return await admit(terminal, editor: &editor, gate: gate, service: service)
    }

    /// ``admit(_:gate:service:)`` reading through `editor`, which the caller goes on reading
    /// the session with.
    static func admit(_ terminal: DoorTerminal, editor: inout LineEditor, gate: InviteCodeGate,
                      service: PooledScreenService) async -> (code: String, overview: ScreenOverview)? {
        var given: String? = InviteCode.normalize(terminal.peer.userName) == nil ? nil : terminal.peer.userName
        var tries = 0
        while tries < Self.triesPerConnection {
            let typed: String
            if let name = given {
                typed = name
                given = nil
            } else {
                terminal.write("Invite code: ")
                switch await editor.readLine() {
                case .line(let line):
                    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    typed = line
                case .cancelled:
                    terminal.write("No code entered. Connect again when you have your invite code.\r\n")
                    terminal.close(exitStatus: 1)
                    return nil
                case .ended:
                    terminal.close(exitStatus: 1)
                    return nil
                }
            }
            switch await gate.check(typed, from: terminal.peer.address, service: service) {
            case .valid(let code, let overview):
                return (code, overview)
            case .wrong(let message):
                tries += 1
                terminal.write(message + "\r\n\r\n")
                continue
            case .unusable(let message):
                terminal.write(message + "\r\n")
            case .blocked(let seconds):
                terminal.write("Too many wrong codes came from your address. Please wait \(seconds) seconds, then connect again.\r\n")
            case .unavailable:
                terminal.write("The screen service cannot check codes right now. Nothing was lost; please try again in a few minutes.\r\n")
            }
            terminal.close(exitStatus: 1)
            return nil
        }
        terminal.write("Connect again to try another code.\r\n")
        terminal.close(exitStatus: 1)
        return nil
    }

    /// What the candidate is told about a valid code's screen.
    static func describe(_ overview: ScreenOverview) -> String {
        var lines = ["Your invite code is valid: \(overview.title)."]
        let size = overview.adaptive ? "At most \(overview.questionCount) questions" : "\(overview.questionCount) questions"
        switch overview.state {
        case .notStarted:
            lines.append("\(size), \(overview.timeLimitMinutes) minutes in all; the clock has not started.")
        case .inProgress:
            let left = overview.secondsLeft ?? 0
            lines.append("\(size); in progress: \(overview.answered.count) answered, \(left / 60) min \(left % 60) s left.")
        case .closed:
            lines.append("This screen is closed: its time ran out and its saved answers were submitted.")
        }
        if overview.state != .closed {
            lines.append("Taking the screen through this door is not available yet: use the way your recruiter gave you.")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
