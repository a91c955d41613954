/// A question bank: one file under `interview-banks/<domain>/`, its screen settings and items.
///
/// The format is documented in `docs/bank-format.md`. A bank holds answer keys: only staff views
/// and the scoring service may see a whole `Bank`. `Sendable`, `Codable` (the JSON form is what
/// the database stores and what the content hash covers).
public struct Bank: Sendable, Hashable, Codable {
    /// The bank's identifier, unique across banks.
    public var slug: String
    /// The title shown to candidates.
    public var title: String
    /// The slug of the bank's domain.
    public var domain: String
    /// ISO 639-1 code of the items' language.
    public var language: String
    /// Shown to the candidate before they begin.
    public var description: String?
    /// How screens from this bank run.
    public var settings: BankSettings
    /// The items, in file order.
    public var items: [Item]

    /// Creates a bank.
    public init(slug: String, title: String, domain: String, language: String, description: String? = nil, settings: BankSettings, items: [Item]) {
        self.slug = slug
        self.title = title
        self.domain = domain
        self.language = language
        self.description = description
        self.settings = settings
        self.items = items
    }
}

/// How a screen drawn from a bank runs.
public struct BankSettings: Sendable, Hashable, Codable {
    /// Items drawn per screen.
    public var itemsPerScreen: Int
    /// Minutes for the whole screen.
    public var timeLimitMinutes: Int
    /// Shuffle choice options per candidate.
    public var shuffleOptions: Bool
    /// Days after a screen ends before the same expert may retake the bank.
    public var retakeCooldownDays: Int
    /// Show the score to the candidate at the end.
    public var showScore: Bool
    /// The pass rule.
    public var passRule: PassRule
    /// The adaptive settings of a bank with `mode: adaptive`; nil for a fixed bank.
    ///
    /// Optional and omitted from the JSON form when nil, so fixed banks keep their content hash.
    /// In an adaptive bank ``itemsPerScreen`` equals ``AdaptiveSettings/maxItems``.
    public var adaptive: AdaptiveSettings?
    /// `near_miss_review: false` turns off sending short-text near misses to a reviewer; nil is
    /// the default (on).
    ///
    /// Stored only when false (omitted from the JSON form otherwise), so banks that keep the
    /// default keep their content hash.
    public var nearMissReview: Bool?

    /// Creates settings.
    public init(itemsPerScreen: Int, timeLimitMinutes: Int, shuffleOptions: Bool = false, retakeCooldownDays: Int = 0, showScore: Bool = false,
                passRule: PassRule, adaptive: AdaptiveSettings? = nil, nearMissReview: Bool? = nil) {
        self.itemsPerScreen = itemsPerScreen
        self.timeLimitMinutes = timeLimitMinutes
        self.shuffleOptions = shuffleOptions
        self.retakeCooldownDays = retakeCooldownDays
        self.showScore = showScore
        self.passRule = passRule
        self.adaptive = adaptive
        self.nearMissReview = nearMissReview == false ? false : nil
    }

    /// Whether screens of this bank choose each next item adaptively.
    public var isAdaptive: Bool { adaptive != nil }

    /// Whether a short-text answer that earns nothing but is near an accepted answer goes to a
    /// reviewer instead of scoring 0: on unless `near_miss_review: false`, and never in an
    /// adaptive bank, which scores each answer the moment it is given.
    public var reviewsNearMisses: Bool { !isAdaptive && nearMissReview != false }
}

/// How an adaptive screen runs: it picks the most informative item at the candidate's current
/// ability estimate and stops once the estimate is precise enough (see docs/bank-format.md).
public struct AdaptiveSettings: Sendable, Hashable, Codable {
    /// Stop once the standard error of θ̂ is at most this (after ``minItems``).
    public var targetSE: Double
    /// Never give more items than this.
    public var maxItems: Int
    /// Never stop for precision before this many items.
    public var minItems: Int

