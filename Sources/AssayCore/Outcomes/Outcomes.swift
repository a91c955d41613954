import Foundation
import Banks
public import Postgres
internal import IntakeEngine

/// Work outcomes: the quality of pool members' paid work as their clients measured it, imported
/// from CSV or JSON Lines files (``importFile(_:)``).
///
/// Each row names an expert (id, email, or a pseudonym from a roster exported with
/// `--pseudonymize`), the domain, the client's project, the end of the period measured, the
/// metric, its value and the number of tasks behind it. Rows are validated as they are read;
/// valid ones go by COPY into a temporary table, where set-based SQL resolves the experts,
/// refuses people who are not members of the domain's pool and rows the file repeats, and
/// writes the rest with one upsert keyed by (expert, project, metric, period end). The whole
/// import is one transaction with its `outcomes.import` event: all valid rows or nothing.
///
/// Uses one connection; not `Sendable`.
public final class Outcomes {
    /// The connection used.
    public let connection: Connection

    /// Outcomes over a migrated database.
    ///
    /// - Parameters:
    ///   - connection: the connection.
    public init(connection: Connection) { self.connection = connection }

    /// What to import.
    public struct ImportRequest: Sendable {
        /// The file.
        public var path: String
        /// Its format (the same CSV and JSON Lines as intake).
        public var format: Intake.Format
        /// Where to write rejected rows as CSV (line, field, reason, row), if anywhere.
        public var rejectsPath: String?
        /// The key a pseudonymized roster was exported with, when rows name pseudonyms.
        public var pseudonymKey: String?
        /// Who imports, for the audit trail.
        public var actor: String

        /// Creates a request.
        ///
        /// - Parameters:
        ///   - path: the file.
        ///   - format: its format.
        ///   - rejectsPath: where to write rejected rows.
        ///   - pseudonymKey: the roster's pseudonym key.
        ///   - actor: who imports.
        public init(path: String, format: Intake.Format, rejectsPath: String? = nil, pseudonymKey: String? = nil, actor: String) {
            self.path = path
            self.format = format
            self.rejectsPath = rejectsPath
            self.pseudonymKey = pseudonymKey
            self.actor = actor
        }
    }

    /// What an import did.
    public struct ImportSummary: Sendable, Codable {
        /// Data rows read (the header and blank lines excluded).
        public var rowsRead = 0
        /// Rows refused (by validation, an unknown expert, a non-member, a repeat in the file).
        public var rowsRejected = 0
        /// Outcome rows that were new.
        public var inserted = 0
        /// Outcome rows whose value, tasks or domain changed.
        public var updated = 0
        /// Valid rows identical to what was stored.
        public var unchanged = 0
        /// The first rejections, by line (all of them go to the rejects file).
        public var firstRejections: [Intake.Rejection] = []
        /// The import's audit event.
        public var eventID: Int?
    }

    /// Imports a file of outcomes.
    ///
    /// - Parameters:
    ///   - request: the file, format, rejects file, pseudonym key and actor.
    /// - Returns: the counts and the first rejections.
    /// - Throws: ``AssayError`` (bad input, exit 2) for an unreadable file, a bad header, no
    ///   known domains, or a file in which no row is valid (the rejects file is still written);
    ///   ``PostgresError`` when the database fails. Nothing is written on any error.
    public func importFile(_ request: ImportRequest) throws -> ImportSummary {
        do {
            return try importRows(request)
        } catch let error as IntakeFileError {
            throw AssayError(.badInput, error.message, file: error.namesFileSeparately ? error.path : nil)
        }
    }

    /// Ends the import's transaction when no row is valid (rolled back; the rejects still written).
    private struct NothingImported: Error {
        var error: AssayError
    }

    private struct Rejected {
        var line: Int
        var field: String
        var reason: String
        var raw: String
    }

