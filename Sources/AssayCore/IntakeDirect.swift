import Foundation
public import Postgres

/// Where the import loop sends the rows it has validated, in the text COPY layout of
/// `intake_staging` (line, email, full_name, country, languages, domains, degree, years, source,
/// external_id, applied_at, resume_text), whole lines per call.
protocol StagedRowSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
}

extension CopyInWriter: StagedRowSink {}

// MARK: - The direct import

extension Intake {
    /// Why a direct import gave up before writing anything; the import then merges through
    /// staging instead.
    struct DirectImportUnsupported: Error { var reason: String }

    /// Whether the server can run a direct import: it needs two prepared transactions.
    public static func directImportAvailable(on connection: Connection) throws -> Bool {
        let setting: String = try connection.query("SELECT current_setting('max_prepared_transactions') AS n")[0].decode("n")
        return (Int(setting) ?? 0) >= 2
    }

    /// The direct import: new experts and their applications are streamed into the final tables
    /// while the file is read, over two connections (PostgreSQL then works on two cores), and the
    /// two transactions are committed together with two-phase commit.
    ///
    /// The file is de-duplicated here, in memory (a 128-bit keyed hash per email and per source
    /// and external id, about 100 bytes per row all told). Rows already in the database are not
    /// looked up: their unique indexes refuse them, and the caller then merges through staging.
    /// So this path serves files of new people (a first load, a new campaign) at COPY speed, and
    /// any overlap costs only the time until the first overlapping row.
    ///
    /// Commit protocol (recovery in ``recoverInterruptedImports(on:)``): the applications half
    /// is prepared first, then the experts half, which also holds the import's event (its id is
    /// drawn in advance and, with the database's oid, names both prepared transactions).
    /// Committing the experts half is the decision; the applications half is committed right
    /// after. A process that dies in between leaves prepared transactions that the next intake
    /// resolves: committed if the event exists, rolled back otherwise. While the importer lives it
    /// holds a session advisory lock on its event id, so nobody resolves its transactions under
    /// it. The lock that serializes intakes is taken by the applications half, the one committed
    /// last, so the next intake starts only when both halves are in.
    ///
    /// - Throws: ``DirectImportDecided`` when something fails after the decision (the import is
    ///   then committed, or will be by the next intake); any other error means nothing was written.
    func directImport(actor: String, details: [String: String], expectedRows: Int, feed: (any StagedRowSink) throws -> Summary) throws -> Summary {
        // A connection of its own for the liveness lock, the commits and the id blocks: a fresh
        // session holds no cached values of the experts' id sequence (see the id draw below).
        let control = try connection.openAnother()
        let expertsConnection = try connection.openAnother()
        let applicationsConnection = try connection.openAnother()
        let eventID: Int = try control.query("SELECT nextval(pg_get_serial_sequence('events', 'id'))::bigint AS id")[0].decode("id")
        let database: Int = try control.query("SELECT oid::bigint AS oid FROM pg_database WHERE datname = current_database()")[0].decode("oid")
        let liveness = Self.directImportLivenessKey(eventID)
        try control.execute("SELECT pg_advisory_lock($1)", [liveness])
        defer { _ = try? control.execute("SELECT pg_advisory_unlock($1)", [liveness]) }
        // Transaction names are unique across the server, event ids only within a database.
        let expertsGID = "assay-intake-\(database)-\(eventID)-experts"
        let applicationsGID = "assay-intake-\(database)-\(eventID)-applications"
        var applicationsPrepared = false
        var expertsPrepared = false
        var router: DirectRouter?
        defer { directAttemptRows = router.map { $0.newExperts + $0.applicationsMerged + $0.duplicatesSkipped } ?? 0 }
        do {
            try applicationsConnection.execute("BEGIN")
            try acquireIntakeLock(on: applicationsConnection)
            try expertsConnection.execute("BEGIN")
            // The transaction's time, for applications without applied_at, as binary COPY sends it.
            let nowText: String = try applicationsConnection.query(#"SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now"#)[0].decode("now")
            guard let now = Array(nowText.utf8).withUnsafeBufferPointer({ ISO8601Text.postgresMicroseconds(ofNormalized: $0) }) else {
                throw DirectImportUnsupported(reason: "the server's time \(nowText) could not be read")
            }
            let expertsPID: Int = try expertsConnection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
            let applicationsPID: Int = try applicationsConnection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
            let sequence: String = try control.query("SELECT pg_get_serial_sequence('experts', 'id') AS name")[0].decode("name")
            var summary = Summary()
            phaseStart = Date()
            try applicationsConnection.copyIn("COPY applications (expert_id, domains, source, external_id, applied_at, resume_text, event_id) FROM STDIN (FORMAT binary)") { applications in
                // Each COPY is fed from its own thread, so that neither server waits while the
                // other one's socket is full: both tables are written at once, on two cores.
                let applicationsFeed = BackgroundCopy(applications, label: "assay.intake.applications")
                do {
                    try expertsConnection.copyIn("COPY experts (id, email, full_name, country, languages, highest_degree, years_experience) FROM STDIN") { experts in
                        let expertsFeed = BackgroundCopy(experts, label: "assay.intake.experts")
                        let rows = try DirectRouter(experts: expertsFeed, applications: applicationsFeed, eventID: eventID, now: now,
                                                expectedRows: expectedRows) { count in
                            // A block of ids from the experts' identity sequence in one call (a nextval
                            // per id cost seconds per million). `control` is a fresh session, so its
                            // nextval is the sequence's next free value (never a value cached by this
                            // session earlier), and setval drops the rest of the block nextval cached.
                            // Every assay writer of experts holds the intake lock, as this import
                            // does; a writer outside assay that draws an id in the same instant
                            // collides on the primary key, and the import then merges instead.
                            let last: Int64 = try control.query("SELECT setval($1::regclass, nextval($1::regclass) + $2 - 1) AS last", [sequence, count])[0].decode("last")
                            return Array(last - Int64(count) + 1 ... last)
                        }
                        // A refused COPY (usually a row the database has) stops the reading at once:
                        // the backend that refused it shows as aborted to the control connection.
                        rows.checkBackends = {
                            let aborted = try control.query("""
                                SELECT pid FROM pg_stat_activity WHERE pid IN ($1, $2) AND state = 'idle in transaction (aborted)'
                                """, [expertsPID, applicationsPID]).map { try $0.decode("pid", as: Int.self) }
                            if aborted.contains(expertsPID) { throw experts.endedByServer() }
                            if aborted.contains(applicationsPID) { throw applications.endedByServer() }
                        }
                        router = rows
                        do {
                            summary = try feed(rows)
                            try rows.finish()
                        } catch {
                            expertsFeed.abandon()
                            _ = try? expertsFeed.drain()
                            throw error
                        }
                        // A failure of this feed is thrown inside this COPY's body, so that it
                        // reports the server's reason.
                        try expertsFeed.drain()
                    }
                    guard let router else { throw DirectImportUnsupported(reason: "no rows were routed") }
                    phase("parse, validate and COPY into experts")
                    // The experts half finishes while the applications COPY may still be running.
                    summary.newExperts = router.newExperts
                    summary.applicationsMerged = router.applicationsMerged
                    summary.duplicatesSkipped = router.duplicatesSkipped
                    summary.method = .direct
                    // Few rows, found by primary key (the fresh table's statistics would suggest a scan).
                    try expertsConnection.executeScript("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
                    let grown = router.grownLanguages()
                    for batch in grown.chunked(50_000) {
                        try expertsConnection.execute("""
                            UPDATE experts e SET languages = u.languages::text[], updated_at = now()
                            FROM unnest($1::text[]::bigint[], $2::text[]) AS u(id, languages)
                            WHERE e.id = u.id
                            """, [batch.map { String($0.id) }, batch.map(\.languages)])
                    }
                    var eventDetails = details
                    eventDetails["method"] = "direct"
                    eventDetails.merge(summary.eventCounts) { $1 }
                    try expertsConnection.execute(
                        "INSERT INTO events (id, actor, action, details) OVERRIDING SYSTEM VALUE VALUES ($1, $2, 'intake.import', $3)",
                        [eventID, actor, try PostgresJSON(encoding: eventDetails)])
                    summary.eventID = eventID
                    phase("union the languages of \(grown.count) experts; event")
                } catch {
                    // Stop the applications feed before its COPY ends: its thread uses the connection.
                    applicationsFeed.abandon()
                    _ = try? applicationsFeed.drain()
                    throw error
                }
                try applicationsFeed.drain()
            }
            phase("end of the applications COPY")
            if timing {
                // Where the CPU went (the server's share is readable when it runs on this machine).
                var usage = rusage()
                getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
                let client = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
                let servers = [expertsPID, applicationsPID].map { Self.processCPU($0).map { String(format: "%.2f s", $0) } ?? "?" }
                FileHandle.standardError.write(Data(String(format: "intake timing: CPU so far: this process %.2f s, experts backend %@, applications backend %@\n",
                                                           client, servers[0], servers[1]).utf8))
            }
            // Ctrl-C, a hang-up or a termination request arriving from here until both halves are
            // committed waits until then (the import is then complete) instead of leaving
            // prepared halves for the next intake to resolve. Only SIGKILL or a crash can.
            let held = Self.holdInterruptions()
            defer { Self.releaseInterruptions(held) }
            try applicationsConnection.execute("PREPARE TRANSACTION '\(applicationsGID)'")
            applicationsPrepared = true
            try expertsConnection.execute("PREPARE TRANSACTION '\(expertsGID)'")
            expertsPrepared = true
            phase("prepare")
            Self.failpoint("intake-after-prepare")
            if ProcessInfo.processInfo.environment["ASSAY_FAILPOINT"] == "intake-interrupt-after-prepare" { kill(getpid(), SIGINT) }
            try control.execute("COMMIT PREPARED '\(expertsGID)'")
            expertsPrepared = false
            applicationsPrepared = false  // decided: from here on the applications half is committed, now or by recovery
            Self.failpoint("intake-after-first-commit")
            do {
                try control.execute("COMMIT PREPARED '\(applicationsGID)'")
            } catch {
                // Decided: commit the rest over a new connection, or leave it to the next intake.
                do {
                    try Self.recoverInterruptedImports(on: try connection.openAnother(), skippingLiveness: liveness)
                } catch let second {
                    throw DirectImportDecided(underlying: second)
                }
            }
            phase("commit")
            return summary
        } catch let decided as DirectImportDecided {
            throw decided
        } catch {
            if expertsPrepared { _ = try? control.execute("ROLLBACK PREPARED '\(expertsGID)'") }
            if applicationsPrepared { _ = try? control.execute("ROLLBACK PREPARED '\(applicationsGID)'") }
            throw error
        }
    }

    /// A failure after a direct import's decision: the import is committed, but its applications
    /// half could not be committed yet; the next intake command completes it.
    public struct DirectImportDecided: Error, CustomStringConvertible {
        var underlying: any Error
        public var description: String {
            "the import is committed but its applications could not be committed yet (\(underlying)); the next assay intake command completes it"
        }
    }

    /// The session advisory lock a direct import holds on its event id while its process lives.
    static func directImportLivenessKey(_ eventID: Int) -> Int { 0x4153_5901 << 32 | (eventID & 0xFFFF_FFFF) }

    /// Resolves the prepared transactions of direct imports whose process died between
    /// preparing and committing (see ``directImport(actor:details:feed:)``): commits both halves
    /// of an import whose event exists, rolls back the rest. Imports still running are left
    /// alone. Runs at the start of every intake; safe to run at any time from any process.
    ///
    /// - Returns: how many prepared transactions were resolved.
    @discardableResult
    public static func recoverInterruptedImports(on connection: Connection, skippingLiveness own: Int? = nil) throws -> Int {
        let gids = try connection.query("""
            SELECT gid FROM pg_prepared_xacts
            WHERE database = current_database() AND gid LIKE 'assay-intake-%'
            """).map { try $0.decode("gid", as: String.self) }
        var byEvent: [Int: [String]] = [:]
        for gid in gids {
            // assay-intake-<database oid>-<event id>-<half>. Only names of exactly that form are
            // touched: the name goes into COMMIT/ROLLBACK PREPARED, which takes no parameters.
            let parts = gid.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 5, UInt32(parts[2]) != nil, let eventID = Int(parts[3]), eventID > 0,
                  parts[4] == "experts" || parts[4] == "applications" else { continue }
            byEvent[eventID, default: []].append(gid)
        }
        var resolved = 0
        for (eventID, gids) in byEvent.sorted(by: { $0.key < $1.key }) {
            let key = directImportLivenessKey(eventID)
            if key != own {
                let free: Bool = try connection.query("SELECT pg_try_advisory_lock($1) AS free", [key])[0].decode("free")
                guard free else { continue }  // its importer is alive and finishing
            }
            defer { if key != own { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [key]) } }
            let decided = try !connection.query("SELECT 1 FROM events WHERE id = $1", [eventID]).isEmpty
            // The experts half (holding the event) first, as the importer does.
            for gid in gids.sorted(by: { $0.hasSuffix("-experts") && !$1.hasSuffix("-experts") }) {
                do {
                    try connection.execute("\(decided ? "COMMIT" : "ROLLBACK") PREPARED '\(gid)'")
                    resolved += 1
                } catch let error as PostgresError where error.code == "42704" {
                    continue  // resolved by another process meanwhile
                }
            }
        }
        return resolved
    }

    /// Takes the transaction-level lock that serializes intake merges, resolving interrupted
    /// direct imports while waiting (a prepared transaction of a dead process may hold it).
    func acquireIntakeLock(on transaction: Connection) throws {
        let key = 0x6173_7361_792D_696E
        var recovery: Connection?
        var waited = 0
        while true {
            let taken: Bool = try transaction.query("SELECT pg_try_advisory_xact_lock($1) AS taken", [key])[0].decode("taken")
            if taken { return }
            if waited % 20 == 0 {
                // COMMIT PREPARED cannot run inside a transaction block: recover over a connection of its own.
                if recovery == nil { recovery = try transaction.openAnother() }
                if let recovery { try Self.recoverInterruptedImports(on: recovery) }
            }
            waited += 1
            usleep(50_000)
        }
    }

    /// CPU seconds (user and system) a process on this machine has used, from /proc.
    static func processCPU(_ pid: Int) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Blocks SIGINT, SIGTERM and SIGHUP for the calling thread (the queue threads of
    /// libdispatch block them already), so that they stay pending; returns the previous mask.
    static func holdInterruptions() -> sigset_t {
        var block = sigset_t()
        var previous = sigset_t()
        sigemptyset(&block)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&block, signal) }
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        return previous
    }

