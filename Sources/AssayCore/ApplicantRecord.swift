import Foundation

/// One applicant as a recruiter supplies it: raw text fields, before validation.
public struct ApplicantInput: Sendable {
    /// The field values by column name (`email`, `full_name`, …); lists already split.
    public var fields: [String: String]
    /// `languages` and `domains` when they came as lists (JSON arrays); nil to split `fields`.
    public var lists: [String: [String]]

    /// Creates an input.
    public init(fields: [String: String], lists: [String: [String]] = [:]) {
        self.fields = fields
        self.lists = lists
    }
}

/// An applicant that passed validation, normalized (trimmed, email lower-cased, country
/// upper-cased, codes lower-cased and de-duplicated).
public struct ApplicantRecord: Sendable, Hashable {
    /// Trimmed, lower-cased email.
    public var email: String
    /// Trimmed full name.
    public var fullName: String
    /// ISO 3166-1 alpha-2, upper-case.
    public var country: String
    /// ISO 639-1 codes, lower-case, in the order given, without repeats.
    public var languages: [String]
    /// Known domain slugs, in the order given, without repeats.
    public var domains: [String]
    /// One of none, bachelor, master, phd, md, jd, other.
    public var highestDegree: String
    /// 0 to 70.
    public var yearsExperience: Int
    /// Where the application came from.
    public var source: String
    /// The application's id at its source.
    public var externalID: String
    /// When the person applied, as ISO 8601 text with an offset; nil for "now".
    public var appliedAt: String?
    /// Résumé text, if any.
    public var resumeText: String?
}

/// Why one field of one row was refused.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The column (CSV header name or JSON key).
    public var field: String
    /// What is wrong and what is expected.
    public var reason: String

    public var description: String { "\(field): \(reason)" }
}

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

/// ISO 8601 dates and date-times, normalized for PostgreSQL.
enum ISO8601Text {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by `Z` or `±HH:MM` (or `±HHMM`,
    /// `±HH`); a space may replace `T`. A date alone means midnight UTC. Returns the text in a
    /// form PostgreSQL reads as timestamptz, or nil when it is not valid (including impossible
    /// dates such as February 30, years outside 1900–2999, and date-times without an offset,
    /// which would be ambiguous).
    static func normalize(_ text: String) -> String? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            normalize(UnsafeBufferPointer(buffer), into: &out) ? String(decoding: out, as: UTF8.self) : nil
        }
    }

    /// The byte-level form of ``normalize(_:)``: appends the normalized text to `out` and
    /// returns true, or returns false (leaving `out` unchanged) when the text is not valid.
    static func normalize<Out: ByteAppending>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Out) -> Bool {
        var cursor = Cursor(bytes: bytes)
        let count = bytes.count
        func digits(_ n: Int) -> Int? { cursor.number(n).map(Int.init) }
        func expect(_ byte: UInt8) -> Bool { cursor.skip(byte) }
        func put(_ value: Int, _ width: Int, _ result: inout Out) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                result.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return false }
        guard (1...12).contains(month), day >= 1, year >= 1900, year <= 2999 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= monthDays else { return false }
        var hour = 0, minute = 0, second = 0
        var fraction: Range<Int>?
        var zoneSign: UInt8 = 0
        var zoneHour = 0, zoneMinute = 0
        if cursor.index < count {
            guard expect(84) || expect(32) else { return false }  // 'T' or ' '
            guard let h = digits(2), expect(58), let m = digits(2), h < 24, m < 60 else { return false }
            hour = h
            minute = m
            if expect(58) {
                guard let sec = digits(2), sec < 60 else { return false }
                second = sec
                if expect(46) || expect(44) {
                    let start = cursor.index
                    while cursor.index < count, bytes[cursor.index] >= 48, bytes[cursor.index] <= 57 { cursor.index += 1 }
                    guard cursor.index > start else { return false }
                    fraction = start..<min(cursor.index, start + 6)
                }
            }
            if expect(90) || expect(122) {  // 'Z' or 'z'
                zoneSign = 0
            } else if cursor.index < count, bytes[cursor.index] == 43 || bytes[cursor.index] == 45 {
                zoneSign = bytes[cursor.index]
                cursor.index += 1
                guard let zh = digits(2), zh <= 14 else { return false }
                zoneHour = zh
                if expect(58) {
                    guard let zm = digits(2) else { return false }
                    zoneMinute = zm
                } else if let zm = digits(2) {
                    zoneMinute = zm
                }
                guard zoneMinute < 60 else { return false }
            } else {
                return false
            }
            guard cursor.index == count else { return false }
        }
        put(year, 4, &out); out.append(45); put(month, 2, &out); out.append(45); put(day, 2, &out)
        out.append(84)
        put(hour, 2, &out); out.append(58); put(minute, 2, &out); out.append(58); put(second, 2, &out)
        if let fraction {
            out.append(46)
            for i in fraction { out.append(bytes[i]) }
        }
        if zoneSign == 0 {
            out.append(90)
        } else {
            out.append(zoneSign); put(zoneHour, 2, &out); out.append(58); put(zoneMinute, 2, &out)
        }
        return true
    }

    /// The instant of a ``normalize(_:into:)`` result (`YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)`,
    /// at most six fraction digits) in PostgreSQL's binary `timestamptz` form: microseconds
    /// since 2000-01-01T00:00:00Z. Nil for text of another shape; the values themselves (day of
    /// month, hour, years 1900–2999) are not checked again: pass only what `normalize` wrote.
    static func postgresMicroseconds(ofNormalized text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cursor = Cursor(bytes: text)
        guard let year = cursor.number(4), cursor.skip(45), let month = cursor.number(2), cursor.skip(45), let day = cursor.number(2),
              cursor.skip(84), let hour = cursor.number(2), cursor.skip(58), let minute = cursor.number(2), cursor.skip(58),
              let second = cursor.number(2), (1 ... 12).contains(month) else { return nil }
        var micros: Int64 = 0
        if cursor.skip(46) {
            var digits = 0
            while digits < 6, let digit = cursor.number(1) {
                micros = micros * 10 + digit
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits ..< 6 { micros *= 10 }
        }
        var offset: Int64 = 0
        if !cursor.skip(90) {
            let sign: Int64
            if cursor.skip(43) { sign = 1 } else if cursor.skip(45) { sign = -1 } else { return nil }
            guard let zoneHour = cursor.number(2), cursor.skip(58), let zoneMinute = cursor.number(2) else { return nil }
            offset = sign * (zoneHour * 3600 + zoneMinute * 60)
        }
        guard cursor.index == text.count else { return nil }
        // Days from 2000-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 730_425  // 730 425: 0000-03-01 to 2000-01-01
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1_000_000 + micros
    }

    /// A position in ASCII text, moved by what it reads.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The next `width` bytes as a decimal number, or nil (not moving) unless all are digits.
        mutating func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0 ..< width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }

        /// Whether the next byte is `byte` (then moves past it).
        mutating func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}
