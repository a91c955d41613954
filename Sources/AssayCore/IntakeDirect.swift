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
    func directImportAvailable() throws -> Bool {
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
    /// drawn in advance and names both prepared transactions). Committing the experts half is the
    /// decision; the applications half is committed right after. A process that dies in between
    /// leaves prepared transactions that the next intake resolves: committed if the event exists,
    /// rolled back otherwise. While the importer lives it holds a session advisory lock on its
    /// event id, so nobody resolves its transactions under it.
    func directImport(actor: String, details: [String: String], feed: (any StagedRowSink) throws -> Summary) throws -> Summary {
        let control = connection
        let expertsConnection = try connection.openAnother()
        let applicationsConnection = try connection.openAnother()
        let eventID: Int = try control.query("SELECT nextval(pg_get_serial_sequence('events', 'id'))::bigint AS id")[0].decode("id")
        let liveness = Self.directImportLivenessKey(eventID)
        try control.execute("SELECT pg_advisory_lock($1)", [liveness])
        defer { _ = try? control.execute("SELECT pg_advisory_unlock($1)", [liveness]) }
        let expertsGID = "assay-intake-\(eventID)-experts"
        let applicationsGID = "assay-intake-\(eventID)-applications"
        var applicationsPrepared = false
        var expertsPrepared = false
        do {
            try expertsConnection.execute("BEGIN")
            try acquireIntakeLock(on: expertsConnection)
            try applicationsConnection.execute("BEGIN")
            let now: String = try applicationsConnection.query("SELECT now()::text AS now")[0].decode("now")
            let sequence: String = try control.query("SELECT pg_get_serial_sequence('experts', 'id')::regclass::oid::text AS oid")[0].decode("oid") + "::regclass"
            var summary = Summary()
            var router: DirectRouter?
            phaseStart = Date()
            try expertsConnection.copyIn("COPY experts (id, email, full_name, country, languages, highest_degree, years_experience) FROM STDIN") { experts in
                try applicationsConnection.copyIn("COPY applications (expert_id, domains, source, external_id, applied_at, resume_text, event_id) FROM STDIN") { applications in
                    // Each COPY is fed from its own thread, so that neither server waits while the
                    // other one's socket is full: both tables are written at once, on two cores.
                    let expertsFeed = BackgroundCopy(experts, label: "assay.intake.experts")
                    let applicationsFeed = BackgroundCopy(applications, label: "assay.intake.applications")
                    let rows = DirectRouter(experts: expertsFeed, applications: applicationsFeed, eventID: eventID, now: now) { count in
                        // A block of ids from the experts' identity sequence in one call (a nextval
                        // per id cost seconds per million). A writer outside assay that draws an id
                        // in the same instant collides on the primary key, and the import then
                        // merges through staging: never a duplicate id.
                        let last: Int64 = try control.query("SELECT setval(\(sequence), nextval(\(sequence)) + $1 - 1) AS last", [count])[0].decode("last")
                        return Array(last - Int64(count) + 1 ... last)
                    }
                    router = rows
                    do {
                        summary = try feed(rows)
                        try rows.finish()
                    } catch {
                        // Stop both feeds before either COPY ends: their threads use the connections.
                        expertsFeed.abandon()
                        applicationsFeed.abandon()
                        _ = try? expertsFeed.drain()
                        _ = try? applicationsFeed.drain()
                        throw error
                    }
                    // The first failure of either feed, thrown inside both COPY bodies so that the
                    // COPY it belongs to reports the server's reason.
                    try expertsFeed.drain()
                    try applicationsFeed.drain()
                }
            }
            guard let router else { throw DirectImportUnsupported(reason: "no rows were routed") }
            phase("parse, validate and COPY into experts and applications")
            summary.newExperts = router.newExperts
            summary.applicationsMerged = router.applicationsMerged
            summary.duplicatesSkipped = router.duplicatesSkipped
            summary.method = .direct
            // Few rows, found by primary key (the fresh table's statistics would suggest a scan).
            try expertsConnection.executeScript("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
            for batch in router.grownLanguages().chunked(50_000) {
                try expertsConnection.execute("""
                    UPDATE experts e SET languages = u.languages::text[], updated_at = now()
                    FROM unnest($1::text[]::bigint[], $2::text[]) AS u(id, languages)
                    WHERE e.id = u.id
                    """, [batch.map { String($0.id) }, batch.map(\.languages)])
            }
            phase("union languages")
            var eventDetails = details
            eventDetails["method"] = "direct"
            eventDetails.merge(summary.eventCounts) { $1 }
            try expertsConnection.execute(
                "INSERT INTO events (id, actor, action, details) OVERRIDING SYSTEM VALUE VALUES ($1, $2, 'intake.import', $3)",
                [eventID, actor, try PostgresJSON(encoding: eventDetails)])
            summary.eventID = eventID
            try applicationsConnection.execute("PREPARE TRANSACTION '\(applicationsGID)'")
            applicationsPrepared = true
            try expertsConnection.execute("PREPARE TRANSACTION '\(expertsGID)'")
            expertsPrepared = true
            phase("prepare")
            Self.failpoint("intake-after-prepare")
            try control.execute("COMMIT PREPARED '\(expertsGID)'")
            expertsPrepared = false
            applicationsPrepared = false  // decided: from here on the applications half is committed, now or by recovery
            Self.failpoint("intake-after-first-commit")
            try control.execute("COMMIT PREPARED '\(applicationsGID)'")
            phase("commit")
            return summary
        } catch {
            if expertsPrepared { _ = try? control.execute("ROLLBACK PREPARED '\(expertsGID)'") }
            if applicationsPrepared { _ = try? control.execute("ROLLBACK PREPARED '\(applicationsGID)'") }
            throw error
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
    public static func recoverInterruptedImports(on connection: Connection) throws -> Int {
        let gids = try connection.query("""
            SELECT gid FROM pg_prepared_xacts
            WHERE database = current_database() AND gid LIKE 'assay-intake-%'
            """).map { try $0.decode("gid", as: String.self) }
        var byEvent: [Int: [String]] = [:]
        for gid in gids {
            let parts = gid.split(separator: "-")
            guard parts.count == 4, let eventID = Int(parts[2]) else { continue }
            byEvent[eventID, default: []].append(gid)
        }
        var resolved = 0
        for (eventID, gids) in byEvent.sorted(by: { $0.key < $1.key }) {
            let key = directImportLivenessKey(eventID)
            let free: Bool = try connection.query("SELECT pg_try_advisory_lock($1) AS free", [key])[0].decode("free")
            guard free else { continue }  // its importer is alive and finishing
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [key]) }
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
final class DirectRouter: StagedRowSink {
    private let experts: BackgroundCopy
    private let applications: BackgroundCopy
    private let eventID: [UInt8]
    private let now: [UInt8]
    private let drawIDs: (Int) throws -> [Int64]

    private var expertOut: [UInt8] = []
    private var applicationOut: [UInt8] = []
    private var emails = KeyTable(withValues: true)
    private var applicationKeys = KeyTable(withValues: false)
    private var expertIDs: [Int64] = []
    /// Three 64-bit words of language bits per new expert (ordinal).
    private var languageBits: [UInt64] = []
    private var grown: Set<UInt32> = []
    private var languageIndex: [UInt64: Int] = [:]
    private var languageNames: [String] = []
    private var idPool: [Int64] = []
    private var idNext = 0
    private var idBlock = 2048

    private(set) var newExperts = 0
    private(set) var applicationsMerged = 0
    private(set) var duplicatesSkipped = 0

    private static let flushSize = 1 << 18

    init(experts: BackgroundCopy, applications: BackgroundCopy, eventID: Int, now: String, drawIDs: @escaping (Int) throws -> [Int64]) {
        self.experts = experts
        self.applications = applications
        self.eventID = Array(String(eventID).utf8)
        self.now = Array(now.utf8)
        self.drawIDs = drawIDs
        expertOut.reserveCapacity(Self.flushSize + 4096)
        applicationOut.reserveCapacity(Self.flushSize + 4096)
    }

    func write(_ bytes: [UInt8]) throws {
        var tabs = [Int](repeating: 0, count: 11)
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                var found = 0
                var end = start
                while buffer[end] != 10 {
                    if buffer[end] == 9, found < 11 { tabs[found] = end; found += 1 }
                    end += 1
                }
                guard found == 11 else { throw Intake.DirectImportUnsupported(reason: "a staged row has \(found + 1) fields") }
                try route(buffer, start: start, tabs: tabs, end: end)
                start = end + 1
            }
        }
        if expertOut.count >= Self.flushSize { try flushExperts() }
        if applicationOut.count >= Self.flushSize { try flushApplications() }
    }

    /// Fields: 0 line, 1 email, 2 full_name, 3 country, 4 languages, 5 domains, 6 degree, 7 years,
    /// 8 source, 9 external_id, 10 applied_at, 11 resume_text; `tabs[i]` ends field i.
    private func route(_ row: UnsafeBufferPointer<UInt8>, start: Int, tabs: [Int], end: Int) throws {
        func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let from = index == 0 ? start : tabs[index - 1] + 1
            let to = index == 11 ? end : tabs[index]
            return UnsafeBufferPointer(rebasing: row[from ..< to])
        }
        let applicationKey = UnsafeBufferPointer(rebasing: row[tabs[7] + 1 ..< tabs[9]])  // source \t external_id
        let (a1, a2) = KeyTable.hash(applicationKey)
        if applicationKeys.insertIfAbsent(a1, a2, value: 0) != nil {
            duplicatesSkipped += 1
            return
        }
        let (e1, e2) = KeyTable.hash(field(1))
        let ordinal = UInt32(expertIDs.count)
        let expertID: Int64
        if let known = emails.insertIfAbsent(e1, e2, value: ordinal) {
            applicationsMerged += 1
            expertID = expertIDs[Int(known)]
            let base = Int(known) * 3
            let bits = try languages(field(4))
            let before = (languageBits[base], languageBits[base + 1], languageBits[base + 2])
            languageBits[base] |= bits.0
            languageBits[base + 1] |= bits.1
            languageBits[base + 2] |= bits.2
            if before != (languageBits[base], languageBits[base + 1], languageBits[base + 2]) { grown.insert(known) }
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
            let bits = try languages(field(4))
            languageBits.append(bits.0)
            languageBits.append(bits.1)
            languageBits.append(bits.2)
            // id \t email \t full_name \t country \t languages \t degree \t years \n
            expertOut += String(expertID).utf8
            expertOut.append(9)
            expertOut.append(contentsOf: UnsafeBufferPointer(rebasing: row[tabs[0] + 1 ..< tabs[4]]))
            expertOut.append(9)
            expertOut.append(contentsOf: UnsafeBufferPointer(rebasing: row[tabs[5] + 1 ..< tabs[7]]))
            expertOut.append(10)
        }
        // expert_id \t domains \t source \t external_id \t applied_at \t resume_text \t event_id \n
        applicationOut += String(expertID).utf8
        applicationOut.append(9)
        applicationOut.append(contentsOf: field(5))
        applicationOut.append(9)
        let appliedAt = field(10)
        if appliedAt.count == 2, appliedAt[0] == 92, appliedAt[1] == 78 {  // \N: received now
            applicationOut.append(contentsOf: UnsafeBufferPointer(rebasing: row[tabs[7] + 1 ..< tabs[9]]))
            applicationOut.append(9)
            applicationOut += now
            applicationOut.append(9)
            applicationOut.append(contentsOf: field(11))
        } else {
            applicationOut.append(contentsOf: UnsafeBufferPointer(rebasing: row[tabs[7] + 1 ..< end]))
        }
        applicationOut.append(9)
        applicationOut += eventID
        applicationOut.append(10)
    }

    /// The language codes of a staged `{"fr","en"}` literal as bits.
    private func languages(_ literal: UnsafeBufferPointer<UInt8>) throws -> (UInt64, UInt64, UInt64) {
        var bits: (UInt64, UInt64, UInt64) = (0, 0, 0)
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
            let bit: Int
            if let known = languageIndex[code] {
                bit = known
            } else {
                bit = languageNames.count
                guard bit < 192 else { throw Intake.DirectImportUnsupported(reason: "more than 192 language codes") }
                languageIndex[code] = bit
                var name = ""
                for shift in stride(from: (length - 1) * 8, through: 0, by: -8) { name.append(Character(Unicode.Scalar(UInt8(truncatingIfNeeded: code >> UInt64(shift))))) }
                languageNames.append(name)
            }
            switch bit / 64 {
            case 0: bits.0 |= 1 << UInt64(bit % 64)
            case 1: bits.1 |= 1 << UInt64(bit % 64)
            default: bits.2 |= 1 << UInt64(bit % 64)
            }
        }
        return bits
    }

    private func flushExperts() throws {
        try experts.send(expertOut)
        expertOut = []
        expertOut.reserveCapacity(Self.flushSize + 4096)
    }

    private func flushApplications() throws {
        try applications.send(applicationOut)
        applicationOut = []
        applicationOut.reserveCapacity(Self.flushSize + 4096)
    }

    /// Sends what is buffered.
    func finish() throws {
        try flushExperts()
        try flushApplications()
    }

    /// Experts whose later rows in the file brought languages their first row lacked: their id
    /// and the sorted union, as a text[] literal.
    func grownLanguages() -> [(id: Int64, languages: String)] {
        grown.sorted().map { ordinal in
            let base = Int(ordinal) * 3
            var names: [String] = []
            for bit in 0 ..< languageNames.count {
                let word = languageBits[base + bit / 64]
                if word & (1 << UInt64(bit % 64)) != 0 { names.append(languageNames[bit]) }
            }
            return (expertIDs[Int(ordinal)], "{" + names.sorted().joined(separator: ",") + "}")
        }
    }
}