    /// Restores the signal mask; a signal held meanwhile is delivered now.
    static func releaseInterruptions(_ previous: sigset_t) {
        var mask = previous
        pthread_sigmask(SIG_SETMASK, &mask, nil)
    }

    /// For tests of the recovery: with `ASSAY_FAILPOINT` naming this point, the process dies here.
    static func failpoint(_ name: String) {
        if ProcessInfo.processInfo.environment["ASSAY_FAILPOINT"] == name { _exit(99) }
    }
}

extension Intake.Summary {
    /// The counts as the import's event records them.
    var eventCounts: [String: String] {
        ["rows_read": String(rowsRead), "new_experts": String(newExperts), "applications_merged": String(applicationsMerged),
         "duplicates_skipped": String(duplicatesSkipped), "rows_rejected": String(rowsRejected)]
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}

// MARK: - Routing staged rows to experts and applications

/// Splits staged rows into new experts and new applications, de-duplicating the file as it
/// goes, and streams each to its COPY.
///
/// Rows go out in chunks (2k rows at first, doubling up to 32k); applications sorted by
/// external id (see ``CopyChunk``).
final class DirectRouter: StagedRowSink {
    private let experts: BackgroundCopy
    private let applications: BackgroundCopy
    private let drawIDs: (Int) throws -> [Int64]
    /// Called after each chunk sent: throws when a server has refused its COPY.
    var checkBackends: () throws -> Void = {}
    /// Everything a row changes, kept in one value that ``write(_:)`` moves into a local for the
    /// length of a chunk (no dynamic exclusivity checks or reference counting per row).
    private var state: RouterState

