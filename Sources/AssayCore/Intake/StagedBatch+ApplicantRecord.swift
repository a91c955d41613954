internal import IntakeEngine

extension StagedBatch {
    /// Appends a record made by ``ApplicantValidator`` (the exact path, JSON Lines, `intake add`).
    ///
    /// - Parameters:
    ///   - record: the validated record.
    ///   - line: the line of the file the row starts on.
    /// - Returns: nil, or the problem when the record cannot be staged: an `applied_at` that is
    ///   not in the validator's normalized form (only a record made by other means has one).
    mutating func append(_ record: ApplicantRecord, line: Int) -> FieldProblem? {
        var appliedAt: Int64?
        if let text = record.appliedAt {
            guard let micros = ISO8601Text.postgresMicroseconds(ofNormalized: text) else {
                return FieldProblem(field: "applied_at", reason: "'\(text)' is not an ISO 8601 date-time with an offset")
            }
            appliedAt = micros
        }
        let row = StagedApplicant(
            line: line, email: appendText(record.email), fullName: appendText(record.fullName), country: appendText(record.country),
            languages: appendList(record.languages), domains: appendList(record.domains), highestDegree: record.highestDegree.map { appendText($0) },
            yearsExperience: record.yearsExperience.map { Int32(clamping: $0) }, phone: record.phone.map { appendText($0) },
            source: appendText(record.source), externalID: appendText(record.externalID),
            appliedAt: appliedAt, resumeText: record.resumeText.map { appendText($0) })
        append(row)
        return nil
    }
}