    private func importRows(_ request: ImportRequest) throws -> ImportSummary {
        let domains = Set(try connection.query("SELECT slug FROM domains").map { try $0.decode("slug", as: String.self) })
        guard !domains.isEmpty else {
            throw AssayError(.badInput, "no domains are known yet, so no outcome can be validated; load them first with assay bank sync")
        }
        let validator = OutcomeRowValidator(knownDomains: domains, hasPseudonymKey: request.pseudonymKey != nil)
        let rejectsFile = try request.rejectsPath.map {
            try OutputFile(path: $0, inputs: [request.path], personalData: true, field: "rejects")
        }
        var summary = ImportSummary()
        var rejected: [Rejected] = []
        do {
            var nothingImported: AssayError?
            do {
                try connection.withTransaction { tx in
                try tx.execute("""
                    CREATE TEMP TABLE outcome_staging (
                        line integer NOT NULL, kind text NOT NULL, ref text NOT NULL,
                        domain text NOT NULL, project text NOT NULL, period_end date NOT NULL, metric text NOT NULL,
                        value double precision NOT NULL, tasks integer NOT NULL
                    ) ON COMMIT DROP
                    """)
                try tx.copyIn("COPY outcome_staging (line, kind, ref, domain, project, period_end, metric, value, tasks) FROM STDIN") { writer in
                    var buffer = ""
                    func stage(_ row: OutcomeRow, line: Int) throws {
                        let (kind, ref) = row.expert.staged
                        buffer += [String(line), kind, ref, row.domain, row.project, row.periodEnd, row.metric,
                                   "\(row.value)", String(row.tasks)].map(Self.copyText).joined(separator: "\t")
                        buffer += "\n"
                        if buffer.utf8.count >= 1 << 18 {
                            try writer.write(buffer)
                            buffer.removeAll(keepingCapacity: true)
                        }
                    }
                    try readRows(request, validator: validator, summary: &summary) { result, line, raw in
                        switch result {
                        case .success(let row): try stage(row, line: line)
                        case .failure(let problem): rejected.append(Rejected(line: line, field: problem.field, reason: problem.reason, raw: raw()))
                        }
                    }
                    if !buffer.isEmpty { try writer.write(buffer) }
                }
                try resolveExperts(tx, key: request.pseudonymKey)
                // Rows refused by the database: their raw text is read again from the file (only
                // when there are any), rather than staged for every row.
                var refusedLines: [Int: Int] = [:]
                for row in try tx.query("SELECT line, reject_field, reject_reason FROM outcome_resolved WHERE reject_reason IS NOT NULL") {
                    refusedLines[try row.decode("line")] = rejected.count
                    rejected.append(Rejected(line: try row.decode("line"), field: try row.decode("reject_field"),
                                             reason: try row.decode("reject_reason"), raw: ""))
                }
                if !refusedLines.isEmpty {
                    var again = ImportSummary()
                    try readRows(request, validator: validator, summary: &again) { _, line, raw in
                        if let index = refusedLines[line] { rejected[index].raw = raw() }
                    }
                }
                rejected.sort { $0.line < $1.line }
                summary.rowsRejected = rejected.count
                summary.firstRejections = rejected.prefix(20).map { Intake.Rejection(line: $0.line, field: $0.field, reason: $0.reason) }
                let valid = summary.rowsRead - summary.rowsRejected
                guard valid > 0 else {
                    let first = summary.firstRejections.first.map { " (first: line \($0.line), \($0.field): \($0.reason))" } ?? ""
                    throw NothingImported(error: AssayError(
                        .badInput,
                        summary.rowsRead == 0 ? "the file has no outcome rows; nothing imported" : "no row could be imported: all \(summary.rowsRejected) were rejected\(first)",
                        file: request.path,
                        hint: request.rejectsPath == nil ? "pass --rejects FILE to save every rejected row with its reason" : "every rejected row is in \(request.rejectsPath ?? "")"
                    ))
                }
                let eventID: Int = try tx.query("SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id").one().decode("id")
                let counts = try tx.query("""
                    WITH upserted AS (
                        INSERT INTO work_outcomes (expert_id, domain, project, period_end, metric, value, tasks, import_event)
                        SELECT expert_id, domain, project, period_end, metric, value, tasks, $1
                        FROM outcome_resolved WHERE reject_reason IS NULL
                        ON CONFLICT (expert_id, project, metric, period_end) DO UPDATE
                            SET value = EXCLUDED.value, tasks = EXCLUDED.tasks, domain = EXCLUDED.domain,
                                import_event = EXCLUDED.import_event, updated_at = now()
                            WHERE (work_outcomes.value, work_outcomes.tasks, work_outcomes.domain)
                                  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.tasks, EXCLUDED.domain)
                        RETURNING (xmax = 0) AS inserted
                    )
                    SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted
                    """, [eventID]).one()
                summary.inserted = try counts.decode("inserted")
                summary.updated = try counts.decode("updated")
                summary.unchanged = valid - summary.inserted - summary.updated
                summary.eventID = try AuditTrail(tx).record(
                    .outcomesImport, actor: request.actor,
                    details: ["file": request.path, "format": request.format.rawValue,
                              "rows_read": String(summary.rowsRead), "rows_rejected": String(summary.rowsRejected),
                              "inserted": String(summary.inserted), "updated": String(summary.updated),
                              "unchanged": String(summary.unchanged), "pseudonymized": String(request.pseudonymKey != nil)],
                    id: eventID)
                }
            } catch let stop as NothingImported {
                nothingImported = stop.error
            }
            if let rejectsFile {
                try rejectsFile.write("line,field,reason,row\n")
                for rejection in rejected {
                    try rejectsFile.write([String(rejection.line), rejection.field, rejection.reason, rejection.raw].map(CSVText.field).joined(separator: ",") + "\n")
                }
                try rejectsFile.commit()
            }
            if let nothingImported { throw nothingImported }
            return summary
        } catch {
            rejectsFile?.discard()
            throw error
        }
    }