    /// Starts the applications' binary COPY with its signature, flags and header extension.
    init(experts: BackgroundCopy, applications: BackgroundCopy, eventID: Int, now: Int64, expectedRows: Int,
         drawIDs: @escaping (Int) throws -> [Int64]) throws {
        self.experts = experts
        self.applications = applications
        self.drawIDs = drawIDs
        state = RouterState(eventID: Int64(eventID), now: now, expectedRows: expectedRows)
        try applications.send(Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0])
    }

    var newExperts: Int { state.newExperts }
    var applicationsMerged: Int { state.applicationsMerged }
    var duplicatesSkipped: Int { state.duplicatesSkipped }

    /// What stands in ``state`` while ``write(_:)`` works on it (shared, never changed).
    private let placeholder = RouterState.empty

    func write(_ bytes: [UInt8]) throws {
        var local = placeholder
        swap(&local, &state)
        defer { swap(&local, &state) }
        // Two passes over the chunk. The first splits the rows, hashes their keys and reads the
        // hash-table slot of each key: those reads are independent of one another, so the
        // processor overlaps their cache misses, and the second pass, which routes the rows,
        // finds the slots in cache (one miss at a time took a fifth of this process's CPU).
        let layout = 13  // per row: start, 11 tabs, end
        var positions: [Int] = []
        var hashes: [UInt64] = []
        swap(&positions, &local.positions)  // moved, not copied: appends stay in place
        swap(&hashes, &local.hashes)
        positions.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        var touched: UInt64 = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                positions.append(start)
                guard let end = buffer.firstIndex(of: 10, in: start..<buffer.count) else {
                    throw Intake.DirectImportUnsupported(reason: "a chunk of staged rows ends inside a row")
                }
                var found = 0
                var cursor = start
                while found < 11, let tab = buffer.firstIndex(of: 9, in: cursor..<end) {
                    positions.append(tab)
                    cursor = tab + 1
                    found += 1
                }
                guard found == 11 else { throw Intake.DirectImportUnsupported(reason: "a staged row has \(found + 1) fields") }
                positions.append(end)
                let row = positions.count - layout
                let (a1, a2) = KeyTable.hash(UnsafeBufferPointer(rebasing: buffer[positions[row + 8] + 1 ..< positions[row + 10]]))  // source \t external_id
                let (e1, e2) = KeyTable.hash(UnsafeBufferPointer(rebasing: buffer[positions[row + 1] + 1 ..< positions[row + 2]]))  // email
                hashes.append(a1)
                hashes.append(a2)
                hashes.append(e1)
                hashes.append(e2)
                touched &+= local.applicationKeys.peek(a1) &+ local.emails.peek(e1)
                start = end + 1
            }
            try positions.withUnsafeBufferPointer { positions in
                for index in 0 ..< positions.count / layout {
                    let row = index * layout
                    try local.route(buffer, start: positions[row], tabs: UnsafeBufferPointer(rebasing: positions[row + 1 ..< row + 12]),
                                    end: positions[row + 12], applicationHash: (hashes[index * 4], hashes[index * 4 + 1]),
                                    emailHash: (hashes[index * 4 + 2], hashes[index * 4 + 3]), drawIDs: drawIDs)
                }
            }
        }
        swap(&positions, &local.positions)
        swap(&hashes, &local.hashes)
        local.touched = touched
        var sent = false
        if local.experts.rows >= local.chunkLimit {
            try experts.send(local.experts.take())
            sent = true
        }
        if local.applications.rows >= local.chunkLimit {
            try applications.send(local.applications.take())
            sent = true
        }
        if sent {
            local.chunkLimit = min(local.chunkLimit * 2, RouterState.chunkRows)
            try checkBackends()
        }
    }

    /// Sends what is buffered, and the applications' binary COPY trailer.
    func finish() throws {
        if state.experts.rows > 0 { try experts.send(state.experts.take()) }
        if state.applications.rows > 0 { try applications.send(state.applications.take()) }
        try applications.send([0xFF, 0xFF])
    }

    /// Experts whose later rows in the file brought languages their first row lacked: their id
    /// and the sorted union, as a text[] literal.
    func grownLanguages() -> [(id: Int64, languages: String)] {
        state.grown.sorted().map { ordinal in
            let names = state.languages.codes(of: Int(ordinal)).map { state.languageNames[Int($0)] }.sorted()
            return (state.expertIDs[Int(ordinal)], "{" + names.joined(separator: ",") + "}")
        }
    }
}