/// An open-addressing hash table of 128-bit key hashes (two keyed SipHash values) to 32-bit
/// values. With 128 bits, two different keys among a million collide with a probability near
/// 10⁻²⁷, and the hash key is random per process, so collisions cannot be crafted.
struct KeyTable {
    private var hashes: [UInt64]
    private var values: [UInt32]
    private let withValues: Bool
    private var mask: Int
    private(set) var count = 0

    init(withValues: Bool, capacity: Int = 1 << 16) {
        self.withValues = withValues
        hashes = [UInt64](repeating: 0, count: capacity * 2)
        values = withValues ? [UInt32](repeating: 0, count: capacity) : []
        mask = capacity - 1
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

    /// The value stored for the key, or nil after storing `value` for it.
    mutating func insertIfAbsent(_ a: UInt64, _ b: UInt64, value: UInt32) -> UInt32? {
        if (count + 1) * 10 > (mask + 1) * 7 { grow() }
        var slot = Int(truncatingIfNeeded: a) & mask
        while hashes[slot * 2] != 0 {
            if hashes[slot * 2] == a, hashes[slot * 2 + 1] == b { return withValues ? values[slot] : 0 }
            slot = (slot + 1) & mask
        }
        hashes[slot * 2] = a
        hashes[slot * 2 + 1] = b
        if withValues { values[slot] = value }
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = hashes
        let oldValues = values
        let capacity = (mask + 1) * 2
        hashes = [UInt64](repeating: 0, count: capacity * 2)
        values = withValues ? [UInt32](repeating: 0, count: capacity) : []
        mask = capacity - 1
        count = 0
        for slot in 0 ..< old.count / 2 where old[slot * 2] != 0 {
            _ = insertIfAbsent(old[slot * 2], old[slot * 2 + 1], value: withValues ? oldValues[slot] : 0)
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

    init(_ writer: CopyInWriter, label: String, pending: Int = 8) {
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
