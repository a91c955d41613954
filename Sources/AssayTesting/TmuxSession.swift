public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program running in a real terminal, for end-to-end tests of interactive programs (the
/// candidate's `ssh` to `assay serve`): a detached tmux session on a tmux server of its own,
/// driven with `send-keys` and read with `capture-pane`. The tmux server is killed when the
/// value goes away.
public final class TmuxSession: Sendable {
    /// The tmux server's socket name (`tmux -L`).
    public let socket: String

    /// Starts `command` (run by `sh -c`) in a new terminal of `columns` × `rows`.
    ///
    /// - Parameters:
    ///   - command: the shell command.
    ///   - columns: the terminal's width.
    ///   - rows: the terminal's height.
    ///   - environment: the environment of the tmux server and so of the command.
    /// - Throws: when tmux cannot be started.
    public init(_ command: String, columns: Int = 100, rows: Int = 30, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        socket = "assay-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        let result = try CommandRun.run("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "test",
                                                          "-x", String(columns), "-y", String(rows), command], environment: environment)
        guard result.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "tmux did not start: \(result.stderr)"])
        }
    }

    deinit {
        _ = try? CommandRun.run("/usr/bin/tmux", ["-L", socket, "kill-server"], environment: ProcessInfo.processInfo.environment)
    }

    /// Types `keys` (tmux key names such as `Enter` or `C-c` are sent as keys when `literal` is
    /// false).
    ///
    /// - Parameters:
    ///   - keys: the text or key names.
    ///   - literal: send the text as it is (`send-keys -l`).
    public func send(_ keys: String, literal: Bool = true) {
        _ = try? CommandRun.run("/usr/bin/tmux", ["-L", socket, "send-keys", "-t", "test"] + (literal ? ["-l", keys] : [keys]),
                                environment: ProcessInfo.processInfo.environment)
    }

    /// Types a line and Enter.
    ///
    /// - Parameter line: the text.
    public func sendLine(_ line: String) {
        send(line)
        send("Enter", literal: false)
    }

    /// Resizes the terminal (the program gets SIGWINCH, and ssh a window-change).
    ///
    /// - Parameters:
    ///   - columns: the new width.
    ///   - rows: the new height.
    public func resize(columns: Int, rows: Int) {
        _ = try? CommandRun.run("/usr/bin/tmux", ["-L", socket, "resize-window", "-t", "test", "-x", String(columns), "-y", String(rows)],
                                environment: ProcessInfo.processInfo.environment)
    }

    /// What the terminal shows now, joined lines included, trailing blanks trimmed.
    public var screen: String {
        let result = try? CommandRun.run("/usr/bin/tmux", ["-L", socket, "capture-pane", "-p", "-J", "-S", "-200", "-t", "test"],
                                         environment: ProcessInfo.processInfo.environment)
        return result?.stdout ?? ""
    }

    /// Waits until the screen contains `text`; returns whether it did within `timeout` seconds.
    ///
    /// - Parameters:
    ///   - text: what to wait for.
    ///   - timeout: the longest wait, in seconds (generous: this is not a timing assertion).
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.contains(text) { return true }
            usleep(100_000)
        }
        return screen.contains(text)
    }
}
