/// An applicant that passed validation, normalized (trimmed, email lower-cased, country
/// upper-cased, codes lower-cased and de-duplicated).
public struct ApplicantRecord: Sendable, Hashable {
    /// Trimmed, lower-cased email.
    public var email: String
    /// Trimmed full name.
    public var fullName: String
    /// ISO 3166-1 alpha-2, upper-case.
    public var country: String
    /// ISO 639-1 codes, lower-case, in the order given, without repeats; empty when not said.
    public var languages: [String]
    /// Known domain slugs, in the order given, without repeats.
    public var domains: [String]
    /// One of none, bachelor, master, phd, md, jd, other; nil when not said.
    public var highestDegree: String?
    /// 0 to 70; nil when not said.
    public var yearsExperience: Int?
    /// The phone number, normalized (digits, after a '+' when international); nil when not said.
    public var phone: String?
    /// Where the application came from.
    public var source: String
    /// The application's id at its source (the email when not said).
    public var externalID: String
    /// When the person applied, as ISO 8601 text with an offset; nil for "now".
    public var appliedAt: String?
    /// Résumé text, if any.
    public var resumeText: String?
}
