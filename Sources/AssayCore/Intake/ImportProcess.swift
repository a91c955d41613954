import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process-level pieces of a direct import's commit: holding interruptions while it
/// commits, the failpoints its recovery tests use, and CPU figures for the timing output.
enum ImportProcess {
    /// Blocks SIGINT, SIGTERM and SIGHUP for the calling thread (the queue threads of
    /// libdispatch block them already), so that they stay pending; returns the previous mask.
    static func holdInterruptions() -> sigset_t {
        var block = sigset_t()
        var previous = sigset_t()
        sigemptyset(&block)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&block, signal) }
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        return previous
    }

    /// Restores the signal mask; a signal held meanwhile is delivered now.
    static func releaseInterruptions(_ previous: sigset_t) {
        var mask = previous
        pthread_sigmask(SIG_SETMASK, &mask, nil)
    }

    /// For tests of the recovery: with `ASSAY_FAILPOINT` naming this point, the process dies here.
    static func failpoint(_ name: String) {
        if ProcessInfo.processInfo.environment["ASSAY_FAILPOINT"] == name { _exit(99) }
    }

    /// CPU seconds (user and system) this process has used.
    static func ownCPU() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU seconds (user and system) a process on this machine has used, from /proc.
    static func processCPU(_ pid: Int) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
