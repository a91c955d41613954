import Foundation

/// Validates and normalizes applicant rows: the rules of intake, in one place for `intake add`
/// and `intake import`.
///
/// Only email, full name, country and domains are required. An empty external id becomes the
/// email and the domains (``defaultExternalID(email:domains:)``); empty languages, degree, years or phone mean "not said" and are
/// stored as unknown. Every problem of a row is reported, each with its field, and the common
/// mistakes come with a suggestion (France → FR, English → en, MSc → master).
public struct ApplicantValidator: Sendable {
    /// The columns an import may have.
    public static let columns: Set<String> = ["external_id", "full_name", "email", "country", "languages", "domains",
                                              "highest_degree", "years_experience", "phone", "source", "applied_at", "resume_text"]
    /// The columns every import needs.
    public static let requiredColumns: [String] = ["email", "full_name", "country", "domains"]
    /// The degrees accepted.
    public static let degrees: Set<String> = ["none", "bachelor", "master", "phd", "md", "jd", "other"]

    /// The domain slugs an application may claim.
    public var knownDomains: Set<String>
    /// The source used when a row has none.
    public var defaultSource: String

    /// Creates a validator.
    ///
    /// - Parameters:
    ///   - knownDomains: the domain slugs an application may claim.
    ///   - defaultSource: the source of rows that give none.
    public init(knownDomains: Set<String>, defaultSource: String) {
        self.knownDomains = knownDomains
        self.defaultSource = defaultSource
    }