/// The routing state of a ``DirectRouter``.
struct RouterState {
    static let chunkRows = 1 << 15
    /// Rows that make a chunk now: the first chunks are small, so that both servers start
    /// working early (until the first chunk, only this process runs), then they double up to
    /// ``chunkRows``.
    var chunkLimit = 1 << 11
    static var empty: RouterState { RouterState(eventID: 0, now: 0, expectedRows: 0) }

    let eventID: Int64
    /// When the import's transaction started, in microseconds since 2000 (binary timestamptz).
    let now: Int64
    var experts = CopyChunk()
    var applications = CopyChunk()
    var emails: KeyTable
    var applicationKeys: KeyTable
    /// By expert ordinal (order of first appearance in the file).
    var expertIDs: [Int64] = []
    var languages = LanguageSets()
    var grown: Set<UInt32> = []
    /// Language numbers of two-byte codes (ISO 639-1, all the validator lets through), indexed
    /// by the code's two bytes, 0xFF for none yet; longer codes in `languageIndex`. (A dictionary
    /// lookup per code cost 5% of this process.)
    var twoByteLanguages = [UInt8](repeating: 0xFF, count: 1 << 16)
    var languageIndex: [UInt64: UInt8] = [:]
    var languageNames: [String] = []
    var idPool: [Int64] = []
    var idNext = 0
    var idBlock = 2048
    var newExperts = 0
    var applicationsMerged = 0
    var duplicatesSkipped = 0
    /// Scratch space of ``DirectRouter/write(_:)``, kept between chunks.
    var positions: [Int] = []
    var hashes: [UInt64] = []
    /// Where the slot reads of the first pass go, so that they are not optimized away.
    var touched: UInt64 = 0