    /// Creates adaptive settings.
    public init(targetSE: Double, maxItems: Int, minItems: Int = 0) {
        self.targetSE = targetSE
        self.maxItems = maxItems
        self.minItems = minItems
    }
}

/// When a screen passes: on percent of possible points, on the ability estimate θ, or both
/// (every stated condition must hold).
public struct PassRule: Sendable, Hashable, Codable {
    /// Awarded points over possible points, in percent, must be at least this (nil: no percent
    /// condition; then ``minTheta`` is set).
    public var minPercent: Double?
    /// The final ability estimate θ̂ (EAP) must be at least this (nil: no θ condition).
    public var minTheta: Double?
    /// With ``minTheta``: the standard error of θ̂ must also be at most this.
    public var maxSE: Double?

    /// Creates a pass rule.
    public init(minPercent: Double? = nil, minTheta: Double? = nil, maxSE: Double? = nil) {
        self.minPercent = minPercent
        self.minTheta = minTheta
        self.maxSE = maxSE
    }

    /// Whether a result passes: every stated condition holds. A θ condition with no θ̂ fails.
    ///
    /// - Parameters:
    ///   - percent: the score in percent of possible points.
    ///   - theta: the final θ̂, when the screen has one.
    ///   - standardError: its standard error.
    /// - Returns: true when every stated condition holds.
    public func passes(percent: Double, theta: Double?, standardError: Double?) -> Bool {
        if let minPercent, percent < minPercent { return false }
        if let minTheta {
            guard let theta, theta >= minTheta else { return false }
            if let maxSE {
                guard let standardError, standardError <= maxSE else { return false }
            }
        }
        return true
    }
}

/// A domain: a folder of `interview-banks/` with its `domain.yaml`.
public struct Domain: Sendable, Hashable, Codable {
    /// The slug, equal to the folder name.
    public var slug: String
    /// The display name.
    public var name: String
    /// One paragraph for recruiters and candidates.
    public var description: String
    /// Who joins the domain's annotator pool, at which tier, for how long.
    public var policy: PromotionPolicy?

    /// Creates a domain.
    public init(slug: String, name: String, description: String, policy: PromotionPolicy? = nil) {
        self.slug = slug
        self.name = name
        self.description = description
        self.policy = policy
    }
}

/// A domain's promotion policy (`policy:` in domain.yaml; see docs/bank-format.md).
public struct PromotionPolicy: Sendable, Hashable, Codable {
    /// One tier and what it takes.
    public struct Tier: Sendable, Hashable, Codable {
        /// The tier's name (e.g. expert).
        public var name: String
        /// The minimum score, in percent, on every required bank.
        public var minScore: Double
        /// If given, the expert's highest degree must be one of these.
        public var degrees: [String]?
        /// If given, at least this many years of experience.
        public var minYears: Int?

        /// Creates a tier.
        public init(name: String, minScore: Double, degrees: [String]? = nil, minYears: Int? = nil) {
            self.name = name
            self.minScore = minScore
            self.degrees = degrees
            self.minYears = minYears
        }

        /// The rule in words, for the audit trail.
        public var rule: String {
            var parts = ["score ≥ \(minScore.formatted)%"]
            if let degrees { parts.append("degree in \(degrees.joined(separator: "/"))") }
            if let minYears { parts.append("≥ \(minYears) years of experience") }
            return "tier \(name): " + parts.joined(separator: ", ")
        }
    }

    /// The work-quality floor a member must meet for a new term (`renewal:` in domain.yaml).
    ///
    /// A member's recent work is the task-weighted mean of their outcome rows in the domain and
    /// ``metric`` whose period ended in the last ``windowDays`` days. A member with at least
    /// ``minimumTasks`` tasks behind it is renewed only when it is at least ``minimum`` (or at
    /// most ``maximum``, for a lower-is-better metric); a member with fewer tasks follows
    /// ``withoutOutcomes``.
    public struct RenewalFloor: Sendable, Hashable, Codable {
        /// What a member with too few recent tasks gets.
        public enum WithoutOutcomes: String, Sendable, Hashable, Codable, CaseIterable {
            /// Renewed on the screen evidence alone (the default).
            case renew
            /// Not renewed until enough outcomes show the work meets the floor.
            case hold
        }