    /// Validates one row.
    ///
    /// - Parameter input: the row's fields.
    /// - Returns: the normalized record, or every problem found, in column order (field and
    ///   reason; at least one), in a fixed order of fields.
    public func validate(_ input: ApplicantInput) -> Result<ApplicantRecord, RowProblems> {
        var problems: [FieldProblem] = []
        func text(_ key: String) -> String {
            Self.unneutralised((input.fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        func fail(_ field: String, _ reason: String) {
            problems.append(FieldProblem(field: field, reason: reason))
        }
        func hasControl(_ value: String) -> Bool {
            value.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        let email = text("email").lowercased()
        let emailProblem = Self.emailProblem(email)
        var externalID = text("external_id")
        if externalID.count > 200 { fail("external_id", "is longer than 200 characters") }
        if hasControl(externalID) { fail("external_id", "contains a control character") }
        let givenExternalID = !externalID.isEmpty
        let name = text("full_name")
        if name.isEmpty { fail("full_name", "is empty") }
        if name.count > 300 { fail("full_name", "is longer than 300 characters") }
        if hasControl(name) { fail("full_name", "contains a control character (a line break or tab?)") }
        if let emailProblem { fail("email", emailProblem) }
        let countryText = text("country")
        let country = countryText.uppercased()
        if !ISOCodes.countries.contains(country) {
            if countryText.isEmpty {
                fail("country", "is empty; give an ISO 3166-1 alpha-2 code such as FR")
            } else if let code = ISOCodes.countryNames[ISOCodes.nameKey(countryText)] {
                fail("country", "\(Self.shown(countryText)) is not an ISO 3166-1 alpha-2 code; did you mean \(code)?")
            } else {
                fail("country", "\(Self.shown(countryText)) is not an ISO 3166-1 alpha-2 country code (for example FR, US, IN)")
            }
        }
        let languages = codes(input, "languages").map { $0.lowercased() }
        let badLanguages = languages.filter { !ISOCodes.languages.contains($0) }
        if !badLanguages.isEmpty {
            let suggestions = badLanguages.compactMap { bad in
                ISOCodes.languageNames[ISOCodes.nameKey(bad)].map { badLanguages.count == 1 ? $0 : "\(Self.shown(bad)) → \($0)" }
            }
            let listed = badLanguages.map(Self.shown).joined(separator: ", ")
            fail("languages", "\(listed) \(badLanguages.count == 1 ? "is not an ISO 639-1 language code" : "are not ISO 639-1 language codes")"
                 + (suggestions.isEmpty ? " (two letters, such as en, fr, zh)" : "; did you mean \(suggestions.joined(separator: ", "))?"))
        }
        let domains = codes(input, "domains").map { $0.lowercased() }
        if domains.isEmpty {
            fail("domains", "is empty; give at least one domain (known: \(knownDomains.sorted().joined(separator: ", ")))")
        } else {
            let badDomains = domains.filter { !knownDomains.contains($0) }
            if !badDomains.isEmpty {
                let suggestions = badDomains.compactMap { bad in suggestedDomain(bad).map { badDomains.count == 1 ? $0 : "\(Self.shown(bad)) → \($0)" } }
                fail("domains", "\(badDomains.map(Self.shown).joined(separator: ", ")) \(badDomains.count == 1 ? "is not a known domain" : "are not known domains")"
                     + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?")
                     + " (known: \(knownDomains.sorted().joined(separator: ", ")))")
            }
        }
        let degreeText = text("highest_degree")
        let degree = degreeText.lowercased()
        if !degree.isEmpty, !Self.degrees.contains(degree) {
            let suggestion = Self.suggestedDegree(degreeText).map { "; did you mean \($0)?" } ?? ""
            fail("highest_degree", "\(Self.shown(degreeText)) is not one of none, bachelor, master, phd, md, jd, other\(suggestion)")
        }
        let yearsText = text("years_experience")
        var years: Int?
        if !yearsText.isEmpty {
            if let value = Int(yearsText), (0...70).contains(value) {
                years = value
            } else {
                let leading = yearsText.prefix { $0.isASCII && $0.isNumber }
                let suggestion = !leading.isEmpty && leading.count < yearsText.count && Int(leading).map { (0...70).contains($0) } == true
                    ? "; did you mean \(leading)?" : ""
                fail("years_experience", "\(Self.shown(yearsText)) is not a whole number of years from 0 to 70\(suggestion)")
            }
        }
        let phoneText = text("phone")
        var phone: String?
        if !phoneText.isEmpty {
            if let normalized = Self.normalizedPhone(phoneText) {
                phone = normalized
            } else {
                fail("phone", "\(Self.shown(phoneText)) is not a phone number (6 to 15 digits, with spaces, dots, dashes, brackets or a leading +)")
            }
        }
        var appliedAt: String?
        let appliedText = text("applied_at")
        if !appliedText.isEmpty {
            if let normalized = ISO8601Text.normalize(appliedText) {
                appliedAt = normalized
            } else {
                fail("applied_at", "\(Self.shown(appliedText)) is not an ISO 8601 date or date-time (for example 2026-03-01 or 2026-03-01T09:30:00Z)")
            }
        }
        var source = text("source")
        if hasControl(source) { fail("source", "contains a control character") }
        if source.isEmpty { source = defaultSource }
        let resume = input.fields["resume_text"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : Self.unneutralised($0) }
        if let resume, resume.utf8.contains(0) { fail("resume_text", "contains a NUL character") }
        guard problems.isEmpty else { return .failure(RowProblems(problems: problems)) }
        if !givenExternalID { externalID = Self.defaultExternalID(email: email, domains: domains) }
        return .success(ApplicantRecord(
            email: email, fullName: name, country: country, languages: unique(languages), domains: unique(domains),
            highestDegree: degree.isEmpty ? nil : degree, yearsExperience: years, phone: phone, source: source, externalID: externalID,
            appliedAt: appliedAt, resumeText: resume))
    }

    /// The application id of a row that gives none (`intake add` and `intake import` alike):
    /// the email and the domains claimed, sorted (`jane@example.org:law+medicine`). Importing the
    /// same row again finds the same application; a row of the same person for another domain is
    /// another application.
    ///
    /// - Parameters:
    ///   - email: the normalized email.
    ///   - domains: the domain slugs claimed.
    /// - Returns: the external id.
    public static func defaultExternalID(email: String, domains: [String]) -> String {
        email + ":" + Set(domains).sorted().joined(separator: "+")
    }

    /// A list field's codes: a JSON array, or text separated by ';' or ','.
    private func codes(_ input: ApplicantInput, _ key: String) -> [String] {
        let raw = input.lists[key] ?? (input.fields[key] ?? "").split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init)
        return raw.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// The known domain a mistyped one most likely means: the only one that starts with it or
    /// that it starts with, or the only one within two edits.
    func suggestedDomain(_ value: String) -> String? {
        let key = value.lowercased().replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "_", with: "-")
        if knownDomains.contains(key) { return key }
        let prefixed = knownDomains.filter { $0.hasPrefix(key) || (key.count >= 4 && key.hasPrefix($0)) }
        if prefixed.count == 1 { return prefixed.first }
        let near = knownDomains.filter { Self.editDistance($0, key, limit: 2) <= 2 }
        if near.count == 1 { return near.first }
        // A shortening ("maths", "swe" aside): the only domain sharing the first four letters.
        guard key.count >= 4 else { return nil }
        let sharing = knownDomains.filter { $0.hasPrefix(key.prefix(4)) }
        return sharing.count == 1 ? sharing.first : nil
    }

    /// The Levenshtein distance of two short texts, or more than `limit` when it exceeds it.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The degree a common spelling means (Ph.D., MSc, Master's, BA, M.D., J.D., doctorate…).
    static func suggestedDegree(_ value: String) -> String? {
        let key = ISOCodes.nameKey(value)
        switch key {
        case "phd", "dphil", "doctorate", "doctor", "doctoral", "doctorat", "doktor", "phds": return "phd"
        case "md", "mbbs", "mbchb", "do", "medicaldoctor", "medicine": return "md"
        case "jd", "llb", "llm", "lawdegree", "juris doctor", "jurisdoctor": return "jd"
        case "master", "masters", "msc", "ms", "ma", "mba", "meng", "mphil", "mres", "master2", "m2", "mastersdegree", "masterdegree", "maitrise":
            return "master"
        case "bachelor", "bachelors", "bsc", "bs", "ba", "beng", "licence", "license", "undergraduate", "bachelorsdegree", "bachelordegree": return "bachelor"
        case "no", "nodegree", "highschool", "secondary", "na", "nil": return "none"
        default: return nil
        }
    }

    /// A phone number as stored: its digits, after a '+' when it began with '+' or '00'; nil
    /// when it has letters or other signs, or not 6 to 15 digits.
    static func normalizedPhone(_ text: String) -> String? {
        var digits = ""
        var plus = false
        for (index, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case "+" where index == 0: plus = true
            case " ", ".", "-", "(", ")", "/", "\u{A0}": continue
            default: return nil
            }
        }
        if !plus, digits.hasPrefix("00") {
            plus = true
            digits.removeFirst(2)
        }
        guard (6...15).contains(digits.count) else { return nil }
        return (plus ? "+" : "") + digits
    }

    /// A value from outside as a message shows it: in quotes, made visible-safe
    /// (``VisibleText``), cut after 60 characters.
    static func shown(_ value: String) -> String {
        let cut = value.count > 60 ? String(value.prefix(60)) + "…" : value
        return "'\(cut.visibleSafe)'"
    }

    /// A cell without the apostrophe that ``CSVText/field(_:)`` puts before one that starts
    /// like a formula (so that a rejects file, fixed in a spreadsheet, imports as it is).
    static func unneutralised(_ value: String) -> String {
        guard value.hasPrefix("'"), CSVText.startsLikeFormula(String(value.dropFirst())) else { return value }
        return String(value.dropFirst())
    }

    /// Why an email (already trimmed and lower-cased) is not acceptable, or nil.
    static func emailProblem(_ email: String) -> String? {
        if email.isEmpty { return "is empty" }
        if email.utf8.count > 254 { return "is longer than 254 characters" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "\(shown(email)) must contain exactly one @" }
        let local = parts[0], domain = parts[1]
        if local.isEmpty || local.utf8.count > 64 { return "\(shown(email)) has an empty or too long part before the @" }
        let localAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        if local.unicodeScalars.contains(where: { !localAllowed.contains($0) }) || local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "\(shown(email)) has characters not allowed before the @"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
            return "\(shown(email)) needs a domain with a dot after the @ (for example name@example.org)"
        }
        let labelAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-")
        for label in labels where label.isEmpty || label.count > 63 || label.hasPrefix("-") || label.hasSuffix("-") || label.unicodeScalars.contains(where: { !labelAllowed.contains($0) }) {
            return "\(shown(email)) has an invalid domain after the @"
        }
        return nil
    }
}

/// Every problem of one row (at least one), each with its field.
public struct RowProblems: Error, Sendable, Hashable {
    /// The problems, in column order.
    public var problems: [FieldProblem]

    /// Creates the problems of a row.
    ///
    /// - Parameter problems: at least one.
    public init(problems: [FieldProblem]) { self.problems = problems }

    /// One problem of the row as a whole.
    ///
    /// - Parameters:
    ///   - field: the field, or `(row)`.
    ///   - reason: what is wrong.
    public init(_ field: String, _ reason: String) { problems = [FieldProblem(field: field, reason: reason)] }
}
