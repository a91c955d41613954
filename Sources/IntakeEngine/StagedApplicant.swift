/// One valid applicant row, normalized and ready to write: the single definition of a staged
/// row, which the CSV fast path and the validator both produce and which the merge through
/// staging and the direct router both consume.
///
/// Its texts live in the ``StagedBatch`` that holds the row (``StagedText`` and ``StagedList``
/// say where); numbers and the date are typed values. Adding a field here makes every producer
/// and consumer fail to compile until it handles the field: nothing depends on the position of
/// a field in some text.
public struct StagedApplicant: Sendable, Hashable {
    /// The line of the file the row starts on (1 for a single applicant).
    public var line: Int
    /// The email, trimmed and lower-cased.
    public var email: StagedText
    /// The full name, trimmed.
    public var fullName: StagedText
    /// The ISO 3166-1 alpha-2 country code, upper-case.
    public var country: StagedText
    /// The ISO 639-1 language codes, lower-case, without repeats, in the order given (empty
    /// when the file does not say).
    public var languages: StagedList
    /// The domain slugs claimed, lower-case, without repeats, in the order given.
    public var domains: StagedList
    /// The highest degree, lower-case; nil when the file does not say.
    public var highestDegree: StagedText?
    /// Years of experience; nil when the file does not say.
    public var yearsExperience: Int32?
    /// The phone number, normalized (digits, after a '+' when international); nil when none.
    public var phone: StagedText?
    /// Where the application came from.
    public var source: StagedText
    /// The application's id at its source.
    public var externalID: StagedText
    /// When the person applied, in microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL's
    /// epoch); nil for the time of the import.
    public var appliedAt: Int64?
    /// The résumé, if any.
    public var resumeText: StagedText?

    /// Creates a row from values already validated and normalized.
    ///
    /// - Parameters:
    ///   - line: the line of the file the row starts on.
    ///   - email: the email, trimmed and lower-cased.
    ///   - fullName: the full name, trimmed.
    ///   - country: the country code, upper-case.
    ///   - languages: the language codes, lower-case, without repeats.
    ///   - domains: the domain slugs, lower-case, without repeats.
    ///   - highestDegree: the degree, lower-case, or nil when unknown.
    ///   - yearsExperience: years of experience, or nil when unknown.
    ///   - phone: the normalized phone number, if any.
    ///   - source: the source.
    ///   - externalID: the id at the source.
    ///   - appliedAt: microseconds since 2000-01-01 UTC, or nil for the time of the import.
    ///   - resumeText: the résumé, if any.
    @inlinable
    public init(line: Int, email: StagedText, fullName: StagedText, country: StagedText, languages: StagedList, domains: StagedList,
                highestDegree: StagedText?, yearsExperience: Int32?, phone: StagedText?, source: StagedText, externalID: StagedText,
                appliedAt: Int64?, resumeText: StagedText?) {
        self.line = line
        self.email = email
        self.fullName = fullName
        self.country = country
        self.languages = languages
        self.domains = domains
        self.highestDegree = highestDegree
        self.yearsExperience = yearsExperience
        self.phone = phone
        self.source = source
        self.externalID = externalID
        self.appliedAt = appliedAt
        self.resumeText = resumeText
    }
}

/// Where one text of a staged row lies in the bytes of its ``StagedBatch``.
public struct StagedText: Sendable, Hashable {
    @usableFromInline let start: Int
    @usableFromInline let end: Int

    @inlinable
    init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The text's length in bytes.
    @inlinable
    public var count: Int { end - start }
}

/// Where one list of texts of a staged row (its languages or domains) lies in the bytes of its
/// ``StagedBatch``: the elements one after the other, each after its length.
public struct StagedList: Sendable, Hashable {
    @usableFromInline let start: Int
    @usableFromInline let end: Int
    /// How many elements the list has.
    public let count: Int

    @inlinable
    init(start: Int, end: Int, count: Int) {
        self.start = start
        self.end = end
        self.count = count
    }

    /// The elements of a list, read from its batch's bytes (valid until the batch changes).
    public struct Elements: Sequence, IteratorProtocol {
        @usableFromInline let region: UnsafeBufferPointer<UInt8>
        @usableFromInline var offset = 0

        @inlinable
        init(region: UnsafeBufferPointer<UInt8>) { self.region = region }

        /// The next element's bytes.
        ///
        /// - Returns: the bytes, or nil after the last element.
        @inlinable
        public mutating func next() -> UnsafeBufferPointer<UInt8>? {
            guard offset + 4 <= region.count, let base = region.baseAddress else { return nil }
            let length = Int(UInt32(bigEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt32.self)))
            let element = UnsafeBufferPointer(start: base + offset + 4, count: Swift.min(length, region.count - offset - 4))
            offset += 4 + length
            return element
        }
    }
}
