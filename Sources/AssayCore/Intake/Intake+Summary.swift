extension Intake {
    /// One problem of one rejected row (a row with several problems has several).
    public struct Rejection: Sendable, Hashable, Codable {
        /// The line of the file the row starts on.
        public var line: Int
        /// The field at fault, as the file names it (`(row)` for the row as a whole).
        public var field: String
        /// What is wrong, and what to do.
        public var reason: String
    }

    /// One row that brought nothing new (a duplicate), and why.
    public struct Duplicate: Sendable, Hashable, Codable {
        /// The line of the file the row starts on.
        public var line: Int
        /// Why nothing was added, and whose values were kept.
        public var reason: String
    }

    /// What an import did (or, for a dry run or a refused strict import, would do).
    public struct Summary: Sendable, Codable {
        /// Data rows read (the header and blank lines excluded).
        public var rowsRead = 0
        /// Experts created, each with an application.
        public var newExperts = 0
        /// New applications of people already known (before the import, or from an earlier row).
        public var applicationsForKnownExperts = 0
        /// Rows whose application (source and external id) the database already has, for the same
        /// person: imported before.
        public var alreadyImported = 0
        /// Rows that repeat an earlier row's application or person without adding a domain.
        public var repeatedInFile = 0
        /// Rows of people who already have an open application (received, invited, screening)
        /// for each of the row's domains.
        public var openApplicationExists = 0
        /// Rows refused by validation.
        public var rowsInvalid = 0
        /// Rows refused because their source and external id belong to another person.
        public var conflicts = 0
        /// All rows refused (invalid and conflicting); each is in the rejects file.
        public var rowsRejected = 0
        /// The first problems of rejected rows, one per field (all of them go to the rejects file).
        public var firstRejections: [Rejection] = []
        /// The first rows that added nothing, with why.
        public var firstDuplicates: [Duplicate] = []
        /// Columns (or JSON keys) ignored because no field matches their name.
        public var ignoredColumns: [String] = []
        /// Whether nothing was written because the import was a dry run.
        public var dryRun = false
        /// Whether nothing was written because the import was strict and rows were rejected.
        public var refusedAsStrict = false
        /// The audit event of a real import.
        public var eventID: Int?
        /// How the rows were written (``Method/direct`` or ``Method/merge``).
        public var method = Method.merge
        /// Why an automatic import merged through staging rather than deciding in memory and
        /// writing directly (the file or the database is too large, or the server does not
        /// allow it); nil when the rows went directly, and when the merge was asked for.
        public var mergeReason: String?
        /// The source given to rows that name none.
        public var source = ""

        /// New applications written.
        public var newApplications: Int { newExperts + applicationsForKnownExperts }

        /// Rows that added nothing (without the rejected ones).
        public var duplicates: Int { alreadyImported + repeatedInFile + openApplicationExists }

        /// Whether nothing could be imported: every row (of at least none) was rejected.
        public var nothingImportable: Bool { rowsRejected == rowsRead }

        /// Whether the import wrote its rows.
        public var written: Bool { !dryRun && !refusedAsStrict }

        /// The counts as the import's event records them.
        var eventCounts: [String: JSONValue] {
            ["rows_read": .number(Double(rowsRead)), "new_experts": .number(Double(newExperts)),
             "applications_for_known_experts": .number(Double(applicationsForKnownExperts)),
             "already_imported": .number(Double(alreadyImported)), "repeated_in_file": .number(Double(repeatedInFile)),
             "open_application_exists": .number(Double(openApplicationExists)), "rows_invalid": .number(Double(rowsInvalid)),
             "conflicts": .number(Double(conflicts)), "rows_rejected": .number(Double(rowsRejected))]
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
        /// Whether a new application was recorded.
        public var newApplication: Bool
        /// Why no application was recorded, when none was.
        public var reason: String?
    }
}
