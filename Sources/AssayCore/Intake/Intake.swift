import Foundation
public import Postgres
internal import IntakeEngine

/// Brings applicants in: one with ``add(_:actor:)``, or a whole CSV or JSON Lines file with
/// ``importFile(_:progress:)``.
///
/// An import streams the file: rows are parsed and validated here (into ``StagedApplicant``
/// rows of IntakeEngine) while PostgreSQL ingests the valid ones. Normally (``Method/direct``,
/// see `directImport`) what the database already has is read first, under the lock that
/// serializes intakes, so that every row is decided in this process's memory (new person, new
/// application of a known person, already imported, repeated, conflicting) and the new experts
/// and applications go straight into their tables. When the file or the database is too large
/// for that, or the server does not allow two-phase commit, the rows go through COPY into a
/// temporary staging table and set-based SQL decides the same way (``Method/merge``). Either
/// way the import is one decision: a failure or an interrupted process leaves the database as
/// it was, and no row ever breaks a unique index (so the server logs no one's data).
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

    /// Imports a file.
    ///
    /// - Parameters:
    ///   - request: the file, its form, the source, rejects file, dry-run and strict flags and actor.
    ///   - progress: called as rows are read, for a progress bar.
    /// - Returns: the counts, the first rejections and duplicates, how the rows were written and,
    ///   for an automatic import that merged, why. With ``ImportRequest/strict`` and rejected
    ///   rows, nothing is written and ``Summary/refusedAsStrict`` is set.
    /// - Throws: ``AssayError`` (exit 2) for a file that cannot be read, is not text in a known
    ///   encoding, lacks a required column, or when no domain is known, before anything is
    ///   written; ``PostgresError`` when the database fails (nothing is written then either).
    public func importFile(_ request: ImportRequest, progress: ((Progress) -> Void)? = nil) throws -> Summary {
        let source = try IntakeSource(request)
        let domains = try knownDomains()
        // Best effort here: what cannot be resolved now is retried while waiting for the lock.
        _ = try? Self.recoverInterruptedImports(on: connection)
        let sourceName = request.source ?? (request.path == "-" ? "stdin" : URL(fileURLWithPath: request.path).lastPathComponent)
        let validator = ApplicantValidator(knownDomains: domains, defaultSource: sourceName)
        let details: [String: JSONValue] = ["file": .string(source.name), "source": .string(sourceName), "format": .string(source.format.rawValue)]
        func pass() throws -> ImportPass { try ImportPass(source: source, request: request, validator: validator) }
        var mergeReason: String?
        if request.method != .merge {
            let known = try Self.knownCounts(on: connection)
            if source.size > Self.directImportMaximumFileSize {
                // The router keeps about 100 bytes per row in memory: above 256 MB of file (about
                // 2 million rows), merge through staging, whose memory does not grow with the file.
                mergeReason = "the file is larger than \(Self.directImportMaximumFileSize >> 20) MB, the most an import decides in memory"
            } else if known.experts + known.applications > Self.directImportMaximumKnownRows {
                mergeReason = "the database has \(known.experts) people and \(known.applications) applications, more than an import decides in memory"
            } else if request.dryRun {
                do {
                    return try dryRunInMemory(try pass(), request: request, known: known, domains: domains, progress: progress)
                } catch let error as DirectRouter.Unsupported where request.method == .automatic {
                    mergeReason = "the rows could not be decided in memory: \(error.reason)"
                }
            } else if try Self.directImportAvailable(on: connection) {
                do {
                    return try directImport(try pass(), request: request, details: details, known: known, domains: domains, progress: progress)
                } catch let error as DirectRouter.Unsupported where request.method == .automatic {
                    // Nothing was written (every failure after the decision is DirectImportDecided).
                    phase("direct import not possible (\(error.reason)); merging through staging instead")
                    mergeReason = "the rows could not be decided in memory: \(error.reason)"
                } catch let error as PostgresError where request.method == .automatic && error.code == .uniqueViolation {
                    // Only a writer outside assay, which does not take the intake lock, can make
                    // this happen; nothing was written, and the merge decides again.
                    mergeReason = "a row written by another program meanwhile (unique constraint \(error.constraint ?? "?"))"
                }
            } else if request.method == .direct {
                throw AssayError(.badInput, "a direct import needs a server with max_prepared_transactions of at least 2 (the embedded cluster has 64)")
            } else {
                mergeReason = "the server's max_prepared_transactions is below 2, and a direct import needs two prepared transactions"
            }
        }
        let merging = try pass()
        do {
            try merge(merging, request: request, action: "intake.import", details: details, progress: progress)
        } catch {
            merging.discard()
            throw error
        }
        merging.summary.mergeReason = mergeReason
        return merging.summary
    }

    /// A dry run decided in memory: what the database has is read (no lock: nothing is
    /// written), every row is routed, nothing is sent.
    private func dryRunInMemory(_ pass: ImportPass, request: ImportRequest, known: (experts: Int, applications: Int), domains: Set<String>,
                                progress: ((Progress) -> Void)?) throws -> Summary {
        do {
            let router = try DirectRouter(dryRunExpecting: min(pass.source.size / 120, 1 << 20), domains: Array(domains),
                                          knownExperts: known.experts, knownApplications: known.applications)
            try loadKnown(into: router, on: connection, alongside: try connection.openAnother())
            try read(pass, into: router, progress: progress)
            try apply(Routing(router), to: pass)
            pass.summary.method = .direct
            try pass.rejects?.commit()
            return pass.summary
        } catch {
            pass.discard()
            throw error
        }
    }

    /// Adds one applicant.
    ///
    /// - Returns: the expert, whether it is new, whether an application was recorded and, when
    ///   none was, why (already imported, or an open application for the same domains).
    /// - Throws: ``AssayError`` naming the field when the input is invalid, or when the source
    ///   and external id belong to another person; ``PostgresError``.
    public func add(_ input: ApplicantInput, actor: String) throws -> AddResult {
        _ = try? Self.recoverInterruptedImports(on: connection)
        let validator = ApplicantValidator(knownDomains: try knownDomains(), defaultSource: "manual")
        var batch = StagedBatch(capacity: 1024)
        let record: ApplicantRecord
        switch validator.validate(input) {
        case .success(let valid): record = valid
        case .failure(let problems):
            throw AssayError(.badInput, problems.problems.map { "--\($0.field.replacingOccurrences(of: "_", with: "-")) \($0.reason)" }.joined(separator: "; "))
        }
        if let problem = batch.append(record, line: 1) {
            throw AssayError(.badInput, "--\(problem.field.replacingOccurrences(of: "_", with: "-")) \(problem.reason)")
        }
        var routing = Routing()
        _ = try merge(actor: actor, action: "intake.add", dryRun: false, details: ["source": .string(record.source)], routing: &routing, finishing: { routing in
            if routing.counts.conflicts > 0 { return nil }  // refused below, with nothing written
            var summary = Summary()
            summary.rowsRead = 1
            summary.newExperts = routing.counts.newExperts
            summary.applicationsForKnownExperts = routing.counts.applicationsForKnownExperts
            summary.alreadyImported = routing.counts.alreadyImported
            summary.openApplicationExists = routing.counts.openApplicationExists
            summary.conflicts = routing.counts.conflicts
            summary.rowsRejected = routing.counts.conflicts
            return summary.eventCounts
        }, feed: { sink in
            try sink.write(batch)
        })
        if let conflict = routing.conflicts.first {
            throw AssayError(.badInput, "--external-id: \(Self.reason(for: conflict))")
        }
        let id: Int = try connection.query("SELECT coalesce(merged_into, id) AS id FROM experts WHERE email = $1", [record.email]).one().decode("id")
        return AddResult(expertID: id, newExpert: routing.counts.newExperts == 1, newApplication: routing.counts.newExperts + routing.counts.applicationsForKnownExperts == 1,
                         reason: routing.notes.first.map(Self.reason(for:)))
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
