import Foundation
import Postgres
internal import IntakeEngine

extension Intake {
    /// How many people and applications the database has (the router's tables are sized for them).
    static func knownCounts(on connection: Connection) throws -> (experts: Int, applications: Int) {
        let row = try connection.query("SELECT (SELECT count(*) FROM experts)::bigint AS experts, (SELECT count(*) FROM applications)::bigint AS applications").one()
        return (try row.decode("experts"), try row.decode("applications"))
    }

    /// Hands the router what the database has: every person (email, id, languages), the emails of
    /// people merged into others, and every application (source, external id, expert, and its
    /// domains when it is open). Read by binary COPY, one pass per table, so that known people
    /// are resolved in this process's memory rather than by the database row by row. The people
    /// (on `connection`) and the applications (on `other`) are read at once: the two servers
    /// produce their rows on two cores while this thread takes whichever has come (one after the
    /// other, the second import's loading was the server's one table, then the other's).
    ///
    /// Run it under the intake lock (or for a dry run): no intake can write meanwhile.
    ///
    /// - Parameters:
    ///   - router: the router to fill.
    ///   - connection: reads the people and the merged emails.
    ///   - other: reads the applications at the same time (another connection; a transaction it
    ///     has open stays open).
    /// - Throws: ``DirectRouter/Unsupported`` when the router cannot represent what the database
    ///   has (the rows are then merged through staging); ``PostgresError``.
    func loadKnown(into router: DirectRouter, on connection: Connection, alongside other: Connection) throws {
        let started = Date()
        let startedCPU = ImportProcess.ownCPU()
        // COPY takes no parameters: the open statuses travel in a setting, set with a bound value
        // (read once per COPY, by the scalar subquery, not once per row).
        _ = try other.query("SELECT set_config('assay.open_statuses', $1, false)", [ApplicationStatus.openValues.joined(separator: ",")])
        var expertsDecoder = BinaryCopyDecoder()
        var applicationsDecoder = BinaryCopyDecoder()
        var languages: [UnsafeBufferPointer<UInt8>] = []
        var domains: [UnsafeBufferPointer<UInt8>] = []
        var unrepresentable: Int64?
        try connection.copyOut("""
            COPY (SELECT id, email, array_to_string(languages, ',') FROM experts WHERE merged_into IS NULL) TO STDOUT (FORMAT binary)
            """, alongside: other, """
            COPY (SELECT source, external_id, expert_id,
                         CASE WHEN status = ANY ((SELECT string_to_array(current_setting('assay.open_statuses'), ','))::text[])
                              THEN array_to_string(domains, ',') END
                  FROM applications) TO STDOUT (FORMAT binary)
            """, to: { chunk in
                try expertsDecoder.feed(chunk) { fields in
                    guard fields.count == 3, let idField = fields[0], let id = BinaryCopyDecoder.int64(idField), let email = fields[1] else { return }
                    languages.removeAll(keepingCapacity: true)
                    if let list = fields[2] { Self.split(list, into: &languages) }
                    try router.addKnownExpert(id: id, email: email, languages: languages)
                }
            }, otherSink: { chunk in
                try applicationsDecoder.feed(chunk) { fields in
                    guard fields.count == 4, let source = fields[0], let external = fields[1], let expertField = fields[2],
                          let expert = BinaryCopyDecoder.int64(expertField) else { return }
                    domains.removeAll(keepingCapacity: true)
                    if let list = fields[3] { Self.split(list, into: &domains) }
                    if !router.addKnownApplication(source: source, externalID: external, expertID: expert, openDomains: domains), unrepresentable == nil {
                        unrepresentable = expert
                    }
                }
            })
        if let unrepresentable {
            throw DirectRouter.Unsupported(reason: "an application refers to expert \(unrepresentable), an id above what an import decides in memory (2³¹)")
        }
        var mergedDecoder = BinaryCopyDecoder()
        try connection.copyOut("COPY (SELECT email, merged_into FROM experts WHERE merged_into IS NOT NULL) TO STDOUT (FORMAT binary)") { chunk in
            try mergedDecoder.feed(chunk) { fields in
                guard fields.count == 2, let email = fields[0], let intoField = fields[1], let into = BinaryCopyDecoder.int64(intoField) else { return }
                router.addMergedEmail(email, into: into)
            }
        }
        if let unknownExpert = router.finishLoading() {
            throw DirectRouter.Unsupported(reason: "an open application refers to expert \(unknownExpert), whom the experts table does not list")
        }
        if timing {
            FileHandle.standardError.write(Data(String(format: "intake timing: load what the database has %.2f s (this process %.2f s of CPU)\n",
                                                       Date().timeIntervalSince(started), ImportProcess.ownCPU() - startedCPU).utf8))
        }
    }

    /// The elements of a comma-separated list.
    private static func split(_ list: UnsafeBufferPointer<UInt8>, into elements: inout [UnsafeBufferPointer<UInt8>]) {
        var start = 0
        for index in 0 ... list.count where index == list.count || list[index] == 44 {
            if index > start { elements.append(UnsafeBufferPointer(rebasing: list[start ..< index])) }
            start = index + 1
        }
    }
}
