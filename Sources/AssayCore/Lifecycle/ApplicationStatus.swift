/// Where an application is in the pipeline: `received → invited → screening → scored →
/// passed | failed → pooled | rejected`.
///
/// The raw values are the ones the `applications.status` CHECK constraint allows (a test
/// compares them). ``allowedPredecessors`` says, for each status, from which statuses a service
/// may move an application to it: the one place the transitions are written down. Services
/// bind ``allowedPredecessors`` as the `status = ANY ($n)` guard of their UPDATE, so an
/// application never moves backwards (a pooled expert re-invited stays pooled).
public enum ApplicationStatus: String, CaseIterable, Sendable, Codable {
    /// Imported or added; nothing has happened yet.
    case received
    /// Invited to a screen.
    case invited
    /// The candidate has begun the screen.
    case screening
    /// Scored; kept for applications scored before pass/fail was recorded.
    case scored
    /// The latest screen passed.
    case passed
    /// The latest screen failed.
    case failed
    /// Promoted into the annotator pool.
    case pooled
    /// Turned down by staff.
    case rejected

    /// The statuses an application may be in when it moves to this one.
    public var allowedPredecessors: [ApplicationStatus] {
        switch self {
        case .received: []
        // A new invitation: a first one, a repeated one, or a retake after a result.
        case .invited: [.received, .invited, .failed, .passed, .scored]
        case .screening: [.invited]
        // A result: from the screen in progress, or a later screen's result replacing an earlier one.
        case .scored, .passed, .failed: [.invited, .screening, .scored, .passed, .failed]
        case .pooled: [.passed]
        case .rejected: [.received, .invited, .screening, .scored, .passed, .failed]
        }
    }

    /// The raw values of ``allowedPredecessors``, for a bound `status = ANY ($n)` guard.
    public var allowedPredecessorValues: [String] { allowedPredecessors.map(\.rawValue) }

    /// The statuses of an application still in progress (received, invited, screening): a
    /// person with one in a domain gets no second one there (intake).
    public static let open: [ApplicationStatus] = [.received, .invited, .screening]

    /// The raw values of ``open``, for a bound `status = ANY ($n)`.
    public static var openValues: [String] { open.map(\.rawValue) }
}
