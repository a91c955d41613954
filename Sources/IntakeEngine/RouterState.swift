import Postgres

/// The routing state of a ``DirectRouter``: who is known (from the database and from the
/// file's earlier rows), which applications exist, which domains each person already applies
/// for, and the COPY chunks being filled.
struct RouterState {
    static let chunkRows = 1 << 14
    /// The largest experts chunk, in bytes. Their binary rows (about 130 bytes) are twice the
    /// size of the text rows they replaced, and up to five chunks are in memory at once (built,
    /// queued, being sent): 32k rows made the import's peak memory 20 MB larger.
    static let expertChunkBytes = 2 << 20
    /// Rows that make a chunk now: the first chunks are small, so that both servers start
    /// working early (until the first chunk, only this process runs), then they double up to
    /// ``chunkRows``.
    var chunkLimit = 1 << 11
    static var empty: RouterState { RouterState(eventID: 0, now: 0, expectedRows: 0, domains: [], writes: false) }
    /// The mark of an application key first seen in the file (its value is then the person's
    /// ordinal with this bit set); keys from the database have it clear (their value is the
    /// expert's id, below 2³¹).
    static let fromFile: UInt32 = 1 << 31
    /// How many notes of rows that added nothing are kept for the summary.
    static let keptNotes = 20

    let eventID: Int64
    /// Whether rows are encoded for COPY (false for a dry run, which only decides).
    let writes: Bool
    private let expertFields = Int16(RouterState.expertColumns.count)
    private let applicationFields = Int16(RouterState.applicationColumns.count)
    /// When the import's transaction started, in microseconds since 2000 (binary timestamptz).
    let now: Int64
    /// Sorting the experts by email measured *worse* inside the import (0.3 s more backend CPU
    /// in three of three paired runs), though psql alone on the same rows gained 0.65 s.
    var experts = CopyChunk(sorts: false)
    var applications = CopyChunk(sorts: true)
    /// Email → person ordinal.
    var emails: KeyTable
    /// Source and external id → the expert's id for the database's applications, the person's
    /// ordinal with ``fromFile`` set for the file's.
    var applicationKeys: KeyTable
    /// The domain slugs, by bit number in a domain mask.
    let domainNames: [[UInt8]]

    // By person ordinal: the database's people first (``knownExperts`` of them), then the
    // file's new people in order of first appearance.
    var expertIDs: [Int64] = []
    /// The first line of the file on which the person brought an application or was found a
    /// duplicate of one (0: not yet in this file).
    var firstLines: [UInt32] = []
    /// The domains the person has an open application for (in the database, or made by this
    /// import).
    var openDomains: [UInt64] = []
    var languages = LanguageSets()
    /// How many ordinals are the database's people.
    var knownExperts = 0
    /// People whose languages grew (the database's, and the file's whose later rows added some).
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
    var counts = DirectRouter.Counts()
    /// The first notes of rows that added nothing, and every conflict.
    var notes: [DirectRouter.Note] = []
    var conflicts: [DirectRouter.Note] = []
    /// Scratch space of ``DirectRouter/write(_:)``, kept between batches.
    var hashes: [UInt64] = []
    var keptDomains: [UnsafeBufferPointer<UInt8>] = []
    /// Where the slot reads of the first pass go, so that they are not optimized away.
    var touched: UInt64 = 0

    init(eventID: Int64, now: Int64, expectedRows: Int, domains: [[UInt8]], writes: Bool, knownExperts: Int = 0, knownApplications: Int = 0) {
        self.eventID = eventID
        self.now = now
        self.writes = writes
        domainNames = domains
        emails = KeyTable(withValues: true, expected: expectedRows + knownExperts)
        applicationKeys = KeyTable(withValues: true, expected: expectedRows + knownApplications)
        let people = expectedRows + knownExperts
        if people > 0 {
            expertIDs.reserveCapacity(people)
            firstLines.reserveCapacity(people)
            openDomains.reserveCapacity(people)
            languages.reserveCapacity(people)
        }
    }

    /// The bit of each of a row's domains; nil when one is not among ``domainNames``.
    func domainMask(_ elements: StagedList.Elements) -> UInt64? {
        var mask: UInt64 = 0
        for element in elements {
            guard let number = domainNumber(element) else { return nil }
            mask |= 1 << UInt64(number)
        }
        return mask
    }

    func domainNumber(_ element: UnsafeBufferPointer<UInt8>) -> Int? {
        domainNames.firstIndex { $0.count == element.count && $0.elementsEqual(element) }
    }

