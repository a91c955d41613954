import AssayCore
import Foundation
import Psychometrics

/// A long-format response file (`person,item,score`, one scored answer per row, a header
/// required) read into a sparse ``ResponseMatrix``.
///
/// Persons and items are numbered in order of first appearance. A missing response is simply an
/// absent row. Bad rows are reported one line each on stderr as `FILE:LINE: …` naming the field,
/// up to ``reportedErrorLimit``; then reading fails as a whole, so no command writes anything
/// from a file with bad rows.
struct ResponseFile {
    /// Person identifiers, by person index.
    var personIDs: [String]
    /// Item identifiers, by item index.
    var itemIDs: [String]
    /// The line on which each item first appears.
    var itemFirstLine: [Int]
    /// The responses.
    var matrix: ResponseMatrix

    /// How many bad rows are printed before the rest are only counted.
    static let reportedErrorLimit = 20

    /// Reads and validates a response file.
    ///
    /// - Parameters:
    ///   - path: the CSV file.
    /// - Returns: the responses with their identifiers.
    /// - Throws: ``AssayError`` (bad input) for a missing file, a missing or wrong header, or
    ///   any bad row (after printing each on stderr).
    static func read(path: String) throws -> ResponseFile {
        var reader = try CSVRecordReader(path: path)
        guard let header = try reader.next() else {
            throw AssayError(.badInput, "the file is empty: expected a header line person,item,score and one row per response", file: path)
        }
        let columns = try CSVHeader(header, file: path, required: ["person", "item", "score"])
        let personColumn = columns["person"], itemColumn = columns["item"], scoreColumn = columns["score"]
        let width = max(personColumn, itemColumn, scoreColumn) + 1

        var personIndex: [String: Int32] = [:]
        var itemIndex: [String: Int32] = [:]
        var personIDs: [String] = []
        var itemIDs: [String] = []
        var itemFirstLine: [Int] = []
        var observations: [ResponseMatrix.Observation] = []
        var seen = Set<UInt64>()
        var errors = 0

        func bad(_ line: Int, _ message: String) {
            errors += 1
            if errors <= reportedErrorLimit {
                Assay.printError(AssayError(.badInput, message, file: path, line: line).description)
            }
        }

        while let record = try reader.next() {
            let fields = record.fields
            guard fields.count >= width else {
                bad(record.line, "expected \(header.fields.count) fields (\(header.fields.joined(separator: ","))), found \(fields.count)")
                continue
            }
            let person = fields[personColumn].trimmedField
            let item = fields[itemColumn].trimmedField
            let scoreText = fields[scoreColumn].trimmedField
            guard !person.isEmpty else { bad(record.line, "field person is empty"); continue }
            guard !item.isEmpty else { bad(record.line, "field item is empty"); continue }
            let correct: Bool
            switch scoreText {
            case "1": correct = true
            case "0": correct = false
            case "": bad(record.line, "field score is empty: it must be 0 or 1 (leave the row out for a missing response)"); continue
            default: bad(record.line, "field score must be 0 or 1, not '\(scoreText)'"); continue
            }
            let p: Int32
            if let known = personIndex[person] {
                p = known
            } else {
                p = Int32(personIDs.count)
                personIndex[person] = p
                personIDs.append(person)
            }
            let i: Int32
            if let known = itemIndex[item] {
                i = known
            } else {
                i = Int32(itemIDs.count)
                itemIndex[item] = i
                itemIDs.append(item)
                itemFirstLine.append(record.line)
            }
            guard seen.insert(UInt64(UInt32(p)) << 32 | UInt64(UInt32(i))).inserted else {
                bad(record.line, "person '\(person)' has a second response to item '\(item)': keep one row per person and item")
                continue
            }
            observations.append(ResponseMatrix.Observation(person: Int(p), item: Int(i), correct: correct))
        }
        if errors > 0 {
            let more = errors > reportedErrorLimit ? " (the first \(reportedErrorLimit) are shown)" : ""
            throw AssayError(.badInput, "\(errors) bad row(s)\(more); nothing was written: fix the rows and run again", file: path)
        }
        guard !observations.isEmpty else {
            throw AssayError(.badInput, "no responses after the header: expected rows person,item,score", file: path)
        }
        let matrix = try ResponseMatrix(personCount: personIDs.count, itemCount: itemIDs.count, observations: observations)
        return ResponseFile(personIDs: personIDs, itemIDs: itemIDs, itemFirstLine: itemFirstLine, matrix: matrix)
    }
}
