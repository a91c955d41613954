import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program (initdb, pg_ctl) to completion and captures what it printed.
///
/// Uses `posix_spawn` and `waitpid` directly rather than Foundation's `Process`, whose exit
/// notification depends on a run loop and can be missed when the caller blocks a thread of the
/// Swift concurrency pool.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments`; as `user` (through runuser) when given.
    static func run(_ executable: String, _ arguments: [String], as user: String? = nil) throws -> Outcome {
        var program = executable
        var argv = [executable] + arguments
        if let user {
            guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            }) else {
                throw PostgresError(kind: .cluster, message: "runuser is missing: it is needed to run PostgreSQL as the '\(user)' user when assay runs as root; install util-linux")
            }
            program = runuser
            argv = [runuser, "-u", user, "--", executable] + arguments
        }
        // Output goes to an unlinked temporary file: a daemon that inherits it cannot block us.
        var template = Array("\(NSTemporaryDirectory())/assay-out-XXXXXX".utf8CString)
        let outputFD = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard outputFD >= 0 else { throw PostgresError(kind: .cluster, message: "cannot create a temporary file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(outputFD, F_SETFD, FD_CLOEXEC)
        defer { close(outputFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)

        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresError(kind: .cluster, message: "could not run \(program): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw PostgresError(kind: .cluster, message: "waiting for \(program) failed: \(String(cString: strerror(errno)))")
            }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)

        lseek(outputFD, 0, SEEK_SET)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(outputFD, &buffer, buffer.count)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return Outcome(status: exitStatus, output: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
