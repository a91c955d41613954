public import Postgres

/// Decides, row by row, what an import adds, and streams the new experts and applications to
/// their binary COPYs.
///
/// Everything is decided here, in memory, from what the database has (loaded first, with
/// ``addKnownExpert(id:email:languages:)`` and the other `add…` methods, under the lock that
/// serializes intakes) and the file's earlier rows, by 128-bit keyed hashes of the emails and of
/// source and external id (about 100 bytes per row, 50 per known person and 25 per known
/// application):
/// - a row whose application (source, external id) exists for the same person adds nothing
///   (already imported, or repeated in the file); for another person it is a conflict, which
///   the caller rejects;
/// - a row whose person already has an open application (in the database, or made earlier in
///   the file) for each of its domains adds nothing; otherwise its application claims the
///   domains the person does not already apply for;
/// - the first row of an unknown email makes a new expert; later rows of a known person add
///   their languages (the rest of the person's values are kept).
///
/// So nothing the router writes breaks a unique index: the database never refuses a row (and
/// never logs one).
///
/// Rows go out in chunks (2k rows at first, doubling up to 16k, experts at most 2 MB);
/// applications sorted by external id (see ``CopyChunk``). A router without feeders (a dry
/// run) decides and counts, and writes nothing.
public final class DirectRouter: StagedApplicantSink {
    /// The columns of the experts' COPY, in the order the router writes them.
    public static var expertColumns: [String] { RouterState.expertColumns }
    /// The columns of the applications' COPY, in the order the router writes them.
    public static var applicationColumns: [String] { RouterState.applicationColumns }

    private var experts: CopyFeeder?
    private var applications: CopyFeeder?
    private let drawIDs: (Int) throws -> [Int64]
    /// Called after each chunk sent: throws when a server has refused its COPY (so that the
    /// reading stops at once rather than at the end of the file).
    public var checkBackends: () throws -> Void = {}
    /// Everything a row changes, kept in one value that ``write(_:)`` moves into a local for the
    /// length of a batch (no dynamic exclusivity checks or reference counting per row).
    private var state: RouterState
    /// Known expert id → ordinal, once the known experts are in (see ``ordinal(ofExpert:)``).
    private var denseOrdinals: [UInt32] = []
    private var denseBase: Int64 = 0
    private var sortedIDs: [(id: Int64, ordinal: UInt32)] = []
    /// The open applications the database has, while loading: each one's expert id and domains
    /// (two arrays: 12 bytes per application).
    private var openApplicationExperts: [UInt32] = []
    private var openApplicationDomains: [UInt64] = []

    /// What the routed rows amount to.
    public struct Counts: Sendable, Equatable {
        /// Experts created (each with an application).
        public var newExperts = 0
        /// Applications for people known before the row (in the database or earlier in the file).
        public var applicationsForKnownExperts = 0
        /// Rows whose application (source, external id) the database has, for the same person.
        public var alreadyImported = 0
        /// Rows that repeat an application or a person of an earlier row without adding a domain.
        public var repeatedInFile = 0
        /// Rows of people the database has with an open application for each of the row's domains.
        public var openApplicationExists = 0
        /// Rows whose source and external id belong to another person.
        public var conflicts = 0

        /// Creates zero counts.
        public init() {}
    }

    /// What the router decided about one row that added nothing or conflicts.
    public struct Note: Sendable, Hashable {
        /// The decision.
        public enum Kind: Sendable, Hashable {
            /// The database has this application (source, external id) for the same person.
            case alreadyImported(expertID: Int64)
            /// An earlier row of the file has the same application for the same person, whose
            /// first row with an application is `firstLine` (0: none yet); `knownBefore` says
            /// whether the person was in the database before the import.
            case repeatedApplication(firstLine: Int, knownBefore: Bool)
            /// Earlier rows of the same person (the first on `firstLine`) already apply for
            /// every domain of this row.
            case repeatedDomains(firstLine: Int, knownBefore: Bool)
            /// The person, in the database, has an open application for every domain of the row.
            case openApplication(expertID: Int64)
            /// The source and external id belong to another person's application in the database.
            case conflictInDatabase(expertID: Int64)
            /// The source and external id came earlier in the file for another person (whose
            /// first row with an application is `firstLine`).
            case conflictInFile(firstLine: Int)
        }

