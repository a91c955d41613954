import Banks
import Foundation
import Postgres

/// A screen found by its invite code, with what the candidate's side needs to serve it.
struct ScreenRecord {
    var id: Int
    var status: ScreenStatus
    var title: String
    var description: String?
    /// Questions: the draw's length, or an adaptive screen's maximum until it stops.
    var count: Int
    var minutes: Int
    var secondsLeft: Int?
    /// The deadline has passed (answers to questions shown before it are still accepted during
    /// the grace).
    var pastDeadline: Bool
    /// The deadline and its grace have passed: the screen is over.
    var pastGrace: Bool
    var graceSeconds: Int
    var inviteExpired: Bool
    var settings: BankSettings
    /// Adaptive screens: their seed, bank version and calibration, rows so far and why they stopped.
    var adaptive: Bool
    var seed: UInt64
    var bankID: Int
    var calibrationID: Int?
    var shown: Int
    var stopReason: String?

    /// The screen whose invite code is `code`.
    ///
    /// - Parameters:
    ///   - code: the invite code as typed (normalized here).
    ///   - tx: the transaction.
    ///   - lock: lock the screen's row until the transaction ends.
    /// - Throws: ``AssayError`` (not found) for a malformed or unknown code.
    static func find(code: String, _ tx: Connection, lock: Bool = false) throws -> ScreenRecord {
        guard let normalized = InviteCode.normalize(code) else {
            throw AssayError(.notFound, "this is not a valid invite code (32 letters and digits, in groups of four); check it and try again")
        }
        let rows = try tx.query("""
            SELECT s.id, s.status, b.title, b.description, b.settings, s.time_limit_minutes + s.extra_minutes AS minutes,
                   s.adaptive, s.seed, s.bank_id, s.calibration_id, s.stop_reason,
                   (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS n,
                   greatest(0, ceil(extract(epoch FROM s.deadline - now())))::int AS seconds_left,
                   coalesce(now() > s.deadline, false) AS past_deadline,
                   coalesce(now() > s.deadline + make_interval(secs => s.grace_seconds), false) AS past_grace, s.grace_seconds,
                   now() > s.invite_expires_at AS invite_expired
            FROM screens s JOIN banks b ON b.id = s.bank_id
            WHERE s.invite_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
            \(lock ? "FOR UPDATE OF s" : "")
            """, [normalized])
        guard let row = rows.first else {
            throw AssayError(.notFound, "this invite code is not known; check it, or ask your recruiter for a new one")
        }
        let settings = try row.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
        let adaptive: Bool = try row.decode("adaptive")
        let shown: Int = try row.decode("n")
        let stopReason: String? = try row.decode("stop_reason")
        let statusText: String = try row.decode("status")
        guard let status = ScreenStatus(rawValue: statusText) else { throw AssayError(.database, "screen has an unknown status '\(statusText)'") }
        // An adaptive screen has its maximum length until it stops, then the length it reached.
        let count = adaptive && stopReason == nil ? (settings.adaptive?.maxItems ?? shown) : shown
        return ScreenRecord(
            id: try row.decode("id"), status: status, title: try row.decode("title"), description: try row.decode("description"),
            count: count, minutes: try row.decode("minutes"), secondsLeft: try row.decode("seconds_left"),
            pastDeadline: try row.decode("past_deadline"), pastGrace: try row.decode("past_grace"),
            graceSeconds: try row.decode("grace_seconds"), inviteExpired: try row.decode("invite_expired"),
            settings: settings, adaptive: adaptive, seed: UInt64(bitPattern: Int64(try row.decode("seed", as: Int.self))), bankID: try row.decode("bank_id"),
            calibrationID: try row.decode("calibration_id"), shown: shown, stopReason: stopReason)
    }

    /// The screen, if its code can still be used; refuses expired, voided and finished screens.
    /// (Stale invitations are marked expired by ``ScreenSweeper``, not here: a write followed by
    /// a throw would be rolled back.)
    ///
    /// - Throws: ``AssayError`` (bad input) saying why the code cannot be used.
    func usable() throws -> ScreenRecord {
        switch status {
        case .invited where inviteExpired:
            throw AssayError(.badInput, "this invitation has expired; ask your recruiter for a new one")
        case .invited, .inProgress:
            return self
        case .voided:
            throw AssayError(.badInput, "this screen was cancelled; ask your recruiter")
        case .expired:
            throw AssayError(.badInput, "this invitation has expired; ask your recruiter for a new one")
        case .awaitingReview, .scored:
            throw AssayError(.badInput, "this screen is finished and the code can no longer be used; thank you")
        }
    }
}
