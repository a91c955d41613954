import Foundation
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
                        line integer NOT NULL, raw text NOT NULL, kind text NOT NULL, ref text NOT NULL,
                        domain text NOT NULL, project text NOT NULL, period_end date NOT NULL, metric text NOT NULL,
                        value double precision NOT NULL, tasks integer NOT NULL,
                        expert_id bigint, reject_field text, reject_reason text
                    ) ON COMMIT DROP
                    """)
                try tx.copyIn("COPY outcome_staging (line, raw, kind, ref, domain, project, period_end, metric, value, tasks) FROM STDIN") { writer in
                    var buffer = ""
                    func stage(_ row: OutcomeRow, line: Int, raw: String) throws {
                        let (kind, ref) = row.expert.staged
                        buffer += [String(line), raw, kind, ref, row.domain, row.project, row.periodEnd, row.metric,
                                   "\(row.value)", String(row.tasks)].map(Self.copyText).joined(separator: "\t")
                        buffer += "\n"
                        if buffer.utf8.count >= 1 << 18 {
                            try writer.write(buffer)
                            buffer.removeAll(keepingCapacity: true)
                        }
                    }
                    try readRows(request, validator: validator, summary: &summary) { result, line, raw in
                        switch result {
                        case .success(let row): try stage(row, line: line, raw: raw)
                        case .failure(let problem): rejected.append(Rejected(line: line, field: problem.field, reason: problem.reason, raw: raw))
                        }
                    }
                    if !buffer.isEmpty { try writer.write(buffer) }
                }
                try resolveExperts(tx, key: request.pseudonymKey)
                for row in try tx.query("SELECT line, raw, reject_field, reject_reason FROM outcome_staging WHERE reject_reason IS NOT NULL") {
                    rejected.append(Rejected(line: try row.decode("line"), field: try row.decode("reject_field"),
                                             reason: try row.decode("reject_reason"), raw: try row.decode("raw")))
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
                        FROM outcome_staging WHERE reject_reason IS NULL
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
    /// original text.
    private func readRows(_ request: ImportRequest, validator: OutcomeRowValidator, summary: inout ImportSummary,
                          handle: (Result<OutcomeRow, FieldProblem>, Int, String) throws -> Void) throws {
        switch request.format {
        case .csv:
            let reader = try CSVReader(path: request.path)
            guard try reader.advance() else {
                throw AssayError(.badInput, "the file is empty; it needs a header row (\(OutcomeRowValidator.columns.joined(separator: ",")))", file: request.path, line: 1)
            }
            let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
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
                if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                summary.rowsRead += 1
                let raw = String(decoding: reader.raw, as: UTF8.self)
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
                let raw = String(decoding: bytes, as: UTF8.self)
                switch OutcomeRowValidator.fields(json: bytes) {
                case .success(let fields): try handle(validator.validate(fields), line, raw)
                case .failure(let problem): try handle(.failure(problem), line, raw)
                }
            }
        }
    }

    /// Resolves each staged row's expert and marks the rows to refuse: unknown experts, experts
    /// not in the domain's pool, and later repeats of one (expert, project, metric, period end).
    private func resolveExperts(_ tx: Connection, key: String?) throws {
        try tx.execute("UPDATE outcome_staging s SET expert_id = e.id FROM experts e WHERE s.kind = 'id' AND e.id = s.ref::bigint")
        try tx.execute("UPDATE outcome_staging s SET expert_id = e.id FROM experts e WHERE s.kind = 'email' AND e.email = s.ref")
        if let key {
            // The same pseudonyms as `assay roster export --pseudonymize` (Roster.query).
            try tx.execute("""
                UPDATE outcome_staging s SET expert_id = p.expert_id
                FROM (SELECT DISTINCT m.expert_id, left(encode(hmac('id:' || m.expert_id, $1, 'sha256'), 'hex'), 20) AS pseudonym
                      FROM pool_members m) p
                WHERE s.kind = 'pseudonym_id' AND p.pseudonym = s.ref
                """, [key])
            try tx.execute("""
                UPDATE outcome_staging s SET expert_id = p.expert_id
                FROM (SELECT DISTINCT e.id AS expert_id,
                             left(encode(hmac('email:' || e.email, $1, 'sha256'), 'hex'), 20) || '@pseudonym.invalid' AS pseudonym
                      FROM pool_members m JOIN experts e ON e.id = m.expert_id) p
                WHERE s.kind = 'pseudonym_email' AND p.pseudonym = s.ref
                """, [key])
        }
        try tx.execute("""
            UPDATE outcome_staging SET reject_field = 'expert', reject_reason = CASE kind
                WHEN 'id' THEN 'no expert has id ' || ref
                WHEN 'email' THEN 'no expert has the email ' || ref
                ELSE 'no pool member has the pseudonym ' || ref || ' under this key; check that the key is the one the roster was exported with' END
            WHERE expert_id IS NULL
            """)
        try tx.execute("""
            UPDATE outcome_staging s SET reject_field = 'expert',
                reject_reason = 'expert ' || s.ref || ' is not a member of the ' || s.domain || ' pool; outcomes are recorded for pool members only'
            WHERE s.reject_reason IS NULL
              AND NOT EXISTS (SELECT 1 FROM pool_members m WHERE m.expert_id = s.expert_id AND m.domain = s.domain)
            """)
        try tx.execute("""
            UPDATE outcome_staging s SET reject_field = '(row)',
                reject_reason = 'repeats line ' || d.first_line || ' (the same expert, project, metric and period_end)'
            FROM (SELECT line, first_value(line) OVER w AS first_line, row_number() OVER w AS n
                  FROM outcome_staging WHERE reject_reason IS NULL
                  WINDOW w AS (PARTITION BY expert_id, project, metric, period_end ORDER BY line)) d
            WHERE s.line = d.line AND d.n > 1
            """)
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
