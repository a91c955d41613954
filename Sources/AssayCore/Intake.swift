import Foundation
public import Postgres

/// Brings applicants in: one with ``add(_:actor:)``, or a whole CSV or JSON Lines file with
/// ``importFile(_:)``.
///
/// An import streams the file: rows are parsed and validated here while PostgreSQL ingests the
/// valid ones through COPY into a temporary staging table; then set-based SQL writes each final
/// table once, in one transaction with the staging. A failure or an interrupted process
/// therefore leaves the database as it was. Merges of concurrent imports are serialized by an
/// advisory lock, taken after the (slow) COPY, so two overlapping imports end with each person
/// once and no error.
///
/// Uses one connection; not `Sendable`.
public final class Intake {
    /// The connection used.
    public let connection: Connection

    /// An intake over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// The file formats an import reads.
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180 CSV with a header row; lists separated by ';'.
        case csv
        /// One JSON object per line; lists as arrays.
        case jsonl

        /// The format a file's extension implies, if any.
        public static func from(path: String) -> Format? {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": .csv
            case "jsonl", "ndjson": .jsonl
            default: nil
            }
        }
    }

    /// What to import and how.
    public struct ImportRequest: Sendable {
        /// The file.
        public var path: String
        /// Its format.
        public var format: Format
        /// The source for rows that name none (default: the file's name).
        public var source: String?
        /// Where to write rejected rows as CSV (line, field, reason, row), if anywhere.
        public var rejectsPath: String?
        /// Validate and count without writing anything.
        public var dryRun: Bool
        /// Who imports, for the audit trail.
        public var actor: String
        /// How to write the rows (tests force one or the other; users leave it automatic).
        public var method: Method

        /// Creates a request.
        public init(path: String, format: Format, source: String? = nil, rejectsPath: String? = nil, dryRun: Bool = false, actor: String,
                    method: Method = .automatic) {
            self.method = method
            self.path = path
            self.format = format
            self.source = source
            self.rejectsPath = rejectsPath
            self.dryRun = dryRun
            self.actor = actor
        }
    }

    /// The largest file that an automatic import writes directly (see ``Method/direct``).
    public static let directImportMaximumFileSize = 256 << 20

    /// How an import writes its rows.
    public enum Method: String, Sendable, Codable {
        /// Direct when the server allows it, the file is at most
        /// ``Intake/directImportMaximumFileSize`` and holds only new rows; merge otherwise.
        case automatic
        /// Straight into the final tables over two connections, committed with two-phase commit
        /// (fails with a unique violation when the file overlaps the database).
        case direct
        /// Through a staging table and set-based SQL that merges with what the database has.
        case merge
    }

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

        /// New applications written.
        public var newApplications: Int { newExperts + applicationsMerged }
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

    /// Imports a file.
    ///
    /// - Parameters:
    ///   - request: the file, format, source, rejects file, dry-run flag and actor.
    ///   - progress: called as rows are read, for a progress bar.
    /// - Returns: the counts.
    /// - Throws: ``AssayError`` (exit 2) for a bad header, an unreadable file or no known
    ///   domains, before anything is written; ``PostgresError`` when the database fails (nothing
    ///   is written then either).
    public func importFile(_ request: ImportRequest, progress: ((Progress) -> Void)? = nil) throws -> Summary {
        let domains = try knownDomains()
        // Best effort here: what cannot be resolved now is retried while waiting for the lock.
        _ = try? Self.recoverInterruptedImports(on: connection)
        let source = request.source ?? URL(fileURLWithPath: request.path).lastPathComponent
        let details = ["file": request.path, "source": source, "format": request.format.rawValue]
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: request.path)[.size] as? Int) ?? 0
        // The direct import keeps 60–110 bytes per row in memory (hashes of the keys, ids,
        // languages): above 256 MB of file (about 2 million rows), merge through staging, whose
        // memory does not grow with the file.
        let direct = request.method == .direct || (request.method == .automatic && fileSize <= Self.directImportMaximumFileSize)
        if !request.dryRun, direct {
            if try Self.directImportAvailable(on: connection) {
                do {
                    return try read(request, source: source, domains: domains, totalBytes: fileSize, progress: progress) { feed in
                        // Sized for about 120 bytes a row (at most a million rows): tables grow if there are more.
                        try directImport(actor: request.actor, details: details, expectedRows: min(fileSize / 120, 1 << 20), feed: feed)
                    }
                } catch let error as PostgresError where request.method == .automatic {
                    // Nothing was written (after the decision the error is DirectImportDecided).
                    // Usually a unique violation: the file holds people or applications the
                    // database already has. Whatever it was, the merge does not need what the
                    // direct path needs (prepared transactions, two more connections).
                    phase("direct import stopped after \(directAttemptRows) rows (\(error.code?.rawValue ?? "?") \(error.constraint ?? "")); merging through staging instead")
                } catch let error as DirectImportUnsupported where request.method == .automatic {
                    phase("direct import not possible (\(error.reason)); merging through staging instead")
                }
            } else if request.method == .direct {
                throw AssayError(.badInput, "a direct import needs a server with max_prepared_transactions of at least 2 (the embedded cluster has 64)")
            }
        }
        return try read(request, source: source, domains: domains, totalBytes: fileSize, progress: progress) { feed in
            try merge(actor: request.actor, action: "intake.import", dryRun: request.dryRun, details: details, feed: feed)
        }
    }

    /// Reads, validates and stages the file's rows into the sink that `write` provides; writes
    /// the rejects file and reports progress.
    private func read(_ request: ImportRequest, source: String, domains: Set<String>, totalBytes: Int, progress: ((Progress) -> Void)?,
                      write: ((any StagedRowSink) throws -> Summary) throws -> Summary) throws -> Summary {
        let validator = ApplicantValidator(knownDomains: domains, defaultSource: source)
        let rows = try ApplicantRowReader(path: request.path, format: request.format)
        let rejects = try request.rejectsPath.map { try RejectsWriter(path: $0) }
        var summary = Summary()
        summary.dryRun = request.dryRun
        let started = Date()
        var lastReport = Date.distantPast
        do {
            summary = try write { writer in
                var staged = StagingBuffer()
                var sendTime = 0.0
                var out = ByteBuffer(capacity: 1 << 20)
                func reject(_ problem: FieldProblem, line: Int, raw: [UInt8]) throws {
                    summary.rowsRejected += 1
                    let rejection = Rejection(line: line, field: problem.field, reason: problem.reason)
                    if summary.firstRejections.count < 20 { summary.firstRejections.append(rejection) }
                    try rejects?.write(rejection, raw: raw)
                }
                func report() {
                    if let progress, summary.rowsRead & 1023 == 0, Date().timeIntervalSince(lastReport) > 0.1 {
                        lastReport = Date()
                        progress(Progress(rows: summary.rowsRead, bytes: rows.bytesRead, totalBytes: totalBytes, elapsed: lastReport.timeIntervalSince(started)))
                    }
                }
                if let csv = rows.csv {
                    var stager = CSVApplicantStager(header: rows.header, validator: validator)
                    while try csv.advance() {
                        switch stager.stage(csv, into: &out) {
                        case .blank:
                            continue
                        case .staged:
                            summary.rowsRead += 1
                        case .rejected(let problem):
                            summary.rowsRead += 1
                            try reject(problem, line: csv.recordLine, raw: Array(csv.raw))
                        }
                        if out.count >= 1 << 19 {
                            let sendStart = Date()
                            try writer.write(out.array)
                            sendTime += Date().timeIntervalSince(sendStart)
                            out.removeAll()
                        }
                        report()
                    }
                    try writer.write(out.array)
                    if timing { FileHandle.standardError.write(Data(String(format: "intake timing: (blocked sending COPY data %.2f s)\n", sendTime).utf8)) }
                } else {
                    while let row = try rows.nextJSONRow() {
                        summary.rowsRead += 1
                        let outcome: Result<ApplicantRecord, FieldProblem>
                        switch row.input {
                        case .success(let input): outcome = validator.validate(input)
                        case .failure(let problem): outcome = .failure(problem)
                        }
                        switch outcome {
                        case .success(let record):
                            staged.append(record, line: row.line)
                            if staged.count >= 4096 { try writer.write(staged.take()) }
                        case .failure(let problem):
                            try reject(problem, line: row.line, raw: row.raw)
                        }
                        report()
                    }
                }
                try writer.write(staged.take())
                // Every reject on disk before the import commits (the write buffer holds up to
                // 64 KB): a failing write then stops the import with nothing written.
                try rejects?.flush()
                return summary
            }
            try rejects?.commit()
        } catch {
            rejects?.discard()
            throw error
        }
        progress?(Progress(rows: summary.rowsRead, bytes: totalBytes, totalBytes: totalBytes, elapsed: Date().timeIntervalSince(started)))
        return summary
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

    /// Adds one applicant.
    ///
    /// - Throws: ``AssayError`` naming the field when the input is invalid; ``PostgresError``.
    public func add(_ input: ApplicantInput, actor: String) throws -> AddResult {
        _ = try? Self.recoverInterruptedImports(on: connection)
        let validator = ApplicantValidator(knownDomains: try knownDomains(), defaultSource: "manual")
        let record: ApplicantRecord
        switch validator.validate(input) {
        case .success(let valid): record = valid
        case .failure(let problem): throw AssayError(.badInput, "--\(problem.field.replacingOccurrences(of: "_", with: "-")) \(problem.reason)")
        }
        let summary = try merge(actor: actor, action: "intake.add", dryRun: false, details: ["source": record.source]) { writer in
            var staged = StagingBuffer()
            staged.append(record, line: 1)
            try writer.write(staged.take())
            var summary = Summary()
            summary.rowsRead = 1
            return summary
        }
        let id: Int = try connection.query("SELECT id FROM experts WHERE email = $1", [record.email])[0].decode("id")
        return AddResult(expertID: id, newExpert: summary.newExperts == 1, newApplication: summary.newApplications == 1)
    }

    /// The domain slugs applications may claim: those loaded by `assay bank sync`.
    func knownDomains() throws -> Set<String> {
        let domains = Set(try connection.query("SELECT slug FROM domains").map { try $0.decode("slug", as: String.self) })
        guard !domains.isEmpty else {
            throw AssayError(.badInput, "no domains are known yet, so no application can be validated; load them first with assay bank sync")
        }
        return domains
    }

    private struct DryRun: Error { var summary: Summary }

    /// With ASSAY_INTAKE_TIMING set, how long each phase of a merge took goes to stderr.
    let timing = ProcessInfo.processInfo.environment["ASSAY_INTAKE_TIMING"] != nil
    var phaseStart = Date()
    /// How many rows the last direct attempt routed before it stopped (tests check that a
    /// refused COPY stops the reading early).
    var directAttemptRows = 0
    func phase(_ name: String) {
        guard timing else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "intake timing: %@ %.2f s\n", name, now.timeIntervalSince(phaseStart)).utf8))
        phaseStart = now
    }

    /// Stages rows through COPY (fed by `feed`), then merges them into experts and
    /// applications, all in one transaction; rolls back instead of committing for a dry run.
    private func merge(actor: String, action: String, dryRun: Bool, details: [String: String],
                       feed: (any StagedRowSink) throws -> Summary) throws -> Summary {
        do {
            return try connection.withTransaction { tx in
                try tx.executeScript("""
                    SET LOCAL work_mem = '256MB';
                    CREATE TEMP TABLE intake_staging (
                        line integer, email text, full_name text, country text, languages text[], domains text[],
                        degree text, years integer, source text, external_id text, applied_at timestamptz, resume_text text
                    ) ON COMMIT DROP
                    """)
                var summary = Summary()
                phaseStart = Date()
                let validRows = try tx.copyIn("COPY intake_staging FROM STDIN") { writer in
                    summary = try feed(writer)
                }
                phase("parse, validate and COPY to staging")
                // Merges of concurrent imports run one at a time; parsing and COPY above do not.
                try acquireIntakeLock(on: tx)
                // The rows that bring a new application: first occurrence of each (source, external_id)
                // not yet in the database, with the id of their expert when the email is known.
                let newApplications = try tx.execute("""
                    CREATE TEMP TABLE intake_new ON COMMIT DROP AS
                    SELECT s.*, e.id AS expert_id
                    FROM intake_staging s
                    LEFT JOIN experts e ON e.email = s.email
                    WHERE s.line IN (SELECT min(line) FROM intake_staging GROUP BY source, external_id)
                      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.source = s.source AND a.external_id = s.external_id)
                    """)
                phase("new applications")
                // New experts: the first new row of each unknown email, in email order so that the
                // unique index is filled from left to right.
                let newExperts = try tx.execute("""
                    INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                    SELECT n.email, n.full_name, n.country, n.languages, n.degree, n.years
                    FROM intake_new n
                    WHERE n.line IN (SELECT min(line) FROM intake_new WHERE expert_id IS NULL GROUP BY email)
                    ORDER BY n.email
                    """)
                summary.newExperts = newExperts
                phase("insert experts")
                summary.applicationsMerged = newApplications - newExperts
                summary.duplicatesSkipped = validRows - newApplications
                var eventDetails: [String: String] = details
                eventDetails.merge(summary.eventCounts) { $1 }
                if action == "intake.import" { eventDetails["method"] = "merge" }
                // An add names its expert as the event's subject; an import's event is linked from
                // each application it brought (applications.event_id).
                let eventID: Int = try tx.query(action == "intake.add" ? """
                    INSERT INTO events (actor, action, details, subject_type, subject_id)
                    SELECT $1, $2, $3, 'expert', e.id FROM experts e WHERE e.email = (SELECT email FROM intake_staging LIMIT 1)
                    RETURNING id
                    """ : "INSERT INTO events (actor, action, details) VALUES ($1, $2, $3) RETURNING id",
                    [actor, action, try PostgresJSON(encoding: eventDetails)])[0].decode("id")
                summary.eventID = eventID
                // Languages of known experts, and of experts with several new applications here, are
                // unioned with those of their new applications.
                try tx.execute("""
                    UPDATE experts e
                    SET languages = ARRAY(SELECT DISTINCT x FROM unnest(e.languages || u.languages) AS x ORDER BY x), updated_at = now()
                    FROM (SELECT n.email, array_agg(DISTINCT l) AS languages
                          FROM intake_new n CROSS JOIN LATERAL unnest(n.languages) AS l
                          WHERE n.expert_id IS NOT NULL
                             OR n.email IN (SELECT email FROM intake_new WHERE expert_id IS NULL GROUP BY email HAVING count(*) > 1)
                          GROUP BY n.email) u
                    WHERE e.email = u.email AND NOT (u.languages <@ e.languages)
                    """)
                phase("union languages")
                try tx.execute("""
                    INSERT INTO applications (expert_id, source, external_id, domains, resume_text, applied_at, event_id)
                    SELECT coalesce(n.expert_id, e.id), n.source, n.external_id, n.domains, n.resume_text, coalesce(n.applied_at, now()), $1
                    FROM intake_new n LEFT JOIN experts e ON n.expert_id IS NULL AND e.email = n.email
                    ORDER BY n.source, n.external_id
                    """, [eventID])
                phase("insert applications")
                if dryRun { throw DryRun(summary: summary) }
                return summary
            }
        } catch let dry as DryRun {
            var summary = dry.summary
            summary.eventID = nil
            summary.dryRun = true
            return summary
        }
    }
}

