/// A pool member's status.
///
/// `active` and `suspended` are stored (the `pool_members.status` CHECK constraint allows
/// exactly those two; a test compares them); `expired` is computed by the `pool_roster` view
/// for an active membership past its `expires_at`. ``allowedPredecessors`` is the one place the
/// stored transitions are written down: staff suspend an active member and reinstate a
/// suspended one; promotion re-activates an expired term by renewing it.
public enum PoolMemberStatus: String, CaseIterable, Sendable, Codable {
    /// In the pool and exported in rosters.
    case active
    /// Taken out of rosters by staff or because its evidence screen was voided.
    case suspended
    /// Active but past its term (computed, never stored).
    case expired

    /// The statuses that are stored in `pool_members.status` (``expired`` is computed).
    public static let stored: [PoolMemberStatus] = [.active, .suspended]

    /// The stored statuses a member may be in when it moves to this one.
    public var allowedPredecessors: [PoolMemberStatus] {
        switch self {
        case .active: [.suspended]
        case .suspended: [.active]
        case .expired: []
        }
    }
}
