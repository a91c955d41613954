public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished process printed and how it exited.
public struct CommandResult: Sendable {
    /// The exit status (128 + signal number when killed by a signal).
    public var status: Int32
    /// Everything written to standard output.
    public var stdout: String
    /// Everything written to standard error.
    public var stderr: String
}

/// Runs programs for end-to-end tests: the built `assay` binary above all.
///
/// Uses `posix_spawn` and `waitpid` (not Foundation's `Process`, whose exit notification can be
/// lost when the caller blocks a concurrency-pool thread); output goes through temporary files.
public enum CommandRun {
    /// The `assay` executable built beside the test bundle (`.build/<config>/assay`), or
    /// `$ASSAY_BIN` when set.
    public static var assayPath: String {
        if let path = ProcessInfo.processInfo.environment["ASSAY_BIN"], !path.isEmpty { return path }
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("assay").path
    }

    /// The environment of this process without anything that selects a database or a cluster
    /// folder, so that a test states those explicitly.
    public static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("PG") || key.hasPrefix("ASSAY_") || key == "DATABASE_URL" || key == "NO_COLOR" {
            environment.removeValue(forKey: key)
        }
        return environment
    }

    /// Runs `assay` with `arguments` to completion.
    ///
    /// - Parameters:
    ///   - arguments: the command line after `assay`.
    ///   - environment: variables added to ``cleanEnvironment``.
    ///   - stdin: what the process reads on standard input.
    ///   - directory: the working directory, if not the current one.
    /// - Throws: when the process cannot be started.
    public static func assay(_ arguments: [String], environment: [String: String] = [:], stdin: String = "", directory: String? = nil) throws -> CommandResult {
        try run(assayPath, arguments, environment: cleanEnvironment.merging(environment) { $1 }, stdin: stdin, directory: directory)
    }

    /// Starts a program without waiting; ``RunningCommand/wait()`` collects it.
    public static func start(_ program: String, _ arguments: [String], environment: [String: String], stdin: String = "", stdinPath: String? = nil, directory: String? = nil) throws -> RunningCommand {
        let input = try TemporaryFile(contents: stdin)
        let output = try TemporaryFile(contents: "")
        let error = try TemporaryFile(contents: "")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? input.path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_addopen(&actions, 2, error.path, O_WRONLY | O_TRUNC, 0)
        // posix_spawn_file_actions_addchdir_np is not exposed here: change folder through sh.
        let executable = directory == nil ? program : "/bin/sh"
        let words = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, program] + arguments } ?? [program] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        // The child starts as from a shell: no blocked signals (the spawning thread of a test
        // may block some, and a child inherits the mask) and default handling of the usual ones.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: program, NSLocalizedDescriptionKey: String(cString: strerror(status))])
        }
        return RunningCommand(pid: pid, files: [input, output, error])
    }

    /// Copies the assay binary to `path`, executable (0755), with `cp` in a child process.
    ///
    /// A copy written by this process has its descriptor open for an instant, and a test forking
    /// a child at that instant passes the descriptor on: executing the copy then fails with
    /// "Text file busy" for as long as that child lives.
    ///
    /// - Parameter path: where the copy goes.
    /// - Throws: `CocoaError` when `cp` fails; the permission change's error.
    public static func copyAssay(to path: String) throws {
        let copied = try run("/bin/cp", [assayPath, path], environment: cleanEnvironment)
        guard copied.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cp \(assayPath) \(path): \(copied.stderr)"])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Runs a program to completion.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String], stdin: String = "", directory: String? = nil) throws -> CommandResult {
        try start(program, arguments, environment: environment, stdin: stdin, directory: directory).wait()
    }
}

/// A process started by ``CommandRun/start(_:_:environment:stdin:stdinPath:directory:)``.
public final class RunningCommand: Sendable {
    /// The process id.
    public let pid: pid_t
    fileprivate let files: [TemporaryFile]

    fileprivate init(pid: pid_t, files: [TemporaryFile]) {
        self.pid = pid
        self.files = files
    }

    /// Sends a signal (SIGKILL by default).
    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    /// What the process has written to standard output so far.
    public var stdoutSoFar: String { files[1].contents }

    /// Waits for the process to end and returns what it printed.
    public func wait() -> CommandResult {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CommandResult(status: exit, stdout: files[1].contents, stderr: files[2].contents)
    }
}

/// A file removed when the last reference goes; immutable, hence `Sendable` as checked.
fileprivate final class TemporaryFile: Sendable {
    let path: String
    init(contents: String) throws {
        path = "\(TemporaryFolder.root)/assay-io-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
    var contents: String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
