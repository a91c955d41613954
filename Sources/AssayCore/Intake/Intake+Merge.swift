import Foundation
import Postgres
internal import IntakeEngine

extension Intake {
    /// Thrown inside the merge's transaction to roll it back on purpose (a strict import with
    /// rejected rows).
    private struct RollBack: Error {}

    /// Imports a file through the staging table (see ``merge(actor:action:dryRun:details:routing:finishing:feed:)``).
    func merge(_ pass: ImportPass, request: ImportRequest, action: String, details: [String: JSONValue], progress: ((Progress) -> Void)?) throws {
        var routing = Routing()
        let eventID = try merge(actor: request.actor, action: action, dryRun: request.dryRun, details: details, routing: &routing, finishing: { routing in
            try self.apply(routing, to: pass)
            // Every reject on disk before the import commits: a failing write then stops the
            // import with nothing written.
            try pass.rejects?.flush()
            if request.strict, pass.summary.rowsRejected > 0 {
                pass.summary.refusedAsStrict = true
                return nil
            }
            return pass.summary.eventCounts
        }, feed: { sink in
            try self.read(pass, into: sink, progress: progress)
        })
        pass.summary.eventID = eventID
        pass.summary.method = .merge
        try pass.rejects?.commit()
    }

    /// Stages rows through COPY (fed by `feed`), then decides and merges them into experts and
    /// applications with set-based SQL, all in one transaction; rolls back instead of committing
    /// for a dry run, or when `finishing` returns nil.
    ///
    /// The decisions are the router's (see ``DirectRouter``), in SQL: a row whose application
    /// (source, external id) exists is already imported (same person) or a conflict (another
    /// person); a later row of the same application in the file is a repeat or a conflict;
    /// otherwise the row's application claims the domains its person has no open application
    /// for (in the database or from earlier rows), and adds nothing when none is left.
    ///
    /// - Parameters:
    ///   - routing: receives what was decided.
    ///   - finishing: given what was decided, returns the counts for the event, or nil to roll back.
    /// - Returns: the event's id, or nil when nothing was committed.
    @discardableResult
    func merge(actor: String, action: String, dryRun: Bool, details: [String: JSONValue], routing: inout Routing,
               finishing: (Routing) throws -> [String: JSONValue]? = { _ in [:] }, feed: (any StagedApplicantSink) throws -> Void) throws -> Int? {
        var decided = Routing()
        var eventID: Int?
        do {
            try connection.withTransaction(rollingBack: dryRun) { tx in
                try tx.executeScript("SET LOCAL work_mem = '256MB'; " + (try StagingTable.createStatement(on: tx)))
                phaseStart = Date()
                try tx.copyIn(try StagingTable.copyStatement(on: tx)) { writer in
                    let staging = StagingTable(writer: writer)
                    try feed(staging)
                    try staging.finish()
                }
                phase("parse, validate and COPY to staging")
                // Merges of concurrent imports run one at a time; parsing and COPY above do not.
                try acquireIntakeLock(on: tx)
                decided = try decide(on: tx)
                phase("decide")
                guard let counts = try finishing(decided) else { throw RollBack() }
                let newExperts = try tx.execute("""
                    INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience, phone)
                    SELECT DISTINCT ON (d.email) d.email, d.full_name, d.country, d.languages, d.degree, d.years, d.phone
                    FROM intake_decided d WHERE d.known_id IS NULL AND cardinality(d.remaining) > 0
                    ORDER BY d.email, d.line
                    """)
                decided.counts.newExperts = newExperts
                phase("insert experts")
                // Languages of known experts, and of new experts with several applications here,
                // are unioned with those of their new applications.
                try tx.execute("""
                    UPDATE experts e
                    SET languages = ARRAY(SELECT DISTINCT x FROM unnest(e.languages || u.languages) AS x ORDER BY x), updated_at = now()
                    FROM (SELECT coalesce(d.known_id, n.id) AS id, array_agg(DISTINCT l) AS languages
                          FROM intake_decided d
                          LEFT JOIN experts n ON d.known_id IS NULL AND n.email = d.email
                          CROSS JOIN LATERAL unnest(d.languages) AS l
                          WHERE cardinality(d.remaining) > 0
                            AND (d.known_id IS NOT NULL
                                 OR d.person IN (SELECT person FROM intake_decided WHERE known_id IS NULL AND cardinality(remaining) > 0
                                                 GROUP BY person HAVING count(*) > 1))
                          GROUP BY 1) u
                    WHERE e.id = u.id AND NOT (u.languages <@ e.languages)
                    """)
                phase("union languages")
                var eventDetails = details
                eventDetails.merge(counts) { $1 }
                if action == "intake.import" { eventDetails["method"] = "merge" }
                // An add names its expert as the event's subject; an import's event is linked from
                // each application it brought (applications.event_id).
                var subject: AuditTrail.Subject?
                if action == AuditAction.intakeAdd.rawValue {
                    let expert: Int = try tx.query("""
                        SELECT coalesce(e.merged_into, e.id) AS id FROM experts e WHERE e.email = (SELECT email FROM intake_staging LIMIT 1)
                        """).one().decode("id")
                    subject = .expert(expert)
                }
                let event = try AuditTrail(tx).record(AuditAction(action), actor: actor, subject: subject, details: eventDetails)
                eventID = dryRun ? nil : event
                try tx.execute("""
                    INSERT INTO applications (expert_id, source, external_id, domains, resume_text, applied_at, event_id)
                    SELECT coalesce(d.known_id, n.id), d.source, d.external_id, d.remaining, d.resume_text, coalesce(d.applied_at, now()), $1
                    FROM intake_decided d LEFT JOIN experts n ON d.known_id IS NULL AND n.email = d.email
                    WHERE cardinality(d.remaining) > 0
                    ORDER BY d.external_id, d.source
                    """, [event])
                phase("insert applications")
            }
        } catch is RollBack {
            eventID = nil
        }
        routing = decided
        return eventID
    }