    /// Routes one row: a row whose application exists (in the database or earlier in the
    /// file) or whose person already applies for all its domains adds nothing; a row whose
    /// application belongs to another person is a conflict; otherwise a new expert is written
    /// for an unknown email (a known one gains the row's languages), and an application for the
    /// domains the person does not already apply for.
    mutating func route(_ row: StagedApplicant, of batch: StagedBatch, applicationHash: (UInt64, UInt64), emailHash: (UInt64, UInt64),
                        drawIDs: (Int) throws -> [Int64]) throws {
        let (a1, a2) = applicationHash
        let (e1, e2) = emailHash
        let known = emails.find(e1, e2)
        let person = known ?? UInt32(truncatingIfNeeded: expertIDs.count)
        guard person < Self.fromFile else { throw DirectRouter.Unsupported(reason: "more than 2³¹ people") }
        let line = row.line
        if let owner = applicationKeys.insertIfAbsent(a1, a2, value: person | Self.fromFile) {
            if owner & Self.fromFile != 0 {
                // First seen earlier in the file: the value is that row's person's ordinal.
                let ownerOrdinal = owner & ~Self.fromFile
                if ownerOrdinal == known {
                    counts.repeatedInFile += 1
                    note(DirectRouter.Note(line: line, kind: .repeatedApplication(firstLine: Int(firstLines[Int(person)]),
                                                                                  knownBefore: Int(person) < knownExperts), domains: []))
                } else {
                    counts.conflicts += 1
                    conflicts.append(DirectRouter.Note(line: line, kind: .conflictInFile(firstLine: Int(firstLines[Int(ownerOrdinal)])), domains: []))
                }
            } else {
                // In the database: the value is its expert's id.
                let ownerID = Int64(owner)
                if let known, expertIDs[Int(known)] == ownerID {
                    counts.alreadyImported += 1
                    note(DirectRouter.Note(line: line, kind: .alreadyImported(expertID: ownerID), domains: []))
                } else {
                    counts.conflicts += 1
                    conflicts.append(DirectRouter.Note(line: line, kind: .conflictInDatabase(expertID: ownerID), domains: []))
                }
            }
            return
        }
        guard let mask = domainMask(batch.elements(of: row.domains)), mask != 0 else {
            throw DirectRouter.Unsupported(reason: "a domain the router was not told of")
        }
        if let known {
            let ordinal = Int(known)
            let remaining = mask & ~openDomains[ordinal]
            if remaining == 0 {
                if firstLines[ordinal] != 0 {
                    counts.repeatedInFile += 1
                    note(DirectRouter.Note(line: line, kind: .repeatedDomains(firstLine: Int(firstLines[ordinal]), knownBefore: ordinal < knownExperts),
                                           domains: notes.count < Self.keptNotes ? batch.strings(row.domains) : []))
                } else {
                    counts.openApplicationExists += 1
                    note(DirectRouter.Note(line: line, kind: .openApplication(expertID: expertIDs[ordinal]),
                                           domains: notes.count < Self.keptNotes ? batch.strings(row.domains) : []))
                }
                return
            }
            openDomains[ordinal] |= remaining
            if firstLines[ordinal] == 0 { firstLines[ordinal] = UInt32(truncatingIfNeeded: line) }
            counts.applicationsForKnownExperts += 1
            let codes = try languageCodes(batch.elements(of: row.languages))
            if languages.union(ordinal, with: codes) { grown.insert(known) }
            if writes { writeApplication(row, of: batch, expertID: expertIDs[ordinal], domains: remaining == mask ? nil : remaining) }
        } else {
            _ = emails.insertIfAbsent(e1, e2, value: person)
            counts.newExperts += 1
            let codes = try languageCodes(batch.elements(of: row.languages))
            let expertID: Int64
            if writes {
                if idNext == idPool.count {
                    idBlock = min(idBlock * 2, 1 << 17)
                    idPool = try drawIDs(idBlock)
                    idNext = 0
                    guard !idPool.isEmpty else { throw DirectRouter.Unsupported(reason: "no expert ids were drawn") }
                }
                expertID = idPool[idNext]
                idNext += 1
            } else {
                expertID = -Int64(person) - 1
            }
            expertIDs.append(expertID)
            firstLines.append(UInt32(truncatingIfNeeded: line))
            openDomains.append(mask)
            languages.append(codes)
            if writes {
                writeExpert(row, of: batch, id: expertID)
                writeApplication(row, of: batch, expertID: expertID, domains: nil)
            }
        }
    }

    private mutating func note(_ note: DirectRouter.Note) {
        if notes.count < Self.keptNotes { notes.append(note) }
    }

    // MARK: What the database has