    /// Reads the file's rows, validating each, and hands them to `handle` with their line and
    /// a way to their original text (made only for the rows a rejects file will show).
    private func readRows(_ request: ImportRequest, validator: OutcomeRowValidator, summary: inout ImportSummary,
                          handle: (Result<OutcomeRow, FieldProblem>, Int, () -> String) throws -> Void) throws {
        switch request.format {
        case .csv:
            let reader = try CSVReader(path: request.path)
            guard try reader.advance() else {
                throw AssayError(.badInput, "the file is empty; it needs a header row (\(OutcomeRowValidator.columns.joined(separator: ",")))", file: request.path, line: 1)
            }
            let header = reader.fields.map { $0.trimmingBlanks.lowercased() }
            var seen: Set<String> = []
            for name in header {
                guard OutcomeRowValidator.columns.contains(name) else {
                    throw AssayError(.badInput, "unknown column '\(name)' in the header; the columns are \(OutcomeRowValidator.columns.joined(separator: ", "))", file: request.path, line: 1)
                }
                guard seen.insert(name).inserted else {
                    throw AssayError(.badInput, "column '\(name)' appears twice in the header", file: request.path, line: 1)
                }
            }
            let missing = OutcomeRowValidator.columns.filter { !seen.contains($0) }
            guard missing.isEmpty else {
                throw AssayError(.badInput, "the header lacks the required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))", file: request.path, line: 1)
            }
            while try reader.advance() {
                let fields = reader.fields
                if fields.allSatisfy({ $0.trimmingBlanks.isEmpty }) { continue }
                summary.rowsRead += 1
                let raw = { String(decoding: reader.raw, as: UTF8.self) }
                if let problem = reader.problem {
                    try handle(.failure(FieldProblem(field: "(row)", reason: problem)), reader.recordLine, raw)
                } else if fields.count != header.count {
                    try handle(.failure(FieldProblem(field: "(row)", reason: "has \(fields.count) fields; the header has \(header.count)")), reader.recordLine, raw)
                } else {
                    try handle(validator.validate(Dictionary(uniqueKeysWithValues: zip(header, fields))), reader.recordLine, raw)
                }
            }
        case .jsonl:
            let lines = try LineReader(path: request.path)
            while let (line, bytes) = try lines.next() {
                if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                summary.rowsRead += 1
                let raw = { String(decoding: bytes, as: UTF8.self) }
                switch OutcomeRowValidator.fields(json: bytes) {
                case .success(let fields): try handle(validator.validate(fields), line, raw)
                case .failure(let problem): try handle(.failure(problem), line, raw)
                }
            }
        }
    }

