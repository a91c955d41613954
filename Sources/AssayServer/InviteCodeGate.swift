public import AssayCore
import Crypto
import Foundation
public import Logging
import Postgres

/// Checks an invite code typed at the door (or given as the SSH user name): first the source
/// address against the ``FailureLimiter`` (no database work for a blocked address), then the
/// code's form, then the database (on the pool). Every attempt is logged with the address, the
/// outcome and the first 12 hex digits of the SHA-256 of the code as normalized (of the text as
/// typed when it is not a code), never the code itself. `Sendable`.
public struct InviteCodeGate: Sendable {
    /// What an attempt came to.
    public enum Outcome: Sendable {
        /// The code opens a screen: the code as normalized, and the screen's overview.
        case valid(code: String, overview: ScreenOverview)
        /// Not a code, or an unknown one: counted against the address. The message is for the
        /// candidate.
        case wrong(String)
        /// A real code that can no longer be used (expired, voided, finished): not counted.
        case unusable(String)
        /// The address must wait this many seconds before trying again.
        case blocked(seconds: Int)
        /// The database could not be asked.
        case unavailable
    }

    let limiter: FailureLimiter
    let logger: Logger

    /// A gate.
    ///
    /// - Parameters:
    ///   - limiter: the per-address failure limiter, shared by every session of the server.
    ///   - logger: where attempts are logged.
    public init(limiter: FailureLimiter, logger: Logger) {
        self.limiter = limiter
        self.logger = logger
    }

    /// The first 12 hex digits of the SHA-256 of `text`: enough to match log lines with a code
    /// that staff hold, useless for guessing it.
    ///
    /// - Parameter text: the code as normalized, or the text as typed.
    public static func hashPrefix(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks one attempt from `address`.
    ///
    /// - Parameters:
    ///   - typed: the code as typed (or the user name).
    ///   - address: the source address.
    ///   - service: the candidate's screen service, asked for the overview.
    public func check(_ typed: String, from address: String, service: PooledScreenService) async -> Outcome {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let normalized = InviteCode.normalize(text)
        let hash = Self.hashPrefix(normalized ?? text)
        if case .wait(let seconds) = limiter.check(address) {
            log("blocked", address, hash, ["wait_seconds": "\(seconds)"])
            return .blocked(seconds: seconds)
        }
        guard let code = normalized else {
            let verdict = limiter.recordFailure(address)
            log("malformed", address, hash, verdictMetadata(verdict))
            return .wrong("That is not an invite code: a code is 32 letters and digits in groups of four, like 7K3M-Q9XD-….")
        }
        do {
            let overview = try await service.overview(code: code)
            log("valid", address, hash, [:])
            return .valid(code: code, overview: overview)
        } catch let error as AssayError where error.code == .notFound {
            let verdict = limiter.recordFailure(address)
            log("unknown", address, hash, verdictMetadata(verdict))
            return .wrong("This invite code is not known. Check it, or ask your recruiter for a new one.")
        } catch let error as AssayError where error.code == .badInput {
            log("unusable", address, hash, [:])
            return .unusable(sentence(error.message))
        } catch {
            logger.error("code check failed", metadata: ["address": "\(address)", "code_sha256": "\(hash)", "error": "\(error)"])
            return .unavailable
        }
    }

    private func verdictMetadata(_ verdict: FailureLimiter.Verdict) -> Logger.Metadata {
        if case .wait(let seconds) = verdict { return ["blocked_seconds": "\(seconds)"] }
        return [:]
    }

    private func log(_ outcome: String, _ address: String, _ hash: String, _ extra: Logger.Metadata) {
        var metadata: Logger.Metadata = ["address": "\(address)", "outcome": "\(outcome)", "code_sha256": "\(hash)"]
        metadata.merge(extra) { $1 }
        logger.notice("code attempt", metadata: metadata)
    }

    /// A service message as a sentence for the candidate.
    private func sentence(_ message: String) -> String {
        guard let first = message.first else { return message }
        let capitalized = first.uppercased() + message.dropFirst()
        return capitalized.hasSuffix(".") ? capitalized : capitalized + "."
    }
}
