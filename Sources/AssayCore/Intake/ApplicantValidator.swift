import Foundation

/// Validates and normalizes applicant rows: the rules of the intake issue, in one place for
/// `intake add` and `intake import`.
public struct ApplicantValidator: Sendable {
    /// The columns an import may have.
    public static let columns: Set<String> = ["external_id", "full_name", "email", "country", "languages", "domains",
                                              "highest_degree", "years_experience", "source", "applied_at", "resume_text"]
    /// The columns every row needs.
    public static let requiredColumns: [String] = ["external_id", "full_name", "email", "country", "languages", "domains",
                                                   "highest_degree", "years_experience"]
    /// The degrees accepted.
    public static let degrees: Set<String> = ["none", "bachelor", "master", "phd", "md", "jd", "other"]

    /// The domain slugs an application may claim.
    public var knownDomains: Set<String>
    /// The source used when a row has none.
    public var defaultSource: String

    /// Creates a validator.
    public init(knownDomains: Set<String>, defaultSource: String) {
        self.knownDomains = knownDomains
        self.defaultSource = defaultSource
    }

    /// Validates one row.
    ///
    /// - Returns: the normalized record, or the first problem found (field and reason).
    public func validate(_ input: ApplicantInput) -> Result<ApplicantRecord, FieldProblem> {
        func text(_ key: String) -> String {
            (input.fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func fail(_ field: String, _ reason: String) -> Result<ApplicantRecord, FieldProblem> {
            .failure(FieldProblem(field: field, reason: reason))
        }
        let externalID = text("external_id")
        if externalID.isEmpty { return fail("external_id", "is empty; every application needs its id at the source") }
        if externalID.count > 200 { return fail("external_id", "is longer than 200 characters") }
        if externalID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return fail("external_id", "contains a control character")
        }
        let name = text("full_name")
        if name.isEmpty { return fail("full_name", "is empty") }
        if name.count > 300 { return fail("full_name", "is longer than 300 characters") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return fail("full_name", "contains a control character (a line break or tab?)")
        }
        let email = text("email").lowercased()
        if let reason = Self.emailProblem(email) { return fail("email", reason) }
        let country = text("country").uppercased()
        if !ISOCodes.countries.contains(country) {
            return fail("country", country.isEmpty ? "is empty; give an ISO 3166-1 alpha-2 code such as FR" : "'\(country)' is not an ISO 3166-1 alpha-2 country code (for example FR, US, IN)")
        }
        let languages = codes(input, "languages").map { $0.lowercased() }
        if languages.isEmpty { return fail("languages", "is empty; give ISO 639-1 codes such as en;fr") }
        if let bad = languages.first(where: { !ISOCodes.languages.contains($0) }) {
            return fail("languages", "'\(bad)' is not an ISO 639-1 language code (two letters, such as en, fr, zh)")
        }
        let domains = codes(input, "domains").map { $0.lowercased() }
        if domains.isEmpty { return fail("domains", "is empty; give at least one domain") }
        if let bad = domains.first(where: { !knownDomains.contains($0) }) {
            return fail("domains", "'\(bad)' is not a known domain (known: \(knownDomains.sorted().joined(separator: ", ")))")
        }
        let degree = text("highest_degree").lowercased()
        if !Self.degrees.contains(degree) {
            return fail("highest_degree", "'\(degree)' is not one of none, bachelor, master, phd, md, jd, other")
        }
        let yearsText = text("years_experience")
        guard let years = Int(yearsText), (0...70).contains(years) else {
            return fail("years_experience", "'\(yearsText)' is not a whole number of years from 0 to 70")
        }
        var appliedAt: String?
        let appliedText = text("applied_at")
        if !appliedText.isEmpty {
            guard let normalized = ISO8601Text.normalize(appliedText) else {
                return fail("applied_at", "'\(appliedText)' is not an ISO 8601 date or date-time (for example 2026-03-01 or 2026-03-01T09:30:00Z)")
            }
            appliedAt = normalized
        }
        var source = text("source")
        if source.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return fail("source", "contains a control character")
        }
        if source.isEmpty { source = defaultSource }
        let resume = input.fields["resume_text"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if let resume, resume.utf8.contains(0) { return fail("resume_text", "contains a NUL character") }
        return .success(ApplicantRecord(
            email: email, fullName: name, country: country, languages: unique(languages), domains: unique(domains),
            highestDegree: degree, yearsExperience: years, source: source, externalID: externalID,
            appliedAt: appliedAt, resumeText: resume))
    }

    private func codes(_ input: ApplicantInput, _ key: String) -> [String] {
        let raw = input.lists[key] ?? (input.fields[key] ?? "").split(separator: ";").map(String.init)
        return raw.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// Why an email (already trimmed and lower-cased) is not acceptable, or nil.
    static func emailProblem(_ email: String) -> String? {
        if email.isEmpty { return "is empty" }
        if email.utf8.count > 254 { return "is longer than 254 characters" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "'\(email)' must contain exactly one @" }
        let local = parts[0], domain = parts[1]
        if local.isEmpty || local.utf8.count > 64 { return "'\(email)' has an empty or too long part before the @" }
        let localAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        if local.unicodeScalars.contains(where: { !localAllowed.contains($0) }) || local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "'\(email)' has characters not allowed before the @"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
            return "'\(email)' needs a domain with a dot after the @ (for example name@example.org)"
        }
        let labelAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-")
        for label in labels where label.isEmpty || label.count > 63 || label.hasPrefix("-") || label.hasSuffix("-") || label.unicodeScalars.contains(where: { !labelAllowed.contains($0) }) {
            return "'\(email)' has an invalid domain after the @"
        }
        return nil
    }
}