    /// Adds a person the database has (before any row is routed).
    mutating func addKnownExpert(id: Int64, email: UnsafeBufferPointer<UInt8>, languages codes: [UnsafeBufferPointer<UInt8>]) throws {
        let (e1, e2) = KeyTable.hash(email)
        let ordinal = UInt32(truncatingIfNeeded: expertIDs.count)
        guard emails.insertIfAbsent(e1, e2, value: ordinal) == nil else { return }  // the same email twice cannot happen (unique)
        expertIDs.append(id)
        firstLines.append(0)
        openDomains.append(0)
        if codes.count <= 8 {
            // The usual case, without an array: up to eight numbers packed in one word.
            var packed = LanguageSets.Codes.none
            var count = 0
            for code in codes {
                let number = try languageNumber(code)
                if !packed.contains(number) {
                    packed = packed.adding(number, at: count)
                    count += 1
                }
            }
            languages.append(packed)
        } else {
            var numbers: [UInt8] = []
            for code in codes {
                let number = try languageNumber(code)
                if !numbers.contains(number) { numbers.append(number) }
            }
            languages.append(list: numbers)
        }
        knownExperts = expertIDs.count
    }

    /// Adds an email that the database keeps for a person merged into another (`ordinal`).
    mutating func addMergedEmail(_ email: UnsafeBufferPointer<UInt8>, ordinal: Int) {
        let (e1, e2) = KeyTable.hash(email)
        _ = emails.insertIfAbsent(e1, e2, value: UInt32(truncatingIfNeeded: ordinal))
    }

    /// Adds the key of an application the database has, with its expert's id (below 2³¹).
    mutating func addKnownApplication(source: UnsafeBufferPointer<UInt8>, externalID: UnsafeBufferPointer<UInt8>, expertID: Int64) {
        let (a1, a2) = KeyTable.hash(source, externalID)
        _ = applicationKeys.insertIfAbsent(a1, a2, value: UInt32(truncatingIfNeeded: expertID))
    }

    // MARK: COPY rows

    /// The experts' COPY columns, in the order ``writeExpert(_:of:id:)`` writes them.
    static let expertColumns = ["id", "email", "full_name", "country", "languages", "highest_degree", "years_experience", "phone"]

    private mutating func writeExpert(_ row: StagedApplicant, of batch: StagedBatch, id: Int64) {
        experts.startRow(fields: expertFields)
        experts.encoder.appendInt8(id)
        experts.encoder.appendText(batch[row.email])
        experts.encoder.appendText(batch[row.fullName])
        experts.encoder.appendText(batch[row.country])
        experts.encoder.appendTextArray(batch.elements(of: row.languages))
        if let degree = row.highestDegree { experts.encoder.appendText(batch[degree]) } else { experts.encoder.appendNull() }
        if let years = row.yearsExperience { experts.encoder.appendInt4(years) } else { experts.encoder.appendNull() }
        if let phone = row.phone { experts.encoder.appendText(batch[phone]) } else { experts.encoder.appendNull() }
    }

    /// The applications' COPY columns, in the order ``writeApplication(_:of:expertID:domains:)`` writes them.
    static let applicationColumns = ["expert_id", "domains", "source", "external_id", "applied_at", "resume_text", "event_id"]

    /// Binary COPY (measured: 0.35–0.45 s less backend CPU per million applications than the
    /// text form, which parses a timestamp and an array literal per row). `domains` keeps only
    /// the row's domains in that mask (nil: all of them).
    private mutating func writeApplication(_ row: StagedApplicant, of batch: StagedBatch, expertID: Int64, domains: UInt64?) {
        applications.startRow(fields: applicationFields)
        applications.encoder.appendInt8(expertID)
        if let domains {
            keptDomains.removeAll(keepingCapacity: true)
            for element in batch.elements(of: row.domains) {
                if let number = domainNumber(element), domains & (1 << UInt64(number)) != 0 { keptDomains.append(element) }
            }
            applications.encoder.appendTextArray(keptDomains)
        } else {
            applications.encoder.appendTextArray(batch.elements(of: row.domains))
        }
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
            guard count < 8 else { throw DirectRouter.Unsupported(reason: "a row with more than 8 languages") }
            codes = codes.adding(try languageNumber(element), at: count)
            count += 1
        }
        return codes
    }

    private mutating func languageNumber(_ element: UnsafeBufferPointer<UInt8>) throws -> UInt8 {
        guard element.count <= 8 else { throw DirectRouter.Unsupported(reason: "a language code longer than 8 bytes") }
        var code: UInt64 = 0
        for byte in element { code = code << 8 | UInt64(byte) }
        if element.count == 2, twoByteLanguages[Int(code)] != 0xFF { return twoByteLanguages[Int(code)] }
        if element.count != 2, let known = languageIndex[code] { return known }
        guard languageNames.count < 255 else { throw DirectRouter.Unsupported(reason: "more than 255 language codes") }
        let number = UInt8(languageNames.count)
        if element.count == 2 { twoByteLanguages[Int(code)] = number } else { languageIndex[code] = number }
        languageNames.append(String(decoding: element, as: UTF8.self))
        return number
    }
}
