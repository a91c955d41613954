import Foundation
public import Postgres

extension Intake {
    /// A failure after a direct import's decision: the import is committed, but its applications
    /// half could not be committed yet; the next intake command completes it.
    public struct DirectImportDecided: Error, CustomStringConvertible {
        var underlying: any Error
        /// What happened and that the next intake command completes it.
        public var description: String {
            "the import is committed but its applications could not be committed yet (\(underlying)); the next assay intake command completes it"
        }
    }

    /// The start of the names of a direct import's prepared transactions.
    static let preparedNamePrefix = "assay-intake-"

    /// The names of a direct import's two prepared transactions: `assay-intake-<database
    /// oid>-<event id>-<half>` (transaction names are unique across the server, event ids only
    /// within a database).
    static func preparedNames(database: Int, eventID: Int) -> (experts: String, applications: String) {
        ("\(preparedNamePrefix)\(database)-\(eventID)-experts", "\(preparedNamePrefix)\(database)-\(eventID)-applications")
    }

    /// The session advisory lock a direct import holds on its event id while its process lives.
    static func directImportLivenessKey(_ eventID: Int) -> Int { 0x4153_5901 << 32 | (eventID & 0xFFFF_FFFF) }

    /// Resolves the prepared transactions of direct imports whose process died between
    /// preparing and committing (see `directImport`): commits both halves of an import whose
    /// event exists, rolls back the rest. Imports still running are left alone. Runs at the
    /// start of every intake; safe to run at any time from any process.
    ///
    /// - Parameters:
    ///   - connection: a connection outside any transaction block.
    ///   - own: the liveness lock the caller holds itself (its own import is resolved too).
    /// - Returns: how many prepared transactions were resolved.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public static func recoverInterruptedImports(on connection: Connection, skippingLiveness own: Int? = nil) throws -> Int {
        var byEvent: [Int: [String]] = [:]
        for name in try connection.preparedTransactionNames(prefix: preparedNamePrefix) {
            // assay-intake-<database oid>-<event id>-<half>. Only names of exactly that form are
            // touched.
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 5, UInt32(parts[2]) != nil, let eventID = Int(parts[3]), eventID > 0,
                  parts[4] == "experts" || parts[4] == "applications" else { continue }
            byEvent[eventID, default: []].append(name)
        }
        var resolved = 0
        for (eventID, names) in byEvent.sorted(by: { $0.key < $1.key }) {
            let key = directImportLivenessKey(eventID)
            if key != own {
                let free: Bool = try connection.query("SELECT pg_try_advisory_lock($1) AS free", [key]).one().decode("free")
                guard free else { continue }  // its importer is alive and finishing
            }
            defer { if key != own { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [key]) } }
            let decided = try !connection.query("SELECT 1 FROM events WHERE id = $1", [eventID]).isEmpty
            // The experts half (holding the event) first, as the importer does.
            for name in names.sorted(by: { $0.hasSuffix("-experts") && !$1.hasSuffix("-experts") }) {
                do {
                    if decided { try connection.commitPrepared(name) } else { try connection.rollbackPrepared(name) }
                    resolved += 1
                } catch let error as PostgresError where error.code == .undefinedObject {
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
            let taken: Bool = try transaction.query("SELECT pg_try_advisory_xact_lock($1) AS taken", [key]).one().decode("taken")
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
}
