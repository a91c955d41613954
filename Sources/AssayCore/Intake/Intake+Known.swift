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
    /// domains when it is open). Read by binary COPY, one ordered pass per table, so that known
    /// people are resolved in this process's memory rather than by the database row by row.
    ///
    /// Run it under the intake lock (or for a dry run): no intake can write meanwhile.
    func loadKnown(into router: DirectRouter, on connection: Connection) throws {
        let started = Date()
        let startedCPU = ImportProcess.ownCPU()
        var decoder = BinaryCopyDecoder()
        var languages: [UnsafeBufferPointer<UInt8>] = []
        try connection.copyOut("""
            COPY (SELECT id, email, array_to_string(languages, ',') FROM experts WHERE merged_into IS NULL) TO STDOUT (FORMAT binary)
            """) { chunk in
            try decoder.feed(chunk) { fields in
                guard fields.count == 3, let idField = fields[0], let id = BinaryCopyDecoder.int64(idField), let email = fields[1] else { return }
                languages.removeAll(keepingCapacity: true)
                if let list = fields[2] { Self.split(list, into: &languages) }
                try router.addKnownExpert(id: id, email: email, languages: languages)
            }
        }
        decoder = BinaryCopyDecoder()
        try connection.copyOut("COPY (SELECT email, merged_into FROM experts WHERE merged_into IS NOT NULL) TO STDOUT (FORMAT binary)") { chunk in
            try decoder.feed(chunk) { fields in
                guard fields.count == 2, let email = fields[0], let intoField = fields[1], let into = BinaryCopyDecoder.int64(intoField) else { return }
                router.addMergedEmail(email, into: into)
            }
        }
        // COPY takes no parameters: the open statuses travel in a setting, set with a bound value.
        _ = try connection.query("SELECT set_config('assay.open_statuses', $1, false)", [ApplicationStatus.openValues.joined(separator: ",")])
        decoder = BinaryCopyDecoder()
        var domains: [UnsafeBufferPointer<UInt8>] = []
        var unknownExpert: Int64?
        try connection.copyOut("""
            COPY (SELECT source, external_id, expert_id,
                         CASE WHEN status = ANY (string_to_array(current_setting('assay.open_statuses'), ',')) THEN array_to_string(domains, ',') END
                  FROM applications) TO STDOUT (FORMAT binary)
            """) { chunk in
            try decoder.feed(chunk) { fields in
                guard fields.count == 4, let source = fields[0], let external = fields[1], let expertField = fields[2],
                      let expert = BinaryCopyDecoder.int64(expertField) else { return }
                domains.removeAll(keepingCapacity: true)
                if let list = fields[3] { Self.split(list, into: &domains) }
                if !router.addKnownApplication(source: source, externalID: external, expertID: expert, openDomains: domains), unknownExpert == nil {
                    unknownExpert = expert
                }
            }
        }
        if let unknownExpert {
            throw DirectRouter.Unsupported(reason: "an application refers to expert \(unknownExpert), whom the experts table does not list")
        }
        router.finishLoading()
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
