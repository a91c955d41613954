import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who is acting, for the audit trail: `--actor` when given, else the OS user.
public enum ActorName {
    /// The OS user running this process.
    public static var current: String {
        if let account = getpwuid(geteuid()), let name = account.pointee.pw_name {
            return String(cString: name)
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid-\(geteuid())"
    }
}
