/// What an audit event records: a dotted name such as `screen.invite` (the `events.action`
/// CHECK constraint requires that shape).
///
/// Every action Assay writes is a constant here, so that the whole vocabulary of the audit
/// trail is in one place.
public struct AuditAction: Hashable, Sendable, CustomStringConvertible {
    /// The stored name, e.g. `pool.promote`.
    public let rawValue: String

    /// An action by its stored name.
    ///
    /// - Parameter rawValue: a dotted lower-case name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The stored name.
    public var description: String { rawValue }

    /// Staff invited an expert to a screen.
    public static let screenInvite = AuditAction("screen.invite")
    /// A candidate began a screen.
    public static let screenBegin = AuditAction("screen.begin")
    /// A screen was submitted (by the candidate, its deadline or staff).
    public static let screenSubmit = AuditAction("screen.submit")
    /// A screen's result became final.
    public static let screenScored = AuditAction("screen.scored")
    /// An adaptive screen's stopping rule ended it.
    public static let screenAdaptiveStop = AuditAction("screen.adaptive_stop")
    /// Staff voided a screen.
    public static let screenVoid = AuditAction("screen.void")
    /// Staff gave a screen more time.
    public static let screenExtend = AuditAction("screen.extend")
    /// Staff looked at a screen's integrity flags and cleared them, so that promotion may use it.
    public static let screenClearFlags = AuditAction("screen.clear_flags")
    /// A reviewer graded an essay or a short-text near miss.
    public static let reviewGrade = AuditAction("review.grade")
    /// A reviewer corrected a grade; the details keep the grade it replaced.
    public static let reviewRegrade = AuditAction("review.regrade")
    /// A scored screen was totalled afresh after a grade was corrected; the details keep the
    /// result before and after.
    public static let screenRescore = AuditAction("screen.rescore")
    /// An expert joined a domain's pool.
    public static let poolPromote = AuditAction("pool.promote")
    /// A member moved to a higher tier.
    public static let poolRaise = AuditAction("pool.raise")
    /// A member's term was renewed on newer evidence.
    public static let poolRenew = AuditAction("pool.renew")
    /// A member was suspended.
    public static let poolSuspend = AuditAction("pool.suspend")
    /// A member's new term (renewal or raise) was refused because their recent work is below
    /// the domain's floor (`policy.renewal`); the details hold the value, tasks and outcome rows.
    public static let poolRenewalRefused = AuditAction("pool.renewal_refused")
    /// A suspended member was reinstated.
    public static let poolReinstate = AuditAction("pool.reinstate")
    /// The pool action for a promotion's change: `promote`, `raise` or `renew`.
    ///
    /// - Parameter change: the change's action word.
    /// - Returns: `pool.<change>`.
    static func pool(_ change: String) -> AuditAction {
        switch change {
        case "promote": .poolPromote
        case "raise": .poolRaise
        default: .poolRenew
        }
    }

    /// Question banks were loaded.
    public static let bankSync = AuditAction("bank.sync")
    /// A bank's items were calibrated.
    public static let bankCalibrate = AuditAction("bank.calibrate")
    /// One applicant was added by hand.
    public static let intakeAdd = AuditAction("intake.add")
    /// A file of applicants was imported.
    public static let intakeImport = AuditAction("intake.import")
    /// A file of work outcomes was imported.
    public static let outcomesImport = AuditAction("outcomes.import")
    /// Two records of one person were merged into one (`assay experts merge`).
    public static let expertsMerge = AuditAction("experts.merge")
}
