import AssayCore
import CandidateTerminal
import Foundation
public import Logging
import Synchronization

/// The door's ``DoorSession``: the candidate's prompt of `assay screen take`
/// (`CandidateTerminal.CandidatePrompt`), exactly, over the SSH session.
///
/// The invite code comes from the SSH user name when it is one, else it is asked for (through
/// the ``InviteCodeGate`` and its per-address limiter, three tries per connection). The prompt
/// then runs on a thread of its own (never on an event loop or the concurrency pool) over an
/// `EditingTerminal` fed with the channel's bytes and window changes (a ``DoorInput``, which
/// bounds what waits unread as the door does before the prompt starts), sized from the pty
/// request and drawn again at the new width on window-change. Its service is a
/// ``PromptScreenService``: one statement per answer, question and draft on the door's pooled
/// connections.
///
/// Ctrl-C pauses as it does locally, and the prompt tells the candidate the `ssh` command that
/// resumes. When the session ends from outside (the window closed, the connection dropped, the
/// idle timeout, the server stopping) the prompt sees the end of its input and pauses too: every
/// saved answer stays, and an essay's line being typed is saved as its draft. `Sendable`.
public struct PromptSession: DoorSession {
    let pool: DatabasePool
    /// The gate that checks codes.
    public let gate: InviteCodeGate
    /// The host name shown in the `ssh` command that resumes a paused screen.
    public let publicHost: String
    private let port: PublicPort

    /// The port shown in that command.
    public var publicPort: Int {
        get { port.value.withLock { $0 } }
        nonmutating set { port.value.withLock { $0 = newValue } }
    }

    /// A session over the door's pool and limiter.
    ///
    /// - Parameters:
    ///   - pool: the door's database connections.
    ///   - limiter: the per-address failure limiter, shared by all sessions.
    ///   - logger: where code attempts are logged.
    ///   - publicHost: the host candidates connect to, for the resume command.
    ///   - publicPort: the port candidates connect to (settable later, once a port 0 is bound).
    public init(pool: DatabasePool, limiter: FailureLimiter, logger: Logger, publicHost: String, publicPort: Int) {
        self.pool = pool
        self.gate = InviteCodeGate(limiter: limiter, logger: logger)
        self.publicHost = publicHost
        self.port = PublicPort(publicPort)
    }

    /// The `ssh` command that opens the screen again: without the code, which the door asks for
    /// (a code on a command line is visible to the other users of the candidate's machine in
    /// `ps` and stays in their shell history; issue 15).
    ///
    /// - Parameter code: the normalized invite code (not part of the command).
    /// - Returns: e.g. `ssh -p 2222 screens.example.org`.
    public func resumeCommand(code: String) -> String {
        "ssh -p \(publicPort) \(publicHost)"
    }

    /// Admits the candidate, then runs the prompt until the screen ends, is paused or the
    /// session ends.
    ///
    /// - Parameter terminal: the candidate's terminal.
    public func serve(_ terminal: DoorTerminal) async {
        terminal.write("\r\nAssay screens\r\n\r\n")
        var editor = LineEditor(terminal)
        guard let admitted = await InviteCodeSession.admit(terminal, editor: &editor, gate: gate, service: PooledScreenService(pool: pool)) else {
            return
        }
        let input = DoorInput()
        let window = terminal.windowSize
        let colour = !["", "dumb"].contains(terminal.terminalType)
        let run = PromptRun(pool: pool, code: admitted.code, resumeCommand: resumeCommand(code: admitted.code), input: input,
                            size: TerminalSize(columns: window.columns, rows: window.rows), colour: colour, terminal: terminal)
        let finished = Task.detached {
            // Closing ends the session's events, and so the loop below.
            terminal.close(exitStatus: await run.start())
        }
        // Hand over what the candidate sends until the session ends.
        while let event = await editor.nextEvent() {
            let accepted = switch event {
            case .input(let bytes): input.push(.bytes(bytes))
            case .resize(let size): input.push(.resize(TerminalSize(columns: size.columns, rows: size.rows)))
            }
            if !accepted {
                // More than the input limit waits unread: the session is closed, answers kept.
                terminal.write(SessionChannelHandler.floodMessage)
                terminal.finish(.inputFlood)
                terminal.sendExitStatusAndClose(1)
                break
            }
        }
        _ = input.push(.end)
        await finished.value
    }
}

/// The port of the resume command, shared by the copies of a ``PromptSession``.
final class PublicPort: Sendable {
    let value: Mutex<Int>
    init(_ port: Int) { value = Mutex(port) }
}

/// One run of the prompt on its own thread. `Sendable`: everything it holds is, and the prompt
/// and its terminal are made on that thread and never leave it.
struct PromptRun: Sendable {
    let pool: DatabasePool
    let code: String
    let resumeCommand: String
    let input: DoorInput
    let size: TerminalSize
    let colour: Bool
    let terminal: DoorTerminal

    /// Starts the thread and waits for it to end; returns the exit status for the client.
    func start() async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let thread = Thread { continuation.resume(returning: self.runPrompt()) }
            thread.name = "assay-prompt"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The prompt, start to end (on the prompt's thread): 0 when the screen was submitted, not
    /// started or already closed, 130 after Ctrl-C, 1 otherwise.
    private func runPrompt() -> Int {
        let terminal = self.terminal
        // Pastes are marked (a pasted block does not answer several questions), until the end.
        terminal.write("\u{1B}[?2004h")
        defer { terminal.write("\u{1B}[?2004l") }
        let editing = EditingTerminal(input: input, size: size, colour: colour) { text in terminal.write(text) }
        let prompt = CandidatePrompt(service: PromptScreenService(pool: pool), code: code, terminal: editing, resumeCommand: resumeCommand)
        do {
            switch try prompt.run() {
            case .submitted, .notStarted, .alreadyClosed: return 0
            case .paused(.interrupt): return 130
            case .paused: return 1
            }
        } catch let error as AssayError {
            editing.abandonLine()
            editing.write("\(error.message.visibleSafe)\n")
            return 1
        } catch {
            editing.abandonLine()
            editing.write("The screen service failed; every answer you saved is kept. Connect again in a few minutes.\n")
            return 1
        }
    }
}
