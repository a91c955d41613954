// libFuzzer entry point for the applicant file readers: the bytes are written to a file and read
// both as CSV and as JSON Lines, the way `assay intake import` reads them, without a database.
//  - CSV: the header is checked as the import checks it; then every record goes through the
//    byte-level fast path (CSVApplicantStager) and, separately, through ApplicantValidator on
//    its decoded fields: the two must agree on accepting or rejecting it.
//  - JSON Lines: every line goes through the JSON reader and the validator.
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
    // Small chunks put record and field ends at every buffer boundary.
    guard let reader = try? CSVReader(path: path, chunk: 7), (try? reader.advance()) == true else { return }
    let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard Set(header).count == header.count, header.allSatisfy(ApplicantValidator.columns.contains),
          ApplicantValidator.requiredColumns.allSatisfy(header.contains) else { return }
    var stager = CSVApplicantStager(header: header, validator: validator)
    var batch = StagedBatch(capacity: 1 << 12)
    while (try? reader.advance()) == true {
        let outcome = stager.stage(reader, into: &batch)
        // The exact path on its own.
        let ranges = reader.fieldRanges
        if ranges.count == 1, reader.fieldBytes[ranges[0]].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
        var exact: Bool?
        if reader.problem != nil || ranges.count != header.count {
            exact = false
        } else {
            var fields: [String: String] = [:]
            for (name, range) in zip(header, ranges) {
                guard let text = String(validating: reader.fieldBytes[range], as: UTF8.self) else { exact = false; break }
                fields[name] = text
            }
            if exact == nil, case .success = validator.validate(ApplicantInput(fields: fields)) { exact = true } else if exact == nil { exact = false }
        }
        switch (outcome, exact) {
        case (.staged, false?): fatalError("the fast path accepted line \(reader.recordLine), which the validator rejects")
        case (.rejected(let problem), true?):
            fatalError("the fast path rejected line \(reader.recordLine) (\(problem.field): \(problem.reason)), which the validator accepts")
        default: break
        }
        if batch.rows.count > 64 { batch = StagedBatch(capacity: 1 << 12) }
    }
}

private func readJSONLines() {
    guard let lines = try? LineReader(path: path) else { return }
    while let (_, bytes) = (try? lines.next()) ?? nil {
        if case .success(let input) = ApplicantRowReader.parseJSON(bytes) { _ = validator.validate(input) }
    }
}
