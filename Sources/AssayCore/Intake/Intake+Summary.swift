extension Intake {
    /// One rejected row.
    public struct Rejection: Sendable, Hashable, Codable {
        /// The line of the file the row starts on.
        public var line: Int
        /// The field at fault (`(row)` for the row as a whole).
        public var field: String
        /// What is wrong.
        public var reason: String
    }

    /// What an import did (or, for a dry run, would do).
    public struct Summary: Sendable, Codable {
        /// Data rows read (the header excluded).
        public var rowsRead = 0
        /// Experts created.
        public var newExperts = 0
        /// New applications that joined an expert already known (before or earlier in the file).
        public var applicationsMerged = 0
        /// Rows whose application (source, external id) was already there or repeated in the file.
        public var duplicatesSkipped = 0
        /// Rows refused by validation.
        public var rowsRejected = 0
        /// The first rejections (all of them go to the rejects file).
        public var firstRejections: [Rejection] = []
        /// Whether nothing was written.
        public var dryRun = false
        /// The audit event of a real import.
        public var eventID: Int?
        /// How the rows were written (``Method/direct`` or ``Method/merge``).
        public var method = Method.merge
        /// Why an automatic import merged through staging rather than writing directly (the
        /// file is too large, the server does not allow it, or the direct attempt stopped, most
        /// often because the database already has some of the file's rows); nil when the rows
        /// went directly, and when the merge was asked for or the import was a dry run.
        public var mergeReason: String?

        /// New applications written.
        public var newApplications: Int { newExperts + applicationsMerged }

        /// The counts as the import's event records them.
        var eventCounts: [String: JSONValue] {
            ["rows_read": .number(Double(rowsRead)), "new_experts": .number(Double(newExperts)), "applications_merged": .number(Double(applicationsMerged)),
             "duplicates_skipped": .number(Double(duplicatesSkipped)), "rows_rejected": .number(Double(rowsRejected))]
        }
    }

    /// Progress of an import, reported about ten times a second.
    public struct Progress: Sendable {
        /// Rows read so far.
        public var rows: Int
        /// Bytes of the file read so far.
        public var bytes: Int
        /// The file's size.
        public var totalBytes: Int
        /// Seconds since the import started.
        public var elapsed: Double
    }

    /// What ``add(_:actor:)`` did.
    public struct AddResult: Sendable, Codable {
        /// The expert's id.
        public var expertID: Int
        /// Whether the expert was created now (false: already known by email).
        public var newExpert: Bool
        /// Whether a new application was recorded (false: that source and external id existed).
        public var newApplication: Bool
    }
}