    init(eventID: Int64, now: Int64, expectedRows: Int) {
        self.eventID = eventID
        self.now = now
        // Sorting the experts by email measured *worse* inside the import (0.3 s more backend CPU
        // in three of three paired runs), though psql alone on the same rows gained 0.65 s.
        experts.sorts = false
        emails = KeyTable(withValues: true, expected: expectedRows)
        applicationKeys = KeyTable(withValues: false, expected: expectedRows)
        if expectedRows > 0 { expertIDs.reserveCapacity(expectedRows) }
    }

    /// Fields: 0 line, 1 email, 2 full_name, 3 country, 4 languages, 5 domains, 6 degree, 7 years,
    /// 8 source, 9 external_id, 10 applied_at, 11 resume_text; `tabs[i]` ends field i.
    mutating func route(_ row: UnsafeBufferPointer<UInt8>, start: Int, tabs: UnsafeBufferPointer<Int>, end: Int,
                        applicationHash: (UInt64, UInt64), emailHash: (UInt64, UInt64), drawIDs: (Int) throws -> [Int64]) throws {
        func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let from = index == 0 ? start : tabs[index - 1] + 1
            let to = index == 11 ? end : tabs[index]
            return UnsafeBufferPointer(rebasing: row[from ..< to])
        }
        let (a1, a2) = applicationHash
        if applicationKeys.insertIfAbsent(a1, a2, value: 0) != nil {
            duplicatesSkipped += 1
            return
        }
        let (e1, e2) = emailHash
        let codes = try languageCodes(field(4))
        let expertID: Int64
        if let known = emails.insertIfAbsent(e1, e2, value: UInt32(expertIDs.count)) {
            applicationsMerged += 1
            expertID = expertIDs[Int(known)]
            if languages.union(Int(known), with: codes) { grown.insert(known) }
        } else {
            newExperts += 1
            if idNext == idPool.count {
                idBlock = min(idBlock * 2, 1 << 17)
                idPool = try drawIDs(idBlock)
                idNext = 0
                guard !idPool.isEmpty else { throw Intake.DirectImportUnsupported(reason: "no expert ids were drawn") }
            }
            expertID = idPool[idNext]
            idNext += 1
            expertIDs.append(expertID)
            languages.append(codes)
            // id \t email \t full_name \t country \t languages \t degree \t years \n
            experts.startRow()
            experts.append(number: expertID)
            experts.markKey()  // the email
            experts.append(UnsafeBufferPointer(rebasing: row[tabs[0] + 1 ..< tabs[4]]))
            experts.append(9)
            experts.append(UnsafeBufferPointer(rebasing: row[tabs[5] + 1 ..< tabs[7]]))
            experts.append(10)
        }
        // Binary COPY (measured: 0.35–0.45 s less backend CPU per million applications than
        // the text form, which parses a timestamp and an array literal per row): the number
        // of fields, then expert_id, domains, source, external_id, applied_at, resume_text and
        // event_id, each as a 32-bit length and its bytes.
        applications.startRow()
        applications.append(bigEndian: Int16(7))
        applications.append(int8Field: expertID)
        try applications.append(textArrayFieldFromStaged: field(5))
        try applications.append(textFieldFromStaged: field(8))
        applications.markKey(ahead: 4)  // the external id, after its length
        try applications.append(textFieldFromStaged: field(9))
        let appliedAt = field(10)
        if appliedAt.count == 2, appliedAt[0] == 92, appliedAt[1] == 78 {  // \N: received now
            applications.append(int8Field: now)
        } else {
            guard let micros = ISO8601Text.postgresMicroseconds(ofNormalized: appliedAt) else {
                throw Intake.DirectImportUnsupported(reason: "a staged applied_at that is not a normalized date-time")
            }
            applications.append(int8Field: micros)
        }
        try applications.append(textFieldFromStaged: field(11))
        applications.append(int8Field: eventID)
    }

    /// The language codes of a staged `{"fr","en"}` literal (distinct, as the validator leaves
    /// them), as indices into `languageNames`, up to eight packed in one number.
    private mutating func languageCodes(_ literal: UnsafeBufferPointer<UInt8>) throws -> LanguageSets.Codes {
        var codes = LanguageSets.Codes.none
        var count = 0
        var index = 0
        while index < literal.count {
            guard literal[index] == 34 else { index += 1; continue }
            var code: UInt64 = 0
            var length = 0
            index += 1
            while index < literal.count, literal[index] != 34 {
                code = code << 8 | UInt64(literal[index])
                length += 1
                index += 1
            }
            index += 1
            guard length <= 8 else { throw Intake.DirectImportUnsupported(reason: "a language code longer than 8 bytes") }
            guard count < 8 else { throw Intake.DirectImportUnsupported(reason: "a row with more than 8 languages") }
            let number: UInt8
            if length == 2, twoByteLanguages[Int(code)] != 0xFF {
                number = twoByteLanguages[Int(code)]
            } else if length != 2, let known = languageIndex[code] {
                number = known
            } else {
                guard languageNames.count < 255 else { throw Intake.DirectImportUnsupported(reason: "more than 255 language codes") }
                number = UInt8(languageNames.count)
                if length == 2 { twoByteLanguages[Int(code)] = number } else { languageIndex[code] = number }
                var name = ""
                for shift in stride(from: (length - 1) * 8, through: 0, by: -8) {
                    name.append(Character(Unicode.Scalar(UInt8(truncatingIfNeeded: code >> UInt64(shift)))))
                }
                languageNames.append(name)
            }
            codes = codes.adding(number, at: count)
            count += 1
        }
        return codes
    }
}