        /// The line the row starts on.
        public var line: Int
        /// The decision.
        public var kind: Kind
        /// The row's domains, when the decision is about them.
        public var domains: [String]

        /// A note.
        ///
        /// - Parameters:
        ///   - line: the line the row starts on.
        ///   - kind: the decision.
        ///   - domains: the row's domains, when the decision is about them.
        public init(line: Int, kind: Kind, domains: [String]) {
            self.line = line
            self.kind = kind
            self.domains = domains
        }
    }

    /// A router.
    ///
    /// - Parameters:
    ///   - eventID: the import's event, written into each application.
    ///   - now: the import's time in microseconds since 2000-01-01 UTC, the `applied_at` of
    ///     rows that give none.
    ///   - expectedRows: how many rows the file may have (the hash tables' initial size).
    ///   - domains: the domain slugs rows may claim (at most 64).
    ///   - knownExperts: how many people (and merged emails) the database has, for sizing.
    ///   - knownApplications: how many applications the database has, for sizing.
    ///   - drawIDs: returns that many new expert ids (not called for a dry run).
    /// - Throws: ``Unsupported`` with more than 64 domains.
    public init(eventID: Int64, now: Int64, expectedRows: Int, domains: [String], knownExperts: Int = 0, knownApplications: Int = 0,
                drawIDs: @escaping (Int) throws -> [Int64]) throws {
        guard domains.count <= 64 else { throw Unsupported(reason: "more than 64 domains") }
        self.drawIDs = drawIDs
        state = RouterState(eventID: eventID, now: now, expectedRows: expectedRows, domains: domains.sorted().map { Array($0.utf8) }, writes: true,
                            knownExperts: knownExperts, knownApplications: knownApplications)
    }

    /// A router that decides and counts without writing anything (a dry run).
    ///
    /// - Parameters:
    ///   - expectedRows: how many rows the file may have.
    ///   - domains: the domain slugs rows may claim (at most 64).
    ///   - knownExperts: how many people the database has, for sizing.
    ///   - knownApplications: how many applications the database has, for sizing.
    /// - Throws: ``Unsupported`` with more than 64 domains.
    public init(dryRunExpecting expectedRows: Int, domains: [String], knownExperts: Int = 0, knownApplications: Int = 0) throws {
        guard domains.count <= 64 else { throw Unsupported(reason: "more than 64 domains") }
        drawIDs = { _ in [] }
        state = RouterState(eventID: 0, now: 0, expectedRows: expectedRows, domains: domains.sorted().map { Array($0.utf8) }, writes: false,
                            knownExperts: knownExperts, knownApplications: knownApplications)
    }

    // MARK: What the database has

    /// Adds a person the database has. Call for every person before the first
    /// ``addMergedEmail(_:into:)`` and before ``finishLoading()``.
    ///
    /// - Parameters:
    ///   - id: the expert's id.
    ///   - email: the email as stored.
    ///   - languages: the language codes as stored.
    /// - Throws: ``Unsupported`` with more than 255 distinct language codes.
    public func addKnownExpert(id: Int64, email: UnsafeBufferPointer<UInt8>, languages: [UnsafeBufferPointer<UInt8>]) throws {
        try state.addKnownExpert(id: id, email: email, languages: languages)
    }

