import Foundation
internal import IntakeEngine

extension Intake {
    /// What routing decided, whichever path decided it (the router in memory, or the merge's
    /// SQL): the counts, the first notes of rows that added nothing, and every conflict.
    struct Routing {
        var counts = DirectRouter.Counts()
        var notes: [DirectRouter.Note] = []
        var conflicts: [DirectRouter.Note] = []

        init(counts: DirectRouter.Counts = DirectRouter.Counts(), notes: [DirectRouter.Note] = [], conflicts: [DirectRouter.Note] = []) {
            self.counts = counts
            self.notes = notes
            self.conflicts = conflicts
        }

        init(_ router: DirectRouter) {
            self.init(counts: router.counts, notes: router.notes, conflicts: router.conflicts)
        }
    }

    /// One pass over a file: its reader, rejects file and validator.
    final class ImportPass {
        let source: IntakeSource
        let reader: ApplicantRowReader
        let rejects: RejectsWriter?
        let validator: ApplicantValidator
        var summary = Summary()

        init(source: IntakeSource, request: ImportRequest, validator: ApplicantValidator) throws {
            self.source = source
            self.validator = validator
            let reader = try ApplicantRowReader(source: source, userMap: request.columnMap)
            self.reader = reader
            rejects = try request.rejectsPath.map {
                try RejectsWriter(path: $0, input: request.path, format: source.format, header: reader.columns?.header ?? [],
                                  delimiter: source.delimiter)
            }
            summary.dryRun = request.dryRun
            summary.source = validator.defaultSource
        }

        /// The name the file gives a field: its header cell (or JSON key), for messages and the
        /// rejects file.
        func label(_ field: String) -> String {
            if let columns = reader.columns {
                if let index = columns.column(of: field) { return columns.header[index] }
                if field == "full_name", let first = columns.firstNameColumn, let last = columns.lastNameColumn {
                    return "\(columns.header[first]) + \(columns.header[last])"
                }
            }
            return field
        }

        func labelled(_ problems: RowProblems) -> [FieldProblem] {
            problems.problems.map { FieldProblem(field: label($0.field), reason: $0.reason) }
        }

        func record(_ problems: [FieldProblem], line: Int) {
            summary.rowsRejected += 1
            for problem in problems where summary.firstRejections.count < 20 {
                summary.firstRejections.append(Rejection(line: line, field: problem.field, reason: problem.reason))
            }
        }

        /// Leaves nothing behind (the import failed).
        func discard() { rejects?.discard() }
    }

