import Foundation
public import Postgres
internal import IntakeEngine

/// Brings applicants in: one with ``add(_:actor:)``, or a whole CSV or JSON Lines file with
/// ``importFile(_:progress:)``.
///
/// An import streams the file: rows are parsed and validated here (into ``StagedApplicant``
/// rows of IntakeEngine) while PostgreSQL ingests the valid ones. A file of new people goes
/// straight into the final tables (``Method/direct``, see `directImport`); otherwise the rows
/// go through COPY into a temporary staging table, then set-based SQL writes each final table
/// once, in one transaction with the staging. A failure or an interrupted process therefore
/// leaves the database as it was. Merges of concurrent imports are serialized by an advisory
/// lock, taken after the (slow) COPY, so two overlapping imports end with each person once and
/// no error.
///
/// Uses one connection; not `Sendable`.
public final class Intake {
    /// The connection used.
    public let connection: Connection

    /// An intake over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// With ASSAY_INTAKE_TIMING set, how long each phase of an import took goes to stderr.
    let timing = ProcessInfo.processInfo.environment["ASSAY_INTAKE_TIMING"] != nil
    var phaseStart = Date()
    /// How many rows the last direct attempt routed before it stopped (tests check that a
    /// refused COPY stops the reading early).
    var directAttemptRows = 0

    /// Imports a file.
    ///
    /// - Parameters:
    ///   - request: the file, format, source, rejects file, dry-run flag and actor.
    ///   - progress: called as rows are read, for a progress bar.
    /// - Returns: the counts, how the rows were written and, for an automatic import that
    ///   merged, why.
    /// - Throws: ``AssayError`` (exit 2) for a bad header, an unreadable file or no known
    ///   domains, before anything is written; ``PostgresError`` when the database fails (nothing
    ///   is written then either).
    public func importFile(_ request: ImportRequest, progress: ((Progress) -> Void)? = nil) throws -> Summary {
        do {
            return try importChoosingMethod(request, progress: progress)
        } catch let error as IntakeFileError {
            throw AssayError(.badInput, error.message, file: error.namesFileSeparately ? error.path : nil)
        }
    }

    private func importChoosingMethod(_ request: ImportRequest, progress: ((Progress) -> Void)?) throws -> Summary {
        let domains = try knownDomains()
        // Best effort here: what cannot be resolved now is retried while waiting for the lock.
        _ = try? Self.recoverInterruptedImports(on: connection)
        let source = request.source ?? URL(fileURLWithPath: request.path).lastPathComponent
        let details: [String: JSONValue] = ["file": .string(request.path), "source": .string(source), "format": .string(request.format.rawValue)]
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: request.path)[.size] as? Int) ?? 0
        var mergeReason: String?
        if !request.dryRun, request.method != .merge {
            if request.method == .automatic, fileSize > Self.directImportMaximumFileSize {
                // The direct import keeps 60–110 bytes per row in memory (hashes of the keys, ids,
                // languages): above 256 MB of file (about 2 million rows), merge through staging,
                // whose memory does not grow with the file.
                mergeReason = "the file is larger than \(Self.directImportMaximumFileSize >> 20) MB, the most a direct import holds in memory"
            } else if try Self.directImportAvailable(on: connection) {
                do {
                    return try read(request, source: source, domains: domains, totalBytes: fileSize, progress: progress) { sink in
                        // Sized for about 120 bytes a row (at most a million rows): tables grow if there are more.
                        try directImport(actor: request.actor, details: details, expectedRows: min(fileSize / 120, 1 << 20), feed: sink)
                    }
                } catch let error as PostgresError where request.method == .automatic {
                    // Nothing was written (after the decision the error is DirectImportDecided).
                    // Usually a unique violation: the file holds people or applications the
                    // database already has. Whatever it was, the merge does not need what the
                    // direct path needs (prepared transactions, two more connections).
                    phase("direct import stopped after \(directAttemptRows) rows (\(error.code?.rawValue ?? "?") \(error.constraint ?? "")); merging through staging instead")
                    mergeReason = error.code == .uniqueViolation
                        ? "the database already has some of the file's people or applications (the direct attempt stopped after \(directAttemptRows) rows at unique constraint \(error.constraint ?? "?"))"
                        : "the direct attempt stopped after \(directAttemptRows) rows: \(error)"
                } catch let error as DirectRouter.Unsupported where request.method == .automatic {
                    phase("direct import not possible (\(error.reason)); merging through staging instead")
                    mergeReason = "a direct import was not possible: \(error.reason)"
                }
            } else if request.method == .direct {
                throw AssayError(.badInput, "a direct import needs a server with max_prepared_transactions of at least 2 (the embedded cluster has 64)")
            } else {
                mergeReason = "the server's max_prepared_transactions is below 2, and a direct import needs two prepared transactions"
            }
        }
        var summary = try read(request, source: source, domains: domains, totalBytes: fileSize, progress: progress) { sink in
            try merge(actor: request.actor, action: "intake.import", dryRun: request.dryRun, details: details, feed: sink)
        }
        summary.mergeReason = mergeReason
        return summary
    }

    /// Adds one applicant.
    ///
    /// - Throws: ``AssayError`` naming the field when the input is invalid; ``PostgresError``.
    public func add(_ input: ApplicantInput, actor: String) throws -> AddResult {
        _ = try? Self.recoverInterruptedImports(on: connection)
        let validator = ApplicantValidator(knownDomains: try knownDomains(), defaultSource: "manual")
        var batch = StagedBatch(capacity: 1024)
        let record: ApplicantRecord
        switch validator.validate(input) {
        case .success(let valid): record = valid
        case .failure(let problem): throw AssayError(.badInput, "--\(problem.field.replacingOccurrences(of: "_", with: "-")) \(problem.reason)")
        }
        if let problem = batch.append(record, line: 1) {
            throw AssayError(.badInput, "--\(problem.field.replacingOccurrences(of: "_", with: "-")) \(problem.reason)")
        }
        let summary = try merge(actor: actor, action: "intake.add", dryRun: false, details: ["source": .string(record.source)]) { sink in
            try sink.write(batch)
            var summary = Summary()
            summary.rowsRead = 1
            return summary
        }
        let id: Int = try connection.query("SELECT id FROM experts WHERE email = $1", [record.email]).one().decode("id")
        return AddResult(expertID: id, newExpert: summary.newExperts == 1, newApplication: summary.newApplications == 1)
    }

    /// The domain slugs applications may claim: those loaded by `assay bank sync`.
    func knownDomains() throws -> Set<String> {
        let domains = Set(try connection.query("SELECT slug FROM domains").map { try $0.decode("slug", as: String.self) })
        guard !domains.isEmpty else {
            throw AssayError(.badInput, "no domains are known yet, so no application can be validated; load them first with assay bank sync")
        }
        return domains
    }

    /// With ASSAY_INTAKE_TIMING set, writes how long the phase that ends now took to stderr.
    func phase(_ name: String) {
        guard timing else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "intake timing: %@ %.2f s\n", name, now.timeIntervalSince(phaseStart)).utf8))
        phaseStart = now
    }
}