    /// The ordinal of a known expert, by id.
    private func ordinal(ofExpert id: Int64) -> Int? {
        if denseOrdinals.isEmpty && sortedIDs.isEmpty && state.knownExperts > 0 { indexKnownExperts() }
        if !denseOrdinals.isEmpty {
            let offset = id - denseBase
            guard offset >= 0, offset < denseOrdinals.count, denseOrdinals[Int(offset)] != .max else { return nil }
            return Int(denseOrdinals[Int(offset)])
        }
        var low = 0, high = sortedIDs.count
        while low < high {
            let middle = (low + high) / 2
            if sortedIDs[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < sortedIDs.count && sortedIDs[low].id == id ? Int(sortedIDs[low].ordinal) : nil
    }

    /// Builds the id → ordinal index: an array over the ids' range when they are dense (identity
    /// values with the gaps of cached blocks), a sorted list otherwise.
    private func indexKnownExperts() {
        let ids = state.expertIDs.prefix(state.knownExperts)
        guard let low = ids.min(), let high = ids.max() else { return }
        if high - low < Int64(ids.count) * 4 + 1024 {
            denseBase = low
            denseOrdinals = [UInt32](repeating: .max, count: Int(high - low) + 1)
            for (ordinal, id) in ids.enumerated() { denseOrdinals[Int(id - low)] = UInt32(ordinal) }
        } else {
            sortedIDs = ids.enumerated().map { (id: $0.element, ordinal: UInt32($0.offset)) }.sorted { $0.id < $1.id }
        }
    }

    /// Adds an email the database keeps for a person merged into another.
    ///
    /// - Parameters:
    ///   - email: the merged person's email.
    ///   - id: the expert it was merged into.
    public func addMergedEmail(_ email: UnsafeBufferPointer<UInt8>, into id: Int64) {
        guard let ordinal = ordinal(ofExpert: id) else { return }
        state.addMergedEmail(email, ordinal: ordinal)
    }

    /// Adds an application the database has. May come in any order with the people (with
    /// ``addKnownExpert(id:email:languages:)``, as two COPYs read at once deliver them): its key
    /// keeps the expert's id, and its open domains wait in a list until ``finishLoading()``
    /// gives them to the person.
    ///
    /// - Parameters:
    ///   - source: its source.
    ///   - externalID: its id at the source.
    ///   - expertID: its expert.
    ///   - openDomains: its domains when it is open (received, invited, screening), else none.
    /// - Returns: false when the expert's id is not below 2³¹ (the application is then not
    ///   known, and the caller must not route: its key could be written twice).
    @discardableResult
    public func addKnownApplication(source: UnsafeBufferPointer<UInt8>, externalID: UnsafeBufferPointer<UInt8>, expertID: Int64,
                                    openDomains: [UnsafeBufferPointer<UInt8>]) -> Bool {
        guard expertID >= 0, expertID < Int64(RouterState.fromFile) else { return false }
        state.addKnownApplication(source: source, externalID: externalID, expertID: expertID)
        var mask: UInt64 = 0
        for domain in openDomains { if let number = state.domainNumber(domain) { mask |= 1 << UInt64(number) } }
        if mask != 0 {
            openApplicationExperts.append(UInt32(truncatingIfNeeded: expertID))
            openApplicationDomains.append(mask)
        }
        return true
    }

    /// Gives the open applications' domains to their people, and frees what loading needed and
    /// routing does not. Call once, after every person, merged email and application.
    ///
    /// - Returns: the id of an expert with an open application whom the people added do not
    ///   include (the router then cannot decide that person's rows: do not route), or nil.
    @discardableResult
    public func finishLoading() -> Int64? {
        var unknown: Int64?
        for (expert, mask) in zip(openApplicationExperts, openApplicationDomains) {
            guard let ordinal = ordinal(ofExpert: Int64(expert)) else {
                unknown = Int64(expert)
                break
            }
            state.openDomains[ordinal] |= mask
        }
        openApplicationExperts = []
        openApplicationDomains = []
        denseOrdinals = []
        sortedIDs = []
        return unknown
    }

    // MARK: Routing

    /// Starts the two binary COPYs with their headers; rows are written to them from now on.
    ///
    /// - Parameters:
    ///   - experts: the feeder of `COPY experts (expertColumns) FROM STDIN (FORMAT binary)`.
    ///   - applications: the feeder of `COPY applications (applicationColumns) FROM STDIN (FORMAT binary)`.
    /// - Throws: the feeders' failures.
    public func start(experts: CopyFeeder, applications: CopyFeeder) throws {
        self.experts = experts
        self.applications = applications
        for feeder in [experts, applications] {
            var header = BinaryCopyEncoder(output: [UInt8]())
            header.appendHeader()
            try feeder.send(header.output)
        }
    }

    /// What the rows routed so far amount to.
    public var counts: Counts { state.counts }
    /// The first notes of rows that added nothing (at most 20).
    public var notes: [Note] { state.notes }
    /// Every row whose source and external id belong to another person, in file order.
    public var conflicts: [Note] { state.conflicts }

    /// What stands in ``state`` while ``write(_:)`` works on it (shared, never changed).
    private let placeholder = RouterState.empty

    /// Routes a batch of rows, and sends the chunks that are full.
    ///
    /// - Parameter batch: the rows.
    /// - Throws: a feeder's failure, the failure of ``checkBackends`` or of `drawIDs`;
    ///   ``Unsupported`` for a row the router cannot represent.
    public func write(_ batch: StagedBatch) throws {
        var local = placeholder
        swap(&local, &state)
        defer { swap(&local, &state) }
        // Two passes over the batch. The first hashes the rows' keys and reads the hash-table
        // slot of each key: those reads are independent of one another, so the processor
        // overlaps their cache misses, and the second pass, which routes the rows, finds the
        // slots in cache (one miss at a time took a fifth of this process's CPU).
        var hashes: [UInt64] = []
        swap(&hashes, &local.hashes)  // moved, not copied: appends stay in place
        hashes.removeAll(keepingCapacity: true)
        var touched: UInt64 = 0
        for row in batch.rows {
            let (a1, a2) = KeyTable.hash(batch[row.source], batch[row.externalID])
            let (e1, e2) = KeyTable.hash(batch[row.email])
            hashes.append(a1)
            hashes.append(a2)
            hashes.append(e1)
            hashes.append(e2)
            touched &+= local.applicationKeys.peek(a1) &+ local.emails.peek(e1)
        }
        try hashes.withUnsafeBufferPointer { hashes in
            for (index, row) in batch.rows.enumerated() {
                try local.route(row, of: batch, applicationHash: (hashes[index * 4], hashes[index * 4 + 1]),
                                emailHash: (hashes[index * 4 + 2], hashes[index * 4 + 3]), drawIDs: drawIDs)
            }
        }
        swap(&hashes, &local.hashes)
        local.touched = touched
        guard let experts, let applications else { return }
        var sent = false
        if local.experts.rows >= local.chunkLimit || local.experts.byteCount >= RouterState.expertChunkBytes {
            try experts.send(local.experts.take())
            sent = true
        }
        if local.applications.rows >= local.chunkLimit {
            try applications.send(local.applications.take())
            sent = true
        }
        if sent {
            local.chunkLimit = min(local.chunkLimit * 2, RouterState.chunkRows)
            try checkBackends()
        }
    }

    /// Sends what is buffered, and both COPYs' trailers.
    ///
    /// - Throws: a feeder's failure.
    public func finish() throws {
        guard let experts, let applications else { return }
        var trailer = BinaryCopyEncoder(output: [UInt8]())
        trailer.appendTrailer()
        if state.experts.rows > 0 { try experts.send(state.experts.take()) }
        try experts.send(trailer.output)
        if state.applications.rows > 0 { try applications.send(state.applications.take()) }
        try applications.send(trailer.output)
    }

    /// Experts whose rows brought languages they lacked (people the database has, and the
    /// file's new people whose later rows added some).
    ///
    /// - Returns: each one's id and the sorted union of its languages.
    public func grownLanguages() -> [(id: Int64, languages: [String])] {
        state.grown.sorted().map { ordinal in
            let names = state.languages.codes(of: Int(ordinal)).map { state.languageNames[Int($0)] }.sorted()
            return (state.expertIDs[Int(ordinal)], names)
        }
    }

    /// Why a direct import cannot go on (the rows are then merged through staging instead).
    public struct Unsupported: Error, Sendable, CustomStringConvertible {
        /// What the router could not handle.
        public var reason: String
        /// Creates an error.
        ///
        /// - Parameter reason: what the router could not handle.
        public init(reason: String) { self.reason = reason }
        /// The reason.
        public var description: String { reason }
    }
}
