// libFuzzer entry point for the applicant file readers: the bytes are written to a file and read
// both as CSV and as JSON Lines, the way `assay intake import` reads them, without a database.
//  - The file is settled as the import settles it (IntakeSource: encoding sniffed, UTF-16 and
//    Latin-1 refused or decoded, delimiter detected); a refusal is an AssayError, never a crash.
//  - CSV: the header is matched as the import matches it (ColumnMap: names, synonyms, first and
//    last name); then every record goes through the byte-level fast path (CSVApplicantStager,
//    read in 7-byte chunks so that record and field ends fall on every buffer boundary) and,
//    separately, through ApplicantValidator on its decoded fields: the two must agree on
//    accepting or rejecting it, on the problems of a rejected row and on every staged value.
//  - JSON Lines: every line goes through the import's JSON reader and the validator.
// Neither may crash, trap, hang or exhaust memory. Built and run by scripts/fuzz-intake.sh.
@testable import AssayCore
import Foundation
import IntakeEngine

private let validator = ApplicantValidator(knownDomains: ["medicine", "law", "software-engineering"], defaultSource: "fuzz")
private let path = "\(ProcessInfo.processInfo.environment["ASSAY_FUZZ_TMP"] ?? "/tmp")/assay-fuzz-intake-\(getpid()).bin"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { fatalError("cannot write \(path)") }
    defer { unlink(path) }
    readCSV()
    readJSONLines()
    return 0
}

private func readCSV() {
    guard let source = try? IntakeSource(Intake.ImportRequest(path: path, format: .csv, actor: "fuzz")),
          let reader = try? CSVReader(path: source.path, delimiter: source.delimiter, encoding: source.encoding, chunk: 7),
          (try? reader.advance()) == true else { return }
    let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    guard let columns = try? ColumnMap(header: header) else { return }
    var stager = CSVApplicantStager(columns: columns, validator: validator)
    while (try? reader.advance()) == true {
        var fast = StagedBatch(capacity: 1 << 10)
        let outcome = stager.stage(reader, into: &fast)
        let line = reader.recordLine
        switch (outcome, reference(reader, columns: columns)) {
        case (.blank, .blank): break
        case (.staged, .accepted(let record)):
            var expected = StagedBatch(capacity: 1 << 10)
            if let problem = expected.append(record, line: line) { fatalError("line \(line): the fast path staged a row whose record does not stage (\(problem))") }
            if values(fast) != values(expected) { fatalError("line \(line): the fast path staged \(values(fast)), the validator \(values(expected))") }
        case (.rejected(let problems), .refused(let expected)):
            if let expected, problems != expected { fatalError("line \(line): the fast path gave \(problems), the validator \(expected)") }
        case (.staged, .refused): fatalError("the fast path accepted line \(line), which the validator rejects")
        case (.rejected(let problems), .accepted):
            fatalError("the fast path rejected line \(line) (\(problems)), which the validator accepts")
        default: fatalError("line \(line): the fast path gave \(outcome) for a line the validator reads otherwise")
        }
    }
}

/// What the validator makes of a record on its own.
private enum Verdict {
    /// A blank line.
    case blank
    /// A valid row.
    case accepted(ApplicantRecord)
    /// A refused row: nil problems when it is refused before the validator (a CSV problem, a
    /// wrong field count, bytes that are not UTF-8), where only the refusal is compared.
    case refused(RowProblems?)
}

/// The verdict on the reader's record without the fast path.
private func reference(_ reader: CSVReader, columns: ColumnMap) -> Verdict {
    let ranges = reader.fieldRanges
    let bytes = reader.fieldBytes
    if ranges.count == 1, bytes[ranges[0]].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return .blank }
    let width = columns.header.count
    if reader.problem != nil { return .refused(nil) }
    if ranges.count < width || (ranges.count > width && !ranges[width...].allSatisfy({ bytes[$0].allSatisfy { $0 == 32 || $0 == 9 } })) {
        return .refused(nil)
    }
    var fields: [String: String] = [:]
    for (index, field) in columns.fields.enumerated() {
        guard let field else { continue }
        guard let text = String(validating: bytes[ranges[index]], as: UTF8.self) else { return .refused(nil) }
        fields[field] = text
    }
    if let first = columns.firstNameColumn, let last = columns.lastNameColumn {
        guard let firstText = String(validating: bytes[ranges[first]], as: UTF8.self),
              let lastText = String(validating: bytes[ranges[last]], as: UTF8.self) else { return .refused(nil) }
        fields["full_name"] = [firstText, lastText].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
    switch validator.validate(ApplicantInput(fields: fields)) {
    case .success(let record):
        var probe = StagedBatch(capacity: 1 << 10)
        if probe.append(record, line: reader.recordLine) != nil { return .refused(nil) }
        return .accepted(record)
    case .failure(let problems):
        return .refused(problems)
    }
}

/// Every value of a batch's one row, as text.
private func values(_ batch: StagedBatch) -> [String] {
    guard batch.rows.count == 1, let row = batch.rows.first else { return ["\(batch.rows.count) rows"] }
    return [String(row.line), batch.string(row.email), batch.string(row.fullName), batch.string(row.country), "\(batch.strings(row.languages))",
            "\(batch.strings(row.domains))", row.highestDegree.map { batch.string($0) } ?? "<null>", row.yearsExperience.map { String($0) } ?? "<null>",
            row.phone.map { batch.string($0) } ?? "<null>", batch.string(row.source),
            batch.string(row.externalID), row.appliedAt.map { String($0) } ?? "now", row.resumeText.map { batch.string($0) } ?? "<null>"]
}

private func readJSONLines() {
    guard let source = try? IntakeSource(Intake.ImportRequest(path: path, format: .jsonl, actor: "fuzz")),
          let rows = try? ApplicantRowReader(source: source, userMap: [:]) else { return }
    while let row = (try? rows.nextJSONRow()) ?? nil {
        guard case .success(let (input, _)) = row.input, case .success(let record) = validator.validate(input) else { continue }
        var batch = StagedBatch(capacity: 1 << 10)
        _ = batch.append(record, line: row.line)
    }
}