    /// Reads, validates and stages the file's rows into `sink`, writing the invalid ones to the
    /// rejects file and reporting progress.
    func read(_ pass: ImportPass, into sink: any StagedApplicantSink, progress: ((Progress) -> Void)?) throws {
        let rows = pass.reader
        let totalBytes = pass.source.size
        let started = Date()
        var lastReport = Date.distantPast
        var batch = StagedBatch()
        var sendTime = 0.0
        func report() {
            if let progress, pass.summary.rowsRead & 1023 == 0, Date().timeIntervalSince(lastReport) > 0.1 {
                lastReport = Date()
                progress(Progress(rows: pass.summary.rowsRead, bytes: rows.bytesRead, totalBytes: totalBytes, elapsed: lastReport.timeIntervalSince(started)))
            }
        }
        if let csv = rows.csv, let columns = rows.columns {
            var stager = CSVApplicantStager(columns: columns, validator: pass.validator)
            while try csv.advance() {
                switch stager.stage(csv, into: &batch) {
                case .blank:
                    continue
                case .staged:
                    pass.summary.rowsRead += 1
                case .rejected(let problems):
                    pass.summary.rowsRead += 1
                    pass.summary.rowsInvalid += 1
                    let labelled = pass.labelled(problems)
                    pass.record(labelled, line: csv.recordLine)
                    try pass.rejects?.write(cells: csv.fields, line: csv.recordLine, problems: labelled)
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
                pass.summary.rowsRead += 1
                var outcome: Result<ApplicantRecord, RowProblems>
                switch row.input {
                case .success(let (input, valueProblems)):
                    outcome = pass.validator.validate(input)
                    if !valueProblems.isEmpty {
                        // Every problem: the values that were not text, then the validator's about the other fields.
                        let fields = Set(valueProblems.map(\.field))
                        var all = valueProblems
                        if case .failure(let more) = outcome { all += more.problems.filter { !fields.contains($0.field) } }
                        outcome = .failure(RowProblems(problems: all))
                    }
                case .failure(let problems): outcome = .failure(problems)
                }
                if case .success(let record) = outcome, let problem = batch.append(record, line: row.line) { outcome = .failure(RowProblems(problems: [problem])) }
                if case .failure(let problems) = outcome {
                    pass.summary.rowsInvalid += 1
                    let labelled = pass.labelled(problems)
                    pass.record(labelled, line: row.line)
                    try pass.rejects?.write(raw: row.raw, line: row.line, problems: labelled)
                }
                if batch.rows.count >= 4096 {
                    try sink.write(batch)
                    batch.removeAll()
                }
                report()
            }
        }
        try sink.write(batch)
        pass.summary.ignoredColumns = rows.ignored
        progress?(Progress(rows: pass.summary.rowsRead, bytes: totalBytes, totalBytes: totalBytes, elapsed: Date().timeIntervalSince(started)))
    }

    /// Adds what routing decided to the summary, and writes its conflicts (rows whose source and
    /// external id belong to another person) to the rejects file, reading their lines again.
    func apply(_ routing: Routing, to pass: ImportPass) throws {
        let counts = routing.counts
        pass.summary.newExperts = counts.newExperts
        pass.summary.applicationsForKnownExperts = counts.applicationsForKnownExperts
        pass.summary.alreadyImported = counts.alreadyImported
        pass.summary.repeatedInFile = counts.repeatedInFile
        pass.summary.openApplicationExists = counts.openApplicationExists
        pass.summary.conflicts = counts.conflicts
        pass.summary.firstDuplicates = routing.notes.prefix(20).map { Duplicate(line: $0.line, reason: Self.reason(for: $0)) }
        guard !routing.conflicts.isEmpty else { return }
        let field = pass.reader.columns.map { $0.column(of: "external_id") == nil ? pass.label("email") : pass.label("external_id") } ?? "external_id"
        var wanted: [Int: String] = [:]
        for conflict in routing.conflicts {
            let problems = [FieldProblem(field: field, reason: Self.reason(for: conflict))]
            pass.record(problems, line: conflict.line)
            wanted[conflict.line] = problems[0].reason
        }
        guard let rejects = pass.rejects else { return }
        let lines = wanted.keys.sorted()
        var next = 0
        switch pass.source.format {
        case .csv:
            let reader = try CSVReader(path: pass.source.path, delimiter: pass.source.delimiter, encoding: pass.source.encoding)
            while next < lines.count, try reader.advance() {
                guard reader.recordLine == lines[next], let reason = wanted[reader.recordLine] else { continue }
                try rejects.write(cells: reader.fields, line: reader.recordLine, problems: [FieldProblem(field: field, reason: reason)])
                next += 1
            }
        case .jsonl:
            let reader = try LineReader(path: pass.source.path, encoding: pass.source.encoding)
            while next < lines.count, let (number, raw) = try reader.next() {
                guard number == lines[next], let reason = wanted[number] else { continue }
                try rejects.write(raw: raw, line: number, problems: [FieldProblem(field: field, reason: reason)])
                next += 1
            }
        }
    }

    /// A routing note in words.
    static func reason(for note: DirectRouter.Note) -> String {
        let domains = note.domains.joined(separator: ", ")
        func kept(_ firstLine: Int, _ knownBefore: Bool) -> String {
            knownBefore ? "the person's values in the database were kept" : firstLine > 0 ? "the values of line \(firstLine) were kept" : "nothing was added"
        }
        switch note.kind {
        case .alreadyImported(let expert):
            return "already imported: the database has this application (same source and external id) for the same person (expert \(expert)); nothing changed"
        case .repeatedApplication(let firstLine, let knownBefore):
            return "repeats an earlier row's application (same source and external id) for the same person; \(kept(firstLine, knownBefore))"
        case .repeatedDomains(let firstLine, let knownBefore):
            return "the same person (first on line \(firstLine)) already applies for \(domains) earlier in this file; no second application; \(kept(firstLine, knownBefore))"
        case .openApplication(let expert):
            return "already has an open application for \(domains) (expert \(expert)); no second one is made"
        case .conflictInDatabase(let expert):
            return "this source and external id already belong to another person's application (expert \(expert)); give the row its own external id, or correct its email"
        case .conflictInFile(let firstLine):
            return "an earlier row of this file\(firstLine > 0 ? " (of the person first on line \(firstLine))" : "") has this source and external id for another person; give the row its own external id, or correct its email"
        }
    }
}
