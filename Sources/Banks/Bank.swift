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

    /// Creates settings.
    public init(itemsPerScreen: Int, timeLimitMinutes: Int, shuffleOptions: Bool = false, retakeCooldownDays: Int = 0, showScore: Bool = false, passRule: PassRule) {
        self.itemsPerScreen = itemsPerScreen
        self.timeLimitMinutes = timeLimitMinutes
        self.shuffleOptions = shuffleOptions
        self.retakeCooldownDays = retakeCooldownDays
        self.showScore = showScore
        self.passRule = passRule
    }
}

/// When a screen passes.
public struct PassRule: Sendable, Hashable, Codable {
    /// Awarded points over possible points, in percent, must be at least this.
    public var minPercent: Double

    /// Creates a pass rule.
    public init(minPercent: Double) { self.minPercent = minPercent }
}

/// A domain: a folder of `interview-banks/` with its `domain.yaml`.
public struct Domain: Sendable, Hashable, Codable {
    /// The slug, equal to the folder name.
    public var slug: String
    /// The display name.
    public var name: String
    /// One paragraph for recruiters and candidates.
    public var description: String

    /// Creates a domain.
    public init(slug: String, name: String, description: String) {
        self.slug = slug
        self.name = name
        self.description = description
    }
}
