import Postgres

/// The routing state of a ``DirectRouter``.
struct RouterState {
    static let chunkRows = 1 << 15
    /// The largest experts chunk, in bytes. Their binary rows (about 130 bytes) are twice the
    /// size of the text rows they replaced, and up to five chunks are in memory at once (built,
    /// queued, being sent): 32k rows made the import's peak memory 20 MB larger.
    static let expertChunkBytes = 2 << 20
    /// Rows that make a chunk now: the first chunks are small, so that both servers start
    /// working early (until the first chunk, only this process runs), then they double up to
    /// ``chunkRows``.
    var chunkLimit = 1 << 11
    static var empty: RouterState { RouterState(eventID: 0, now: 0, expectedRows: 0) }

    let eventID: Int64
    private let expertFields = Int16(RouterState.expertColumns.count)
    private let applicationFields = Int16(RouterState.applicationColumns.count)
    /// When the import's transaction started, in microseconds since 2000 (binary timestamptz).
    let now: Int64
    /// Sorting the experts by email measured *worse* inside the import (0.3 s more backend CPU
    /// in three of three paired runs), though psql alone on the same rows gained 0.65 s.
    var experts = CopyChunk(sorts: false)
    var applications = CopyChunk(sorts: true)
    var emails: KeyTable
    var applicationKeys: KeyTable
    /// By expert ordinal (order of first appearance in the file).
    var expertIDs: [Int64] = []
    var languages = LanguageSets()
    var grown: Set<UInt32> = []
    /// Language numbers of two-byte codes (ISO 639-1, all the validator lets through), indexed
    /// by the code's two bytes, 0xFF for none yet; longer codes in `languageIndex`. (A dictionary
    /// lookup per code cost 5% of this process.)
    var twoByteLanguages = [UInt8](repeating: 0xFF, count: 1 << 16)
    var languageIndex: [UInt64: UInt8] = [:]
    var languageNames: [String] = []
    var idPool: [Int64] = []
    var idNext = 0
    var idBlock = 2048
    var newExperts = 0
    var applicationsMerged = 0
    var duplicatesSkipped = 0
    /// Scratch space of ``DirectRouter/write(_:)``, kept between batches.
    var hashes: [UInt64] = []
    /// Where the slot reads of the first pass go, so that they are not optimized away.
    var touched: UInt64 = 0

    init(eventID: Int64, now: Int64, expectedRows: Int) {
        self.eventID = eventID
        self.now = now
        emails = KeyTable(withValues: true, expected: expectedRows)
        applicationKeys = KeyTable(withValues: false, expected: expectedRows)
        if expectedRows > 0 { expertIDs.reserveCapacity(expectedRows) }
    }

    /// Routes one row: a duplicate application is counted and dropped; otherwise a new expert
    /// row is written for an unknown email (a known one gains the row's languages), and an
    /// application row in any case.
    mutating func route(_ row: StagedApplicant, of batch: StagedBatch, applicationHash: (UInt64, UInt64), emailHash: (UInt64, UInt64),
                        drawIDs: (Int) throws -> [Int64]) throws {
        let (a1, a2) = applicationHash
        if applicationKeys.insertIfAbsent(a1, a2, value: 0) != nil {
            duplicatesSkipped += 1
            return
        }
        let (e1, e2) = emailHash
        let codes = try languageCodes(batch.elements(of: row.languages))
        let expertID: Int64
        if let known = emails.insertIfAbsent(e1, e2, value: UInt32(truncatingIfNeeded: expertIDs.count)) {
            applicationsMerged += 1
            expertID = expertIDs[Int(known)]
            if languages.union(Int(known), with: codes) { grown.insert(known) }
        } else {
            newExperts += 1
            if idNext == idPool.count {
                idBlock = min(idBlock * 2, 1 << 17)
                idPool = try drawIDs(idBlock)
                idNext = 0
                guard !idPool.isEmpty else { throw DirectRouter.Unsupported(reason: "no expert ids were drawn") }
            }
            expertID = idPool[idNext]
            idNext += 1
            expertIDs.append(expertID)
            languages.append(codes)
            writeExpert(row, of: batch, id: expertID)
        }
        writeApplication(row, of: batch, expertID: expertID)
    }

    /// The experts' COPY columns, in the order ``writeExpert(_:of:id:)`` writes them.
    static let expertColumns = ["id", "email", "full_name", "country", "languages", "highest_degree", "years_experience"]

    private mutating func writeExpert(_ row: StagedApplicant, of batch: StagedBatch, id: Int64) {
        experts.startRow(fields: expertFields)
        experts.encoder.appendInt8(id)
        experts.encoder.appendText(batch[row.email])
        experts.encoder.appendText(batch[row.fullName])
        experts.encoder.appendText(batch[row.country])
        experts.encoder.appendTextArray(batch.elements(of: row.languages))
        experts.encoder.appendText(batch[row.highestDegree])
        experts.encoder.appendInt4(row.yearsExperience)
    }

    /// The applications' COPY columns, in the order ``writeApplication(_:of:expertID:)`` writes them.
    static let applicationColumns = ["expert_id", "domains", "source", "external_id", "applied_at", "resume_text", "event_id"]

    /// Binary COPY (measured: 0.35–0.45 s less backend CPU per million applications than the
    /// text form, which parses a timestamp and an array literal per row).
    private mutating func writeApplication(_ row: StagedApplicant, of batch: StagedBatch, expertID: Int64) {
        applications.startRow(fields: applicationFields)
        applications.encoder.appendInt8(expertID)
        applications.encoder.appendTextArray(batch.elements(of: row.domains))
        applications.encoder.appendText(batch[row.source])
        applications.markKey(ahead: 4)  // the external id, after its length
        applications.encoder.appendText(batch[row.externalID])
        applications.encoder.appendTimestamp(microsecondsSince2000: row.appliedAt ?? now)
        if let resume = row.resumeText { applications.encoder.appendText(batch[resume]) } else { applications.encoder.appendNull() }
        applications.encoder.appendInt8(eventID)
    }

    /// The language codes of a row (distinct, as the validator leaves them), as indices into
    /// `languageNames`, up to eight packed in one number.
    private mutating func languageCodes(_ elements: StagedList.Elements) throws -> LanguageSets.Codes {
        var codes = LanguageSets.Codes.none
        var count = 0
        for element in elements {
            guard element.count <= 8 else { throw DirectRouter.Unsupported(reason: "a language code longer than 8 bytes") }
            guard count < 8 else { throw DirectRouter.Unsupported(reason: "a row with more than 8 languages") }
            var code: UInt64 = 0
            for byte in element { code = code << 8 | UInt64(byte) }
            let number: UInt8
            if element.count == 2, twoByteLanguages[Int(code)] != 0xFF {
                number = twoByteLanguages[Int(code)]
            } else if element.count != 2, let known = languageIndex[code] {
                number = known
            } else {
                guard languageNames.count < 255 else { throw DirectRouter.Unsupported(reason: "more than 255 language codes") }
                number = UInt8(languageNames.count)
                if element.count == 2 { twoByteLanguages[Int(code)] = number } else { languageIndex[code] = number }
                languageNames.append(String(decoding: element, as: UTF8.self))
            }
            codes = codes.adding(number, at: count)
            count += 1
        }
        return codes
    }
}