    /// Resolves each staged row's expert and decides which rows to refuse, in one set-based pass
    /// that writes `outcome_resolved`: unknown experts, experts not in the domain's pool, and later
    /// repeats of one (expert, project, metric, period end) get a `reject_reason` (their raw text
    /// is read again from the file for the rejects file); the others are ready for the upsert. An
    /// expert merged into another is read as the person kept (`merged_into`), as every command does.
    private func resolveExperts(_ tx: Connection, key: String?) throws {
        // The same pseudonyms as `assay roster export --pseudonymize` (Roster.query).
        let pseudonyms = key == nil ? "" : """
            LEFT JOIN (SELECT DISTINCT m.expert_id, left(encode(hmac('id:' || m.expert_id, $1, 'sha256'), 'hex'), 20) AS pseudonym
                       FROM pool_members m) pi
              ON pi.pseudonym = CASE WHEN s.kind = 'pseudonym_id' THEN s.ref END
            LEFT JOIN (SELECT DISTINCT e.id AS expert_id,
                              left(encode(hmac('email:' || e.email, $1, 'sha256'), 'hex'), 20) || '@pseudonym.invalid' AS pseudonym
                       FROM pool_members m JOIN experts e ON e.id = m.expert_id) pe
              ON pe.pseudonym = CASE WHEN s.kind = 'pseudonym_email' THEN s.ref END
            """
        let pseudonymIDs = key == nil ? "" : ", pi.expert_id, pe.expert_id"
        try tx.execute("""
            CREATE TEMP TABLE outcome_resolved (
                line integer NOT NULL, expert_id bigint, domain text NOT NULL, project text NOT NULL, period_end date NOT NULL,
                metric text NOT NULL, value double precision NOT NULL, tasks integer NOT NULL, reject_field text, reject_reason text
            ) ON COMMIT DROP
            """)
        // One pass; the sort behind the repeats' window fits in memory at a million rows.
        try tx.execute("SET LOCAL work_mem = '128MB'")
        try tx.execute("""
            INSERT INTO outcome_resolved
            WITH found AS (
                SELECT s.line, s.kind, s.ref, s.domain, s.project, s.period_end, s.metric, s.value, s.tasks,
                       coalesce(byid.merged_into, byid.id, byemail.merged_into, byemail.id\(pseudonymIDs)) AS expert_id
                FROM outcome_staging s
                LEFT JOIN experts byid ON byid.id = CASE WHEN s.kind = 'id' THEN s.ref::bigint END
                LEFT JOIN experts byemail ON byemail.email = CASE WHEN s.kind = 'email' THEN s.ref END
                \(pseudonyms)
            ), judged AS (
                SELECT f.*, CASE
                    WHEN f.expert_id IS NULL THEN CASE f.kind
                        WHEN 'id' THEN 'no expert has id ' || f.ref
                        WHEN 'email' THEN 'no expert has the email ' || f.ref
                        ELSE 'no pool member has the pseudonym ' || f.ref || ' under this key; check that the key is the one the roster was exported with' END
                    WHEN m.expert_id IS NULL
                        THEN 'expert ' || f.ref || ' is not a member of the ' || f.domain || ' pool; outcomes are recorded for pool members only'
                    END AS refused
                FROM found f
                LEFT JOIN pool_members m ON m.expert_id = f.expert_id AND m.domain = f.domain
            ), counted AS (
                SELECT j.*, row_number() OVER w AS n, first_value(j.line) OVER w AS first_line
                FROM judged j
                WINDOW w AS (PARTITION BY j.refused IS NULL, j.expert_id, j.project, j.metric, j.period_end ORDER BY j.line)
            )
            SELECT line, expert_id, domain, project, period_end, metric, value, tasks,
                   CASE WHEN refused IS NOT NULL THEN 'expert' WHEN n > 1 THEN '(row)' END AS reject_field,
                   coalesce(refused, CASE WHEN n > 1 THEN 'repeats line ' || first_line || ' (the same expert, project, metric and period_end)' END) AS reject_reason
            FROM counted
            """, key.map { [$0] as [any PostgresEncodable] } ?? [])
    }

    /// A value in PostgreSQL's COPY text format: backslash, tab, line breaks escaped; NUL (which
    /// text cannot hold) replaced by U+FFFD.
    static func copyText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
