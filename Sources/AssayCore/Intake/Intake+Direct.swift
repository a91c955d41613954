import Foundation
public import Postgres
internal import IntakeEngine

extension Intake {
    /// Whether the server can run a direct import: it needs two prepared transactions.
    public static func directImportAvailable(on connection: Connection) throws -> Bool {
        try connection.maxPreparedTransactions() >= 2
    }

    /// Keeps glibc's threshold for serving an allocation from its own mapping at 128 KB.
    ///
    /// glibc raises that threshold each time such a block is freed (up to 32 MB), after which
    /// blocks of that size come from the heap and stay in the process when freed: loading what
    /// the database has (arrays grown by doubling, COPY OUT buffers) and the COPY chunks then left
    /// about 13 MB more resident in a second import of a million rows (220 against 207 MB peak,
    /// measured with `MALLOC_MMAP_THRESHOLD_`). Process-wide, once; a no-op off glibc.
    static func returnLargeBlocksToTheSystem() {
        #if canImport(Glibc)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD, <malloc.h>, which Glibc's module map leaves out */, 128 << 10)
        #endif
    }

    /// COPY chunks queued per table ahead of the one being sent (the feeders' default is 3): a
    /// chunk of applications is about 4 MB, and with 3 queued the chunks held up to about 30 MB
    /// of a million-row import's peak memory.
    static let chunksQueued = 2

    /// Thrown inside the direct import to roll both halves back on purpose (a strict import
    /// with rejected rows).
    private struct RollBack: Error {}

