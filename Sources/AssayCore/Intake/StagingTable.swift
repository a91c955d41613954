import Postgres
internal import IntakeEngine

/// The merge's staging table, `intake_staging`: a temporary table of the staged rows, filled by
/// binary COPY, from which set-based SQL writes experts and applications.
///
/// Its columns are listed once, in ``columns``, each with its type and how a staged row fills
/// it; the table and its COPY statement are made from that list, so a column is added in one
/// place (and then used by name in the merge's SQL).
final class StagingTable: StagedApplicantSink {
    /// A column: its name, its SQL type and how a row's field is written into it.
    struct Column: Sendable {
        let name: String
        let type: String
        let encode: @Sendable (StagedApplicant, StagedBatch, inout BinaryCopyEncoder<ByteBuffer>) -> Void
    }

    static let columns: [Column] = [
        Column(name: "line", type: "bigint") { row, _, out in out.appendInt8(Int64(row.line)) },
        Column(name: "email", type: "text") { row, batch, out in out.appendText(batch[row.email]) },
        Column(name: "full_name", type: "text") { row, batch, out in out.appendText(batch[row.fullName]) },
        Column(name: "country", type: "text") { row, batch, out in out.appendText(batch[row.country]) },
        Column(name: "languages", type: "text[]") { row, batch, out in out.appendTextArray(batch.elements(of: row.languages)) },
        Column(name: "domains", type: "text[]") { row, batch, out in out.appendTextArray(batch.elements(of: row.domains)) },
        Column(name: "degree", type: "text") { row, batch, out in out.appendText(batch[row.highestDegree]) },
        Column(name: "years", type: "integer") { row, _, out in out.appendInt4(row.yearsExperience) },
        Column(name: "source", type: "text") { row, batch, out in out.appendText(batch[row.source]) },
        Column(name: "external_id", type: "text") { row, batch, out in out.appendText(batch[row.externalID]) },
        Column(name: "applied_at", type: "timestamptz") { row, _, out in
            if let micros = row.appliedAt { out.appendTimestamp(microsecondsSince2000: micros) } else { out.appendNull() }
        },
        Column(name: "resume_text", type: "text") { row, batch, out in
            if let resume = row.resumeText { out.appendText(batch[resume]) } else { out.appendNull() }
        },
    ]

    /// Creates the table (dropped when the transaction ends).
    static var createStatement: String {
        "CREATE TEMP TABLE intake_staging (\(columns.map { "\($0.name) \($0.type)" }.joined(separator: ", "))) ON COMMIT DROP"
    }

    /// Fills it.
    static var copyStatement: String {
        "COPY intake_staging (\(columns.map(\.name).joined(separator: ", "))) FROM STDIN (FORMAT binary)"
    }

    private let writer: CopyInWriter
    private var encoder = BinaryCopyEncoder(output: ByteBuffer(capacity: 1 << 20))

    /// Starts the COPY's data with its header.
    init(writer: CopyInWriter) {
        self.writer = writer
        encoder.appendHeader()
    }

    /// Sends a batch of rows.
    func write(_ batch: StagedBatch) throws {
        let columns = Self.columns
        let fields = Int16(columns.count)
        for row in batch.rows {
            encoder.startRow(fields: fields)
            for column in columns { column.encode(row, batch, &encoder) }
        }
        try send()
    }

    /// Sends the trailer and what is left.
    func finish() throws {
        encoder.appendTrailer()
        try send()
    }

    private func send() throws {
        try writer.write(UnsafeRawBufferPointer(encoder.output.bytes))
        encoder.output.removeAll()
    }
}
