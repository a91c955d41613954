import Foundation
internal import IntakeEngine

extension Intake {
    /// Reads, validates and stages the file's rows into the sink that `write` provides; writes
    /// the rejects file and reports progress.
    func read(_ request: ImportRequest, source: String, domains: Set<String>, totalBytes: Int, progress: ((Progress) -> Void)?,
              write: ((any StagedApplicantSink) throws -> Summary) throws -> Summary) throws -> Summary {
        let validator = ApplicantValidator(knownDomains: domains, defaultSource: source)
        let rows = try ApplicantRowReader(path: request.path, format: request.format)
        let rejects = try request.rejectsPath.map { try RejectsWriter(path: $0, input: request.path) }
        var summary = Summary()
        summary.dryRun = request.dryRun
        let started = Date()
        var lastReport = Date.distantPast
        do {
            summary = try write { sink in
                var batch = StagedBatch()
                var sendTime = 0.0
                func reject(_ problem: FieldProblem, line: Int, raw: [UInt8]) throws {
                    summary.rowsRejected += 1
                    let rejection = Rejection(line: line, field: problem.field, reason: problem.reason)
                    if summary.firstRejections.count < 20 { summary.firstRejections.append(rejection) }
                    try rejects?.write(rejection, raw: raw)
                }
                func report() {
                    if let progress, summary.rowsRead & 1023 == 0, Date().timeIntervalSince(lastReport) > 0.1 {
                        lastReport = Date()
                        progress(Progress(rows: summary.rowsRead, bytes: rows.bytesRead, totalBytes: totalBytes, elapsed: lastReport.timeIntervalSince(started)))
                    }
                }
                if let csv = rows.csv {
                    var stager = CSVApplicantStager(header: rows.header, validator: validator)
                    while try csv.advance() {
                        switch stager.stage(csv, into: &batch) {
                        case .blank:
                            continue
                        case .staged:
                            summary.rowsRead += 1
                        case .rejected(let problem):
                            summary.rowsRead += 1
                            try reject(problem, line: csv.recordLine, raw: Array(csv.raw))
                        }
                        if batch.bytes.count >= 1 << 19 {
                            let sendStart = Date()
                            try sink.write(batch)
                            sendTime += Date().timeIntervalSince(sendStart)
                            batch.removeAll()
                        }
                        report()
                    }
                    if timing { FileHandle.standardError.write(Data(String(format: "intake timing: (blocked sending COPY data %.2f s)\n", sendTime).utf8)) }
                } else {
                    while let row = try rows.nextJSONRow() {
                        summary.rowsRead += 1
                        var outcome: Result<ApplicantRecord, FieldProblem>
                        switch row.input {
                        case .success(let input): outcome = validator.validate(input)
                        case .failure(let problem): outcome = .failure(problem)
                        }
                        if case .success(let record) = outcome, let problem = batch.append(record, line: row.line) { outcome = .failure(problem) }
                        if case .failure(let problem) = outcome { try reject(problem, line: row.line, raw: row.raw) }
                        if batch.rows.count >= 4096 {
                            try sink.write(batch)
                            batch.removeAll()
                        }
                        report()
                    }
                }
                try sink.write(batch)
                // Every reject on disk before the import commits (the write buffer holds up to
                // 64 KB): a failing write then stops the import with nothing written.
                try rejects?.flush()
                return summary
            }
            try rejects?.commit()
        } catch {
            rejects?.discard()
            throw error
        }
        progress?(Progress(rows: summary.rowsRead, bytes: totalBytes, totalBytes: totalBytes, elapsed: Date().timeIntervalSince(started)))
        return summary
    }
}
