public import Postgres

/// Splits staged rows into new experts and new applications, de-duplicating the file as it
/// goes, and streams each to its binary COPY.
///
/// The file is de-duplicated here, in memory (a 128-bit keyed hash per email and per source and
/// external id, about 100 bytes per row all told): the first row of an application (source and
/// external id) counts, later ones are duplicates; the first row of an email makes a new expert,
/// later ones join it and add their languages. Nothing is looked up in the database: its unique
/// indexes refuse rows it already has, and the COPY then fails.
///
/// Rows go out in chunks (2k rows at first, doubling up to 32k, experts at most 2 MB);
/// applications sorted by external id (see ``CopyChunk``).
public final class DirectRouter: StagedApplicantSink {
    /// The columns of the experts' COPY, in the order the router writes them.
    public static var expertColumns: [String] { RouterState.expertColumns }
    /// The columns of the applications' COPY, in the order the router writes them.
    public static var applicationColumns: [String] { RouterState.applicationColumns }

    private let experts: CopyFeeder
    private let applications: CopyFeeder
    private let drawIDs: (Int) throws -> [Int64]
    /// Called after each chunk sent: throws when a server has refused its COPY (so that the
    /// reading stops at once rather than at the end of the file).
    public var checkBackends: () throws -> Void = {}
    /// Everything a row changes, kept in one value that ``write(_:)`` moves into a local for the
    /// length of a batch (no dynamic exclusivity checks or reference counting per row).
    private var state: RouterState

    /// A router that starts the applications' binary COPY with its header.
    ///
    /// - Parameters:
    ///   - experts: the feeder of `COPY experts (expertColumns) FROM STDIN (FORMAT binary)`.
    ///   - applications: the feeder of `COPY applications (applicationColumns) FROM STDIN (FORMAT binary)`.
    ///   - eventID: the import's event, written into each application.
    ///   - now: the import's time in microseconds since 2000-01-01 UTC, the `applied_at` of
    ///     rows that give none.
    ///   - expectedRows: how many rows the file may have (the hash tables' initial size).
    ///   - drawIDs: returns that many new expert ids.
    /// - Throws: the feeders' failures.
    public init(experts: CopyFeeder, applications: CopyFeeder, eventID: Int64, now: Int64, expectedRows: Int,
                drawIDs: @escaping (Int) throws -> [Int64]) throws {
        self.experts = experts
        self.applications = applications
        self.drawIDs = drawIDs
        state = RouterState(eventID: eventID, now: now, expectedRows: expectedRows)
        for feeder in [experts, applications] {
            var header = BinaryCopyEncoder(output: [UInt8]())
            header.appendHeader()
            try feeder.send(header.output)
        }
    }

    /// Experts created so far.
    public var newExperts: Int { state.newExperts }
    /// Applications so far that joined an expert seen earlier in the file.
    public var applicationsMerged: Int { state.applicationsMerged }
    /// Rows so far whose application (source, external id) came earlier in the file.
    public var duplicatesSkipped: Int { state.duplicatesSkipped }

    /// What stands in ``state`` while ``write(_:)`` works on it (shared, never changed).
    private let placeholder = RouterState.empty

    /// Routes a batch of rows, and sends the chunks that are full.
    ///
    /// - Parameter batch: the rows.
    /// - Throws: a feeder's failure, the failure of ``checkBackends`` or of `drawIDs`.
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
        var trailer = BinaryCopyEncoder(output: [UInt8]())
        trailer.appendTrailer()
        if state.experts.rows > 0 { try experts.send(state.experts.take()) }
        try experts.send(trailer.output)
        if state.applications.rows > 0 { try applications.send(state.applications.take()) }
        try applications.send(trailer.output)
    }

    /// Experts whose later rows in the file brought languages their first row lacked.
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