    /// The direct import: what the database has is read into a ``DirectRouter`` under the lock
    /// that serializes intakes, every row is decided in memory, and the new experts and their
    /// applications are streamed into the final tables while the file is read, over two
    /// connections (PostgreSQL then works on two cores); the two transactions are committed
    /// together with two-phase commit.
    ///
    /// Because every decision is made against what the database has, no row breaks a unique
    /// index: files of new people, second campaigns full of known people and re-imports all go
    /// this way at COPY speed, and the server never refuses (or logs) a row.
    ///
    /// Commit protocol (recovery in ``recoverInterruptedImports(on:skippingLiveness:)``): the
    /// applications half is prepared first, then the experts half, which also holds the import's
    /// event (its id is drawn in advance and, with the database's oid, names both prepared
    /// transactions). Committing the experts half is the decision; the applications half is
    /// committed right after. A process that dies in between leaves prepared transactions that
    /// the next intake resolves: committed if the event exists, rolled back otherwise. While the
    /// importer lives it holds a session advisory lock on its event id, so nobody resolves its
    /// transactions under it. The lock that serializes intakes is taken by the applications half,
    /// the one committed last, so the next intake starts only when both halves are in.
    ///
    /// - Throws: ``DirectImportDecided`` when something fails after the decision (the import is
    ///   then committed, or will be by the next intake); any other error means nothing was written.
    func directImport(_ pass: ImportPass, request: ImportRequest, details: [String: JSONValue], known: (experts: Int, applications: Int),
                      domains: Set<String>, progress: ((Progress) -> Void)?) throws -> Summary {
        Self.returnLargeBlocksToTheSystem()
        // A connection of its own for the liveness lock, the commits, the id blocks and reading
        // what the database has: a fresh session holds no cached values of the experts' id
        // sequence (see the id draw below).
        let control = try connection.openAnother()
        let expertsConnection = try connection.openAnother()
        let applicationsConnection = try connection.openAnother()
        let eventID: Int = try control.query("SELECT nextval(pg_get_serial_sequence('events', 'id'))::bigint AS id").one().decode("id")
        let database: Int = try control.query("SELECT oid::bigint AS oid FROM pg_database WHERE datname = current_database()").one().decode("oid")
        let liveness = Self.directImportLivenessKey(eventID)
        try control.execute("SELECT pg_advisory_lock($1)", [liveness])
        defer { _ = try? control.execute("SELECT pg_advisory_unlock($1)", [liveness]) }
        let names = Self.preparedNames(database: database, eventID: eventID)
        var applicationsPrepared = false
        var expertsPrepared = false
        do {
            try applicationsConnection.execute("BEGIN")
            try acquireIntakeLock(on: applicationsConnection)
            try expertsConnection.execute("BEGIN")
            // The transaction's time, for applications without applied_at, as binary COPY sends it.
            let nowText: String = try applicationsConnection.query(#"SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now"#).one().decode("now")
            guard let now = ISO8601Text.postgresMicroseconds(ofNormalized: nowText) else {
                throw DirectRouter.Unsupported(reason: "the server's time \(nowText) could not be read")
            }
            let expertsPID: Int = try expertsConnection.query("SELECT pg_backend_pid() AS pid").one().decode("pid")
            let applicationsPID: Int = try applicationsConnection.query("SELECT pg_backend_pid() AS pid").one().decode("pid")
            let sequence: String = try control.query("SELECT pg_get_serial_sequence('experts', 'id') AS name").one().decode("name")
            phaseStart = Date()
            // Under the lock, no other intake writes: what is read now stays true until this
            // import commits (the counts read before the lock only size the tables).
            let router = try DirectRouter(eventID: Int64(eventID), now: now, expectedRows: min(pass.source.size / 120, 1 << 20), domains: Array(domains),
                                          knownExperts: known.experts, knownApplications: known.applications) { count in
                // A block of ids from the experts' identity sequence in one call (a nextval per id
                // cost seconds per million). `control` is a fresh session, so its nextval is the
                // sequence's next free value (never a value cached by this session earlier), and
                // setval drops the rest of the block nextval cached. Every assay writer of experts
                // holds the intake lock, as this import does; a writer outside assay that draws an
                // id in the same instant collides on the primary key, and nothing is written.
                let last: Int64 = try control.query("SELECT setval($1::regclass, nextval($1::regclass) + $2 - 1) AS last", [sequence, count]).one().decode("last")
                return Array(last - Int64(count) + 1 ... last)
            }
            try loadKnown(into: router, on: control, alongside: applicationsConnection)
            // Each COPY is fed from its own thread, so that neither server waits while the other
            // one's socket is full: both tables are written at once, on two cores. Room for a whole
            // chunk in each socket: fewer wake-ups of the feeders and of the servers (0.15 s less
            // per million rows in three of three paired runs).
            try applicationsConnection.copyIn(try applicationsConnection.binaryCopyStatement(table: "applications", columns: DirectRouter.applicationColumns),
                                              feederLabel: "assay.intake.applications", pending: Self.chunksQueued, sendBuffer: 4 << 20) { applications in
                try expertsConnection.copyIn(try expertsConnection.binaryCopyStatement(table: "experts", columns: DirectRouter.expertColumns),
                                             feederLabel: "assay.intake.experts", pending: Self.chunksQueued, sendBuffer: 4 << 20) { experts in
                    try router.start(experts: experts, applications: applications)
                    // A refused COPY stops the reading at once: the backend that refused it shows
                    // as aborted to the control connection.
                    router.checkBackends = {
                        let aborted = try control.query("""
                            SELECT pid FROM pg_stat_activity WHERE pid IN ($1, $2) AND state = 'idle in transaction (aborted)'
                            """, [expertsPID, applicationsPID]).map { try $0.decode("pid", as: Int.self) }
                        if aborted.contains(expertsPID) { throw experts.endedByServer() }
                        if aborted.contains(applicationsPID) { throw applications.endedByServer() }
                    }
                    try read(pass, into: router, progress: progress)
                    try router.finish()
                }
                phase("parse, validate and COPY into experts")
                try apply(Routing(router), to: pass)
                // Every reject on disk before the import commits: a failing write then stops the
                // import with nothing written.
                try pass.rejects?.flush()
                pass.summary.method = .direct
                if request.strict, pass.summary.rowsRejected > 0 { return }
                // The experts half finishes while the applications COPY may still be running.
                // Few rows, found by primary key (the fresh table's statistics would suggest a scan).
                try expertsConnection.executeScript("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
                let grown = router.grownLanguages()
                for batch in grown.chunked(50_000) {
                    // One (id, language) pair per element, regrouped in the order given (sorted).
                    try expertsConnection.execute("""
                        UPDATE experts e SET languages = u.languages, updated_at = now()
                        FROM (SELECT id, array_agg(code ORDER BY ord) AS languages
                              FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(id, code, ord) GROUP BY id) u
                        WHERE e.id = u.id
                        """, [batch.flatMap { entry in entry.languages.map { _ in entry.id } }, batch.flatMap(\.languages)])
                }
                var eventDetails = details
                eventDetails["method"] = "direct"
                eventDetails.merge(pass.summary.eventCounts) { $1 }
                try AuditTrail(expertsConnection).record(.intakeImport, actor: request.actor, details: eventDetails, id: eventID)
                pass.summary.eventID = eventID
                phase("union the languages of \(grown.count) experts; event")
            }
            phase("end of the applications COPY")
            if timing { reportCPU(backends: [expertsPID, applicationsPID]) }
            if request.strict, pass.summary.rowsRejected > 0 {
                // Nothing is kept: both transactions roll back (the COPYs ended normally, so the
                // server logs nothing).
                pass.summary.refusedAsStrict = true
                throw RollBack()
            }
            // Ctrl-C, a hang-up or a termination request arriving from here until both halves are
            // committed waits until then (the import is then complete) instead of leaving
            // prepared halves for the next intake to resolve. Only SIGKILL or a crash can.
            let held = ImportProcess.holdInterruptions()
            defer { ImportProcess.releaseInterruptions(held) }
            try applicationsConnection.prepareTransaction(names.applications)
            applicationsPrepared = true
            try expertsConnection.prepareTransaction(names.experts)
            expertsPrepared = true
            phase("prepare")
            ImportProcess.failpoint("intake-after-prepare")
            if ProcessInfo.processInfo.environment["ASSAY_FAILPOINT"] == "intake-interrupt-after-prepare" { kill(getpid(), SIGINT) }
            try control.commitPrepared(names.experts)
            expertsPrepared = false
            applicationsPrepared = false  // decided: from here on the applications half is committed, now or by recovery
            ImportProcess.failpoint("intake-after-first-commit")
            do {
                try control.commitPrepared(names.applications)
            } catch {
                // Decided: commit the rest over a new connection, or leave it to the next intake.
                do {
                    try Self.recoverInterruptedImports(on: try connection.openAnother(), skippingLiveness: liveness)
                } catch let second {
                    throw DirectImportDecided(underlying: second)
                }
            }
            phase("commit")
            try pass.rejects?.commit()
            return pass.summary
        } catch let decided as DirectImportDecided {
            try? pass.rejects?.commit()
            throw decided
        } catch is RollBack {
            _ = try? applicationsConnection.execute("ROLLBACK")
            _ = try? expertsConnection.execute("ROLLBACK")
            try pass.rejects?.commit()
            return pass.summary
        } catch {
            if expertsPrepared { _ = try? control.rollbackPrepared(names.experts) }
            if applicationsPrepared { _ = try? control.rollbackPrepared(names.applications) }
            pass.discard()
            throw error
        }
    }

    /// With ASSAY_INTAKE_TIMING set: where the CPU went (the servers' share is readable when they
    /// run on this machine).
    private func reportCPU(backends: [Int]) {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let client = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let servers = backends.map { ImportProcess.processCPU($0).map { String(format: "%.2f s", $0) } ?? "?" }
        FileHandle.standardError.write(Data(String(format: "intake timing: CPU so far: this process %.2f s, experts backend %@, applications backend %@\n",
                                                   client, servers[0], servers[1]).utf8))
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, outside the Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