        /// The outcome metric judged (e.g. gold_accuracy).
        public var metric: String
        /// The lowest recent value renewed (higher-is-better metrics); nil when ``maximum`` is set.
        public var minimum: Double?
        /// The highest recent value renewed (lower-is-better metrics such as rework_rate); nil
        /// when ``minimum`` is set.
        public var maximum: Double?
        /// The fewest tasks a judgement rests on.
        public var minimumTasks: Int
        /// How far back recent work reaches, in days.
        public var windowDays: Int
        /// What a member with fewer than ``minimumTasks`` recent tasks gets.
        public var withoutOutcomes: WithoutOutcomes

        /// Creates a floor.
        ///
        /// - Parameters:
        ///   - metric: the metric judged.
        ///   - minimum: the lowest value renewed (give this or `maximum`).
        ///   - maximum: the highest value renewed.
        ///   - minimumTasks: the fewest tasks judged.
        ///   - windowDays: the window in days.
        ///   - withoutOutcomes: the rule for members with too few tasks.
        public init(metric: String, minimum: Double? = nil, maximum: Double? = nil, minimumTasks: Int, windowDays: Int, withoutOutcomes: WithoutOutcomes = .renew) {
            self.metric = metric
            self.minimum = minimum
            self.maximum = maximum
            self.minimumTasks = minimumTasks
            self.windowDays = windowDays
            self.withoutOutcomes = withoutOutcomes
        }

        /// Whether a recent value meets the floor.
        ///
        /// - Parameters:
        ///   - value: the task-weighted mean of the recent outcome rows.
        /// - Returns: true when it is at least ``minimum`` and at most ``maximum`` (where set).
        public func admits(_ value: Double) -> Bool {
            value >= (minimum ?? -.infinity) && value <= (maximum ?? .infinity)
        }

        /// The floor in words ("gold_accuracy ≥ 0.8 over ≥ 50 tasks in the last 180 days").
        public var rule: String {
            let bound = minimum.map { "≥ \($0.formatted)" } ?? maximum.map { "≤ \($0.formatted)" } ?? ""
            return "\(metric) \(bound) over ≥ \(minimumTasks) tasks in the last \(windowDays) days"
        }
    }

    /// Banks that must all be passed (a final, passing, not voided screen).
    public var requiredBanks: [String]
    /// Days a promotion holds before re-vetting is due.
    public var validityDays: Int
    /// The tiers, highest first.
    public var tiers: [Tier]
    /// The work-quality floor for a new term of an existing member, if the domain sets one.
    public var renewal: RenewalFloor?

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - requiredBanks: the banks to pass.
    ///   - validityDays: the term in days.
    ///   - tiers: the tiers, highest first.
    ///   - renewal: the work-quality floor for renewals, if any.
    public init(requiredBanks: [String], validityDays: Int, tiers: [Tier], renewal: RenewalFloor? = nil) {
        self.requiredBanks = requiredBanks
        self.validityDays = validityDays
        self.tiers = tiers
        self.renewal = renewal
    }

    /// The highest tier an expert qualifies for, with its 1-based rank.
    ///
    /// - Parameters:
    ///   - score: the lowest of the expert's best scores on the required banks.
    ///   - degree: the expert's highest degree.
    ///   - years: years of experience.
    public func tier(score: Double, degree: String, years: Int) -> (rank: Int, tier: Tier)? {
        for (index, tier) in tiers.enumerated() {
            guard score >= tier.minScore else { continue }
            if let degrees = tier.degrees, !degrees.contains(degree) { continue }
            if let minYears = tier.minYears, years < minYears { continue }
            return (index + 1, tier)
        }
        return nil
    }
}

extension Double {
    /// Shortest text: 70 rather than 70.0.
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