/// The language sets of new experts: up to eight codes packed in 64 bits per expert, larger
/// sets (after unions) on the side.
struct LanguageSets {
    /// Up to eight language numbers, one per byte, 0xFF for an empty slot.
    struct Codes: Equatable {
        var word: UInt64
        static let none = Codes(word: .max)

        func adding(_ code: UInt8, at slot: Int) -> Codes {
            Codes(word: word & ~(0xFF << UInt64(slot * 8)) | UInt64(code) << UInt64(slot * 8))
        }

        var list: [UInt8] {
            var codes: [UInt8] = []
            var rest = word
            for _ in 0 ..< 8 {
                if rest & 0xFF != 0xFF { codes.append(UInt8(rest & 0xFF)) }
                rest >>= 8
            }
            return codes
        }

        func contains(_ code: UInt8) -> Bool {
            var rest = word
            for _ in 0 ..< 8 {
                if rest & 0xFF == UInt64(code) { return true }
                rest >>= 8
            }
            return false
        }
    }

    private var packed: [Codes] = []
    private var larger: [Int: [UInt8]] = [:]

    mutating func append(_ codes: Codes) { packed.append(codes) }

    func codes(of ordinal: Int) -> [UInt8] { larger[ordinal] ?? packed[ordinal].list }

    /// Adds codes to an expert's set; whether the set grew.
    mutating func union(_ ordinal: Int, with new: Codes) -> Bool {
        if larger[ordinal] == nil {
            let current = packed[ordinal]
            var merged = current
            var count = current.list.count
            var grew = false
            for code in new.list where !current.contains(code) {
                grew = true
                if count == 8 {
                    larger[ordinal] = Array(Set(codes(of: ordinal) + new.list))
                    return true
                }
                merged = merged.adding(code, at: count)
                count += 1
            }
            packed[ordinal] = merged
            return grew
        }
        let current = larger[ordinal] ?? []
        let added = new.list.filter { !current.contains($0) }
        guard !added.isEmpty else { return false }
        larger[ordinal] = current + added
        return true
    }
}

/// COPY rows collected for one send, sent sorted by a key that runs from a marked place in
/// each row to its end (only the order of equal keys depends on what follows them).
///
/// A B-tree index filled in key order is filled page after page; in file order every insert
/// lands on a random page. Measured on a million applications with random external ids, in
/// chunks of 32k sorted by them: 1.2 s less backend CPU with psql (6.7 → 5.4 s), 0.6–1.2 s in
/// the import; with sequential ids (already in order) no change.
///
/// The bytes are a ``ByteBuffer`` (rows are built from many small pieces); like it, a chunk is
/// moved, never copied and then changed.
struct CopyChunk {
    private struct Row {
        var prefix0: UInt64 = 0
        var prefix1: UInt64 = 0
        var key: Int32
        var start: Int32
        var end: Int32 = 0
    }

    private var list: [Row] = []
    private var bytes = ByteBuffer()
    var rows: Int { list.count }

    mutating func startRow() {
        if let last = list.indices.last { list[last].end = Int32(bytes.count) }
        list.append(Row(key: Int32(bytes.count), start: Int32(bytes.count)))
    }

