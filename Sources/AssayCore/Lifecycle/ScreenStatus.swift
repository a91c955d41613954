/// Where a screen is: `invited → in_progress → awaiting_review → scored`, or `expired`
/// (invitation unused), or `voided` (cancelled by staff, from any other status).
///
/// The raw values are the ones the `screens.status` CHECK constraint allows (a test compares
/// them). ``allowedPredecessors`` is the one place the transitions are written down.
public enum ScreenStatus: String, CaseIterable, Sendable, Codable {
    /// Invitation issued; the candidate has not begun.
    case invited
    /// Begun; the server-side deadline runs.
    case inProgress = "in_progress"
    /// Submitted (by the candidate, the deadline or staff); essays may await a reviewer.
    case awaitingReview = "awaiting_review"
    /// Every answer scored; the result is final.
    case scored
    /// The invitation expired unused.
    case expired
    /// Cancelled by staff; its result does not count.
    case voided

    /// The statuses a screen may be in when it moves to this one.
    public var allowedPredecessors: [ScreenStatus] {
        switch self {
        case .invited: []
        case .inProgress: [.invited]
        case .awaitingReview: [.inProgress]
        case .scored: [.awaitingReview]
        case .expired: [.invited]
        case .voided: [.invited, .inProgress, .awaitingReview, .scored, .expired]
        }
    }

    /// Whether a candidate can still use the screen's invite code to answer (invited or in progress).
    public var isOpen: Bool { self == .invited || self == .inProgress }

    /// Whether the screen was submitted (its answers are final, scored or awaiting a reviewer).
    public var isSubmitted: Bool { self == .awaitingReview || self == .scored }

    /// The open statuses' raw values, for a bound `status = ANY ($n)` guard.
    public static var openValues: [String] { allCases.filter(\.isOpen).map(\.rawValue) }

    /// The submitted statuses' raw values, for a bound `status = ANY ($n)` guard.
    public static var submittedValues: [String] { allCases.filter(\.isSubmitted).map(\.rawValue) }

    /// The raw values of ``allowedPredecessors``, for a bound `status = ANY ($n)` guard.
    public var allowedPredecessorValues: [String] { allowedPredecessors.map(\.rawValue) }
}