    /// Decides every staged row (see ``merge(actor:action:dryRun:details:routing:finishing:feed:)``)
    /// into the temporary table `intake_decided` (the rows that passed the key checks, with the
    /// domains they bring in `remaining`), and returns the counts, the first notes and every
    /// conflict.
    private func decide(on tx: Connection) throws -> Routing {
        // Each row's person (the expert its email names, through a merge if any, or the email of
        // a new one) and the owner of its application if the database has it.
        try tx.execute("""
            CREATE TEMP TABLE intake_rows ON COMMIT DROP AS
            SELECT s.*, coalesce(e.merged_into, e.id) AS known_id, coalesce(coalesce(e.merged_into, e.id)::text, s.email) AS person,
                   a.expert_id AS key_owner
            FROM intake_staging s
            LEFT JOIN experts e ON e.email = s.email
            LEFT JOIN applications a ON a.external_id = s.external_id AND a.source = s.source
            """)
        try tx.execute("""
            CREATE TEMP TABLE intake_keyed ON COMMIT DROP AS
            SELECT r.*,
                   CASE WHEN r.key_owner IS NOT NULL THEN CASE WHEN r.known_id = r.key_owner THEN 'already' ELSE 'conflict_db' END
                        WHEN r.line <> first_value(r.line) OVER k THEN CASE WHEN r.person = first_value(r.person) OVER k THEN 'repeat_app' ELSE 'conflict_file' END
                        ELSE 'eligible' END AS verdict,
                   first_value(r.person) OVER k AS key_person
            FROM intake_rows r
            WINDOW k AS (PARTITION BY r.source, r.external_id ORDER BY r.line)
            """)
        try tx.execute("""
            CREATE TEMP TABLE intake_decided ON COMMIT DROP AS
            WITH eligible AS (
                SELECT k.*, string_agg(array_to_string(k.domains, ','), ',')
                                OVER (PARTITION BY k.person ORDER BY k.line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
                FROM intake_keyed k WHERE k.verdict = 'eligible'
            ), open AS (
                SELECT a.expert_id, array_agg(DISTINCT d) AS domains
                FROM applications a CROSS JOIN LATERAL unnest(a.domains) AS d
                WHERE a.status = ANY ($1) AND a.expert_id IN (SELECT known_id FROM eligible WHERE known_id IS NOT NULL)
                GROUP BY a.expert_id
            )
            SELECT e.*, ARRAY(SELECT u.d FROM unnest(e.domains) WITH ORDINALITY AS u(d, o)
                              WHERE u.d <> ALL (coalesce(o.domains, '{}') || coalesce(string_to_array(e.earlier, ','), '{}'))
                              ORDER BY u.o) AS remaining
            FROM eligible e LEFT JOIN open o ON o.expert_id = e.known_id
            """, [ApplicationStatus.openValues])
        // The first row of each person that brings an application.
        try tx.execute("""
            CREATE TEMP TABLE intake_first ON COMMIT DROP AS
            SELECT person, min(line) AS line FROM intake_decided WHERE cardinality(remaining) > 0 GROUP BY person
            """)
        var routing = Routing()
        let counts = try tx.query("""
            SELECT (SELECT count(*) FROM intake_keyed WHERE verdict = 'already')::bigint AS already,
                   (SELECT count(*) FROM intake_keyed WHERE verdict = 'repeat_app')::bigint AS repeat_app,
                   (SELECT count(*) FROM intake_keyed WHERE verdict LIKE 'conflict%')::bigint AS conflicts,
                   (SELECT count(*) FROM intake_decided d WHERE cardinality(d.remaining) = 0
                        AND EXISTS (SELECT 1 FROM intake_first f WHERE f.person = d.person AND f.line < d.line))::bigint AS repeat_domains,
                   (SELECT count(*) FROM intake_decided WHERE cardinality(remaining) = 0)::bigint AS empty,
                   (SELECT count(*) FROM intake_decided WHERE cardinality(remaining) > 0)::bigint AS producing,
                   (SELECT count(*) FROM intake_first f WHERE NOT EXISTS (SELECT 1 FROM intake_decided d WHERE d.person = f.person AND d.known_id IS NOT NULL))::bigint AS new_experts
            """).one()
        let repeatDomains: Int = try counts.decode("repeat_domains")
        let empty: Int = try counts.decode("empty")
        let producing: Int = try counts.decode("producing")
        routing.counts.alreadyImported = try counts.decode("already")
        routing.counts.repeatedInFile = try counts.decode("repeat_app") + repeatDomains
        routing.counts.openApplicationExists = empty - repeatDomains
        routing.counts.conflicts = try counts.decode("conflicts")
        routing.counts.newExperts = try counts.decode("new_experts")
        routing.counts.applicationsForKnownExperts = producing - routing.counts.newExperts
        // Notes: the first rows that added nothing, and every conflict, with the line of the
        // first row that brought an application for the person concerned (when earlier).
        let notes = try tx.query("""
            SELECT k.line, k.verdict, coalesce(k.known_id, 0) AS known_id, coalesce(k.key_owner, 0) AS key_owner,
                   coalesce(CASE WHEN k.verdict = 'conflict_file' THEN fo.line ELSE fp.line END, 0) AS first_line,
                   k.domains, k.known_id IS NOT NULL AS known_before
            FROM (SELECT k.*, 0 AS sort FROM intake_keyed k WHERE k.verdict LIKE 'conflict%'
                  UNION ALL
                  (SELECT k.*, 1 FROM intake_keyed k WHERE k.verdict IN ('already', 'repeat_app') ORDER BY k.line LIMIT 20)
                  UNION ALL
                  (SELECT k.*, 1 FROM intake_keyed k JOIN intake_decided d ON d.line = k.line
                   WHERE cardinality(d.remaining) = 0 ORDER BY k.line LIMIT 20)) k
            LEFT JOIN intake_first fp ON fp.person = k.person AND fp.line < k.line
            LEFT JOIN intake_first fo ON fo.person = k.key_person AND fo.line < k.line
            ORDER BY k.line
            """)
        for row in notes {
            let line: Int = try row.decode("line")
            let firstLine: Int = try row.decode("first_line")
            let knownBefore: Bool = try row.decode("known_before")
            let known = Int64(try row.decode("known_id", as: Int.self))
            let kind: DirectRouter.Note.Kind
            var domains: [String] = []
            switch try row.decode("verdict", as: String.self) {
            case "conflict_db": kind = .conflictInDatabase(expertID: Int64(try row.decode("key_owner", as: Int.self)))
            case "conflict_file": kind = .conflictInFile(firstLine: firstLine)
            case "already": kind = .alreadyImported(expertID: known)
            case "repeat_app": kind = .repeatedApplication(firstLine: firstLine, knownBefore: knownBefore)
            default:
                domains = try row.decode("domains")
                kind = firstLine > 0 ? .repeatedDomains(firstLine: firstLine, knownBefore: knownBefore) : .openApplication(expertID: known)
            }
            let note = DirectRouter.Note(line: line, kind: kind, domains: domains)
            switch kind {
            case .conflictInDatabase, .conflictInFile: routing.conflicts.append(note)
            default: if routing.notes.count < 20 { routing.notes.append(note) }
            }
        }
        return routing
    }
}