    /// Marks where the current row's sort key starts, `ahead` bytes after what is written so far.
    mutating func markKey(ahead: Int = 0) { list[list.count - 1].key = Int32(bytes.count + ahead) }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func append(_ part: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: part) }

    /// A decimal number and a tab.
    mutating func append(number: Int64) {
        bytes.append(decimal: number)
        bytes.append(9)
    }

    /// Whether ``take()`` sorts the rows (otherwise they keep their order).
    var sorts = true

    /// The rows (sorted by key if ``sorts``), as COPY data; empties the chunk.
    mutating func take() -> [UInt8] {
        guard !list.isEmpty else { return [] }
        defer {
            list.removeAll(keepingCapacity: true)
            bytes.removeAll()
        }
        let all = bytes.bytes
        if !sorts { return Array(all) }
        list[list.count - 1].end = Int32(all.count)
        // The key's first 16 bytes as two big-endian numbers: most comparisons are two
        // integer comparisons.
        for index in list.indices {
            let key = Int(list[index].key), end = Int(list[index].end)
            var prefix0: UInt64 = 0, prefix1: UInt64 = 0
            for offset in 0 ..< 16 {
                let byte = key + offset < end ? UInt64(all[key + offset]) : 0
                if offset < 8 { prefix0 = prefix0 << 8 | byte } else { prefix1 = prefix1 << 8 | byte }
            }
            list[index].prefix0 = prefix0
            list[index].prefix1 = prefix1
        }
        list.sort { left, right in
            if left.prefix0 != right.prefix0 { return left.prefix0 < right.prefix0 }
            if left.prefix1 != right.prefix1 { return left.prefix1 < right.prefix1 }
            return UnsafeBufferPointer(rebasing: all[Int(left.key) ..< Int(left.end)])
                .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: all[Int(right.key) ..< Int(right.end)]))
        }
        return [UInt8](unsafeUninitializedCapacity: all.count) { out, written in
            var at = 0
            for row in list {
                let length = Int(row.end - row.start)
                (out.baseAddress! + at).initialize(from: all.baseAddress! + Int(row.start), count: length)
                at += length
            }
            written = at
        }
    }

    // MARK: Binary COPY fields

    /// A big-endian integer, as binary COPY writes every number and length.
    mutating func append<Number: FixedWidthInteger>(bigEndian value: Number) { bytes.append(bigEndian: value) }

    /// A field holding a big-endian 64-bit number (`bigint`, `timestamptz`).
    mutating func append(int8Field value: Int64) {
        bytes.append(bigEndian: Int32(8))
        bytes.append(bigEndian: value)
    }

    /// A text field from a field of the staged rows (text COPY form): the `\\`, `\t`, `\n`
    /// and `\r` escapes the stager writes are undone; `\N` is NULL.
    mutating func append(textFieldFromStaged staged: UnsafeBufferPointer<UInt8>) throws {
        if staged.count == 2, staged[0] == 92, staged[1] == 78 {
            bytes.append(bigEndian: Int32(-1))
            return
        }
        guard staged.firstIndex(of: 92, in: 0..<staged.count) != nil else {
            bytes.append(bigEndian: Int32(staged.count))
            bytes.append(contentsOf: staged)
            return
        }
        let lengthAt = bytes.count
        bytes.append(bigEndian: Int32(0))
        var index = 0
        while index < staged.count {
            var byte = staged[index]
            index += 1
            if byte == 92 {
                guard index < staged.count else { throw Intake.DirectImportUnsupported(reason: "a staged field ends with a backslash") }
                switch staged[index] {
                case 92: byte = 92
                case 116: byte = 9
                case 110: byte = 10
                case 114: byte = 13
                default: throw Intake.DirectImportUnsupported(reason: "an unexpected escape in a staged field")
                }
                index += 1
            }
            bytes.append(byte)
        }
        patchLength(at: lengthAt)
    }

    /// A `text[]` field from a staged `{"a","b"}` literal of codes (letters, digits, '-': no
    /// escapes inside), in `array_recv`'s layout: one dimension, no nulls, element type text.
    mutating func append(textArrayFieldFromStaged literal: UnsafeBufferPointer<UInt8>) throws {
        guard literal.count >= 2, literal[0] == 123, literal[literal.count - 1] == 125 else {
            throw Intake.DirectImportUnsupported(reason: "a staged list is not a {…} literal")
        }
        let lengthAt = bytes.count
        bytes.append(bigEndian: Int32(0))
        bytes.append(bigEndian: Int32(1))  // dimensions
        bytes.append(bigEndian: Int32(0))  // no nulls
        bytes.append(bigEndian: UInt32(25))  // element type: text
        let countAt = bytes.count
        bytes.append(bigEndian: Int32(0))  // elements
        bytes.append(bigEndian: Int32(1))  // lower bound
        var elements: Int32 = 0
        var index = 1
        while index < literal.count - 1 {
            guard literal[index] == 34 else { throw Intake.DirectImportUnsupported(reason: "a staged list element is not quoted") }
            let start = index + 1
            var end = start
            while end < literal.count - 1, literal[end] != 34 {
                guard literal[end] != 92 else { throw Intake.DirectImportUnsupported(reason: "an escape in a staged list element") }
                end += 1
            }
            guard end < literal.count - 1 else { throw Intake.DirectImportUnsupported(reason: "an unclosed staged list element") }
            bytes.append(bigEndian: Int32(end - start))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: literal[start ..< end]))
            elements += 1
            index = end + 1
            if index < literal.count - 1 {
                guard literal[index] == 44 else { throw Intake.DirectImportUnsupported(reason: "a staged list without its commas") }
                index += 1
            }
        }
        bytes.store(bigEndian: elements, at: countAt)
        patchLength(at: lengthAt)
    }

    /// Writes the length of the field whose 4-byte length slot is at `position`.
    private mutating func patchLength(at position: Int) {
        bytes.store(bigEndian: Int32(bytes.count - position - 4), at: position)
    }
}

/// An open-addressing hash table of keys known by a 128-bit hash (two keyed SipHash values),
/// optionally with a 32-bit value, which then takes the place of 32 bits of the hash: 96 bits
/// remain. Among a million keys two different ones share 96 bits with a probability near
/// 10⁻¹⁷ (10⁻²⁷ with 128), and the hash key is random per process, so collisions cannot be
/// crafted. One 16-byte slot per key, so a lookup costs one cache miss; storage is manual (no
/// copy-on-write checks on the hot path), owned by a class: copies of a table share its slots,
/// so a table is moved (`swap`), never copied and then changed.
struct KeyTable {
    /// Zeroed slots from an anonymous mapping, on 2 MB pages where the kernel allows it
    /// (`madvise`): random probes into tens of megabytes otherwise miss the TLB on most lookups,
    /// which made the table a fifth of the import's own CPU time.
    /// Immutable once made (the slots it points to are the table's to change), hence Sendable.
    private final class Storage: @unchecked Sendable {
        let slots: UnsafeMutablePointer<UInt64>
        let capacity: Int
        private let mapping: UnsafeMutableRawPointer?
        private let length: Int

