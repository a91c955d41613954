public import Psychometrics

/// Does passing the screen predict good work? For each bank version and outcome metric: the
/// correlations between the evidence screen's result and the members' later work, corrected for
/// range restriction, per-item validity, the expectancy table and the best pass mark at the
/// pool's current size. Built by ``ValidityAnalysis``; every formula is in `docs/validity.md`.
public struct ValidityReport: Sendable, Codable {
    /// Bootstrap replicates behind every interval.
    public var bootstrapReplicates: Int
    /// The bootstrap's seed (the same seed and data give the same intervals).
    public var bootstrapSeed: UInt64
    /// The intervals' confidence level.
    public var confidenceLevel: Double
    /// The fewest members with outcomes a correlation is computed on.
    public var minimumMembers: Int
    /// The member count (an item's response count) from which intervals are Fisher's z with the
    /// Kish effective sample size instead of the bootstrap; each interval names its `method`.
    public var analyticFrom: Int
    /// One entry per (bank version, metric) with members who have outcomes.
    public var banks: [BankValidity]

    /// One bank version against one outcome metric.
    public struct BankValidity: Sendable, Codable {
        /// The bank's slug.
        public var bankSlug: String
        /// The bank's version.
        public var bankVersion: Int
        /// The bank's domain.
        public var domain: String
        /// The outcome metric.
        public var metric: String
        /// Which way the metric counts as better (`higher_is_better` or `lower_is_better`).
        public var direction: String
        /// Pool members with an evidence screen on this version and outcomes in this metric.
        public var members: Int
        /// The tasks behind their outcomes.
        public var tasks: Int
        /// Applicants with a scored screen on this version (the unrestricted group).
        public var applicants: Int
        /// Active pool members whose evidence includes a screen on this version.
        public var poolSize: Int
        /// The task-weighted mean outcome of the members.
        public var meanOutcome: Double?
        /// Validity of the percent score.
        public var percent: PredictorValidity?
        /// Validity of the ability estimate θ̂, where enough members have one.
        public var theta: PredictorValidity?
        /// Per-item predictive validity, in the bank's item order.
        public var items: [ItemRow]
        /// Mean outcome by band of 10 percentage points.
        public var expectancy: [Band]
        /// The pass mark that would have given the best work at the pool's size, against today's.
        public var passMark: PassMark?
        /// What could not be computed and why.
        public var notes: [String]
        /// The members' (percent, θ̂, outcome, tasks), for the HTML scatter; not in JSON.
        public var points: [Point] = []

        enum CodingKeys: String, CodingKey {
            case bankSlug, bankVersion, domain, metric, direction, members, tasks, applicants, poolSize, meanOutcome
            case percent, theta, items, expectancy, passMark, notes
        }
    }

    /// The validity of one predictor (percent or θ̂).
    public struct PredictorValidity: Sendable, Codable {
        /// Members with a value of the predictor and an outcome.
        public var members: Int
        /// Task-weighted Pearson r.
        public var pearson: Coefficient?
        /// Task-weighted Spearman ρ.
        public var spearman: Coefficient?
        /// Pearson r corrected for range restriction (Thorndike case II), interval bounds corrected alike.
        public var corrected: Coefficient?
        /// The predictor's task-weighted standard deviation among the members (s).
        public var restrictedSd: Double?
        /// Its standard deviation among all applicants (S).
        public var applicantSd: Double?
    }

    /// A coefficient and its percentile bootstrap interval.
    public struct Coefficient: Sendable, Codable {
        /// The estimate.
        public var value: Double
        /// Its interval, when enough replicates were defined.
        public var interval: ConfidenceInterval?
    }

    /// One item's predictive validity.
    public struct ItemRow: Sendable, Codable {
        /// The item's key.
        public var itemKey: String
        /// Members who were shown it (and have an outcome).
        public var responses: Int
        /// Their task-weighted mean credit.
        public var facility: Double?
        /// The task-weighted point-biserial correlation with the outcome.
        public var correlation: Double?
        /// Its interval.
        public var interval: ConfidenceInterval?
        /// `wrong_way`, `no_signal`, `insufficient_data`, or absent.
        public var flag: String?
    }

    /// One band of the expectancy table.
    public struct Band: Sendable, Codable {
        /// Lower bound (percent, included).
        public var lower: Double
        /// Upper bound (excluded except for the last band).
        public var upper: Double
        /// Members in the band.
        public var members: Int
        /// Their tasks.
        public var tasks: Double
        /// Their task-weighted mean outcome.
        public var meanOutcome: Double?
    }

    /// The pass-mark comparison (on percent).
    public struct PassMark: Sendable, Codable {
        /// Today's mark (the bank's `pass.min_percent`).
        public var currentMark: Double
        /// The expected outcome at today's mark (members at or above it).
        public var currentExpectedOutcome: Double?
        /// The best feasible mark; absent when none is feasible.
        public var bestMark: Double?
        /// The expected outcome at the best mark.
        public var bestExpectedOutcome: Double?
        /// Applicants at or above the best mark.
        public var bestApplicants: Int?
        /// Members at or above the best mark.
        public var bestMembers: Int?
        /// The pool size the marks were judged at.
        public var poolSize: Int
        /// The fewest members a feasible mark rests on.
        public var minimumMembers: Int
    }

    /// One member in the scatter.
    public struct Point: Sendable, Codable {
        /// Screen percent.
        public var percent: Double
        /// θ̂, if any.
        public var theta: Double?
        /// The member's task-weighted mean outcome.
        public var outcome: Double
        /// Tasks behind it.
        public var tasks: Int
    }
}
