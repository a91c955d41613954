import Foundation
import Postgres
internal import IntakeEngine

extension Intake {
    /// Stages rows through COPY (fed by `feed`), then merges them into experts and
    /// applications, all in one transaction; rolls back instead of committing for a dry run.
    func merge(actor: String, action: String, dryRun: Bool, details: [String: JSONValue],
               feed: (any StagedApplicantSink) throws -> Summary) throws -> Summary {
        // A dry run does everything in a transaction that is always rolled back.
        var summary = try connection.withTransaction(rollingBack: dryRun) { tx in
            try tx.executeScript("SET LOCAL work_mem = '256MB'; " + (try StagingTable.createStatement(on: tx)))
            var summary = Summary()
            phaseStart = Date()
            let validRows = try tx.copyIn(try StagingTable.copyStatement(on: tx)) { writer in
                let staging = StagingTable(writer: writer)
                summary = try feed(staging)
                try staging.finish()
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
            var eventDetails: [String: JSONValue] = details
            eventDetails.merge(summary.eventCounts) { $1 }
            if action == "intake.import" { eventDetails["method"] = "merge" }
            // An add names its expert as the event's subject; an import's event is linked from
            // each application it brought (applications.event_id).
            var subject: AuditTrail.Subject?
            if action == AuditAction.intakeAdd.rawValue {
                let expert: Int = try tx.query("""
                    SELECT e.id FROM experts e WHERE e.email = (SELECT email FROM intake_staging LIMIT 1)
                    """).one().decode("id")
                subject = .expert(expert)
            }
            let eventID = try AuditTrail(tx).record(AuditAction(action), actor: actor, subject: subject, details: eventDetails)
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
            return summary
        }
        if dryRun {
            summary.eventID = nil
            summary.dryRun = true
        }
        return summary
    }
}