        init(capacity: Int) {
            self.capacity = capacity
            let bytes = capacity * 16
            let huge = 2 << 20
            length = bytes + huge
            let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if let mapped, mapped != MAP_FAILED {
                mapping = mapped
                let aligned = (Int(bitPattern: mapped) + huge - 1) & ~(huge - 1)
                let start = UnsafeMutableRawPointer(bitPattern: aligned) ?? mapped
                _ = madvise(start, bytes, Int32(MADV_HUGEPAGE))
                slots = start.bindMemory(to: UInt64.self, capacity: capacity * 2)
                // The kernel zeroes each page on first touch: 60–110 ms for the two 32 MB tables
                // of a million-row import, on the main thread, before the first row reaches a
                // server. Fault them in on another core meanwhile (MADV_POPULATE_WRITE changes no
                // content, so it may race with the table's own writes; kernels before 5.14
                // refuse it and the pages fault in on use, as before). The block holds the
                // storage, so it is not unmapped under it.
                if bytes >= 1 << 22 {
                    let address = Int(bitPattern: start)
                    DispatchQueue.global(qos: .userInitiated).async { [self] in
                        withExtendedLifetime(self) { _ = madvise(UnsafeMutableRawPointer(bitPattern: address), bytes, 23 /* MADV_POPULATE_WRITE, absent from glibc < 2.35 headers */) }
                    }
                }
            } else {
                mapping = nil
                slots = .allocate(capacity: capacity * 2)
                slots.initialize(repeating: 0, count: capacity * 2)
            }
        }

        deinit {
            if let mapping { munmap(mapping, length) } else { slots.deallocate() }
        }
    }

    private var storage: Storage
    private let withValues: Bool
    private(set) var count = 0

    /// A table sized for `expected` keys (it grows past them).
    init(withValues: Bool, expected: Int) {
        var capacity = 1 << 10
        while capacity * 7 < expected * 10 { capacity <<= 1 }
        self.withValues = withValues
        storage = Storage(capacity: capacity)
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var first = Hasher()
        first.combine(0x243F_6A88_85A3_08D3 as UInt64)
        first.combine(bytes: UnsafeRawBufferPointer(bytes))
        var second = Hasher()
        second.combine(0x1319_8A2E_0370_7344 as UInt64)
        second.combine(bytes: UnsafeRawBufferPointer(bytes))
        let a = UInt64(bitPattern: Int64(first.finalize()))
        return (a == 0 ? 1 : a, UInt64(bitPattern: Int64(second.finalize())))
    }

    /// Reads the slot where a key's probe starts (to bring it into cache ahead of the insert).
    func peek(_ a: UInt64) -> UInt64 {
        storage.slots[(Int(truncatingIfNeeded: a) & (storage.capacity - 1)) * 2]
    }

    /// The value stored for the key, or nil after storing `value` for it.
    mutating func insertIfAbsent(_ a: UInt64, _ b: UInt64, value: UInt32) -> UInt32? {
        if (count + 1) * 10 > storage.capacity * 7 { grow() }
        let slots = storage.slots
        let mask = storage.capacity - 1
        let valueMask: UInt64 = withValues ? 0xFFFF_FFFF : 0
        let key = b & ~valueMask
        var slot = Int(truncatingIfNeeded: a) & mask
        while slots[slot * 2] != 0 {
            if slots[slot * 2] == a, slots[slot * 2 + 1] & ~valueMask == key {
                return UInt32(truncatingIfNeeded: slots[slot * 2 + 1] & valueMask)
            }
            slot = (slot + 1) & mask
        }
        slots[slot * 2] = a
        slots[slot * 2 + 1] = key | (UInt64(value) & valueMask)
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = storage
        storage = Storage(capacity: old.capacity * 2)
        let slots = storage.slots
        let mask = storage.capacity - 1
        for index in 0 ..< old.capacity where old.slots[index * 2] != 0 {
            var slot = Int(truncatingIfNeeded: old.slots[index * 2]) & mask
            while slots[slot * 2] != 0 { slot = (slot + 1) & mask }
            slots[slot * 2] = old.slots[index * 2]
            slots[slot * 2 + 1] = old.slots[index * 2 + 1]
        }
    }
}

/// Feeds a COPY from a serial queue of its own, a few chunks ahead of the caller.
///
/// The wrapped writer is used only on the queue until ``drain()`` returns; the caller must not
/// end the COPY before that. `@unchecked Sendable`: the writer and connection are confined to
/// the queue by that rule, and `failure` is guarded by a lock.
final class BackgroundCopy: @unchecked Sendable {
    private let writer: CopyInWriter
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: (any Error)?
    private var abandoned = false

    init(_ writer: CopyInWriter, label: String, pending: Int = 3) {
        // Room for a whole chunk in the socket: fewer wake-ups of this thread and of the server
        // (0.15 s less per million rows in three of three paired runs).
        writer.enlargeSendBuffer(to: 4 << 20)
        self.writer = writer
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: pending)
    }

    private var state: (failure: (any Error)?, abandoned: Bool) { lock.withLock { (failure, abandoned) } }

    /// Queues a chunk; throws the first failure of an earlier chunk.
    func send(_ bytes: [UInt8]) throws {
        if let failure = state.failure { throw failure }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            let current = state
            guard current.failure == nil, !current.abandoned else { return }
            do {
                try writer.checkServer()
                try writer.write(bytes)
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// Drops the chunks not yet sent.
    func abandon() { lock.withLock { abandoned = true } }

    /// Waits until every queued chunk is sent (or dropped); throws the first failure.
    func drain() throws {
        queue.sync {}
        if let failure = state.failure { throw failure }
    }
}
