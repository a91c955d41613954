@testable import IntakeEngine
import Psychometrics
import Testing

@Suite("Staged rows")
struct StagedBatchTests {
    struct Reference: Equatable {
        var line: Int, email: String, fullName: String, country: String, languages: [String], domains: [String], degree: String?
        var years: Int32?, phone: String?, source: String, externalID: String, appliedAt: Int64?, resume: String?
    }

    func read(_ row: StagedApplicant, of batch: StagedBatch) -> Reference {
        Reference(line: row.line, email: batch.string(row.email), fullName: batch.string(row.fullName), country: batch.string(row.country),
                  languages: batch.strings(row.languages), domains: batch.strings(row.domains), degree: row.highestDegree.map { batch.string($0) },
                  years: row.yearsExperience, phone: row.phone.map { batch.string($0) }, source: batch.string(row.source), externalID: batch.string(row.externalID),
                  appliedAt: row.appliedAt, resume: row.resumeText.map { batch.string($0) })
    }

    @Test("every field of every row reads back as written, across growth of the bytes and after emptying the batch")
    func roundTrip() {
        var rng = SplitMix64(seed: 5)
        let texts = ["", "a", "Zoë Ünal", "日本 太郎", "tab\there", "back\\slash", "line\nbreak", String(repeating: "x", count: 5000), "🧪"]
        func text() -> String { texts[Int(rng.next() % UInt64(texts.count))] }
        func list() -> [String] { (0 ..< Int(rng.next() % 5)).map { _ in text() } }
        var batch = StagedBatch(capacity: 16)
        for round in 0 ..< 3 {
            var written: [Reference] = []
            for line in 0 ..< 2000 {
                let reference = Reference(line: line, email: text(), fullName: text(), country: text(), languages: list(), domains: list(),
                                          degree: rng.next() % 4 == 0 ? nil : text(), years: rng.next() % 4 == 0 ? nil : Int32(truncatingIfNeeded: rng.next()),
                                          phone: rng.next() % 2 == 0 ? nil : text(), source: text(), externalID: text(),
                                          appliedAt: rng.next() % 3 == 0 ? nil : Int64(bitPattern: rng.next()), resume: rng.next() % 2 == 0 ? nil : text())
                // Half the rows write their email byte by byte, as the CSV fast path does.
                let email: StagedText
                if line % 2 == 0 {
                    let mark = batch.bytes.count
                    for byte in reference.email.utf8 { batch.bytes.append(byte) }
                    email = batch.text(since: mark)
                } else {
                    email = batch.appendText(reference.email)
                }
                batch.append(StagedApplicant(
                    line: line, email: email, fullName: batch.appendText(reference.fullName), country: batch.appendText(reference.country),
                    languages: batch.appendList(reference.languages), domains: batch.appendList(reference.domains),
                    highestDegree: reference.degree.map { batch.appendText($0) }, yearsExperience: reference.years,
                    phone: reference.phone.map { batch.appendText($0) }, source: batch.appendText(reference.source),
                    externalID: batch.appendText(reference.externalID), appliedAt: reference.appliedAt, resumeText: reference.resume.map { batch.appendText($0) }))
                written.append(reference)
            }
            #expect(batch.rows.count == 2000)
            #expect(batch.rows.map { read($0, of: batch) } == written, "round \(round)")
            batch.removeAll()
            #expect(batch.rows.isEmpty && batch.bytes.count == 0)
        }
    }

    @Test("a list counts its elements, and an empty list has none")
    func lists() {
        var batch = StagedBatch()
        let empty = batch.appendList([])
        let two = batch.appendList(["fr", ""])
        #expect(empty.count == 0 && Array(batch.elements(of: empty)).isEmpty)
        #expect(two.count == 2 && batch.strings(two) == ["fr", ""])
    }
}

@Suite("The key table")
struct KeyTableTests {
    @Test("finds every key again after growing far past its initial size, with the value stored first; pairs of texts are told apart")
    func keys() {
        var table = KeyTable(withValues: true, expected: 10)
        func hash(_ text: String) -> (UInt64, UInt64) { Array(text.utf8).withUnsafeBufferPointer { KeyTable.hash($0) } }
        for index in 0 ..< 50_000 {
            let (a, b) = hash("key-\(index)")
            #expect(table.insertIfAbsent(a, b, value: UInt32(index)) == nil)
        }
        var found = 0
        for index in 0 ..< 50_000 {
            let (a, b) = hash("key-\(index)")
            if table.insertIfAbsent(a, b, value: 0) == UInt32(index) { found += 1 }
        }
        #expect(found == 50_000)
        #expect(table.count == 50_000)
        #expect(hash("absent").0 != 0)
        let (absentA, absentB) = hash("absent")
        #expect(table.find(absentA, absentB) == nil)
        let (someA, someB) = hash("key-4321")
        #expect(table.find(someA, someB) == 4321)
        func pair(_ head: String, _ tail: String) -> (UInt64, UInt64) {
            Array(head.utf8).withUnsafeBufferPointer { head in Array(tail.utf8).withUnsafeBufferPointer { KeyTable.hash(head, $0) } }
        }
        #expect(pair("ab", "c") != pair("a", "bc"))
        #expect(pair("ab", "c") == pair("ab", "c"))
    }
}