/// Valid rows encoded for `COPY intake_staging FROM STDIN` (text format), a chunk at a time.
struct StagingBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    init() { bytes.reserveCapacity(1 << 19) }

    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true); count = 0 }
        return bytes
    }

    mutating func append(_ record: ApplicantRecord, line: Int) {
        field(String(line))
        field(record.email)
        field(record.fullName)
        field(record.country)
        array(record.languages)
        array(record.domains)
        field(record.highestDegree)
        field(String(record.yearsExperience))
        field(record.source)
        field(record.externalID)
        field(record.appliedAt)
        field(record.resumeText, last: true)
        count += 1
    }

    private mutating func field(_ value: String?, last: Bool = false) {
        if let value {
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes += [92, 92]
                case UInt8(ascii: "\t"): bytes += [92, UInt8(ascii: "t")]
                case UInt8(ascii: "\n"): bytes += [92, UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [92, UInt8(ascii: "r")]
                default: bytes.append(byte)
                }
            }
        } else {
            bytes += [92, UInt8(ascii: "N")]
        }
        bytes.append(last ? UInt8(ascii: "\n") : UInt8(ascii: "\t"))
    }

    /// A text[] literal; codes are validated letters, digits and '-', so quoting suffices.
    private mutating func array(_ values: [String]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes += value.utf8
            bytes.append(UInt8(ascii: "\""))
        }
        bytes += [UInt8(ascii: "}"), UInt8(ascii: "\t")]
    }
}

/// The rejects file: written to a temporary name and renamed when the import completes, so an
/// interrupted import leaves no half-written file.
final class RejectsWriter {
    let path: String
    private let temporary: String
    private let handle: FileHandle

    init(path: String) throws {
        self.path = path
        temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("line,field,reason,row\n".utf8)),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw AssayError(.badInput, "cannot write the rejects file \(path); check the folder exists and is writable")
        }
        self.handle = handle
        try handle.seekToEnd()
    }

    /// Lines not yet written: one write per 64 KB, not per rejected row (a write per row cost
    /// a million-row import with 1% rejects half a second).
    private var pending: [UInt8] = []

    func write(_ rejection: Intake.Rejection, raw: [UInt8]) throws {
        let row = String(decoding: raw, as: UTF8.self)
        let line = [String(rejection.line), rejection.field, rejection.reason, row].map(CSVText.field).joined(separator: ",") + "\n"
        pending.append(contentsOf: line.utf8)
        if pending.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: Data(pending))
        pending.removeAll(keepingCapacity: true)
    }

    func commit() throws {
        try flush()
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
