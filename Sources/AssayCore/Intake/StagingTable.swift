import Postgres
internal import IntakeEngine

/// The merge's staging table, `intake_staging`: a temporary table of the staged rows, filled by
/// binary COPY, from which set-based SQL writes experts and applications.
///
/// Its columns are listed once, in ``columns``, right above ``write(_:)``, which writes a
/// staged row's fields in that order; the table and its COPY statement are made from that
/// list (and the merge's SQL uses the columns by name).
final class StagingTable: StagedApplicantSink {
    /// The columns and their types, in the order ``write(_:)`` writes them.
    static let columns: [(name: String, type: String)] = [
        ("line", "bigint"), ("email", "text"), ("full_name", "text"), ("country", "text"), ("languages", "text[]"), ("domains", "text[]"),
        ("degree", "text"), ("years", "integer"), ("phone", "text"), ("source", "text"), ("external_id", "text"), ("applied_at", "timestamptz"),
        ("resume_text", "text"),
    ]

    /// Sends a batch of rows.
    func write(_ batch: StagedBatch) throws {
        // The encoder is moved into a local for the loop: no exclusivity check on a class
        // property for every field.
        var encoder = BinaryCopyEncoder(output: placeholder)
        swap(&encoder, &self.encoder)
        defer { swap(&encoder, &self.encoder) }
        for row in batch.rows {
            encoder.startRow(fields: fields)
            encoder.appendInt8(Int64(row.line))
            encoder.appendText(batch[row.email])
            encoder.appendText(batch[row.fullName])
            encoder.appendText(batch[row.country])
            encoder.appendTextArray(batch.elements(of: row.languages))
            encoder.appendTextArray(batch.elements(of: row.domains))
            if let degree = row.highestDegree { encoder.appendText(batch[degree]) } else { encoder.appendNull() }
            if let years = row.yearsExperience { encoder.appendInt4(years) } else { encoder.appendNull() }
            if let phone = row.phone { encoder.appendText(batch[phone]) } else { encoder.appendNull() }
            encoder.appendText(batch[row.source])
            encoder.appendText(batch[row.externalID])
            if let micros = row.appliedAt { encoder.appendTimestamp(microsecondsSince2000: micros) } else { encoder.appendNull() }
            if let resume = row.resumeText { encoder.appendText(batch[resume]) } else { encoder.appendNull() }
        }
        try writer.write(UnsafeRawBufferPointer(encoder.output.bytes))
        encoder.output.removeAll()
    }

    /// The table's name.
    static let name = "intake_staging"

    /// Creates the table (dropped when the transaction ends); names escaped through libpq, types
    /// from ``columns``.
    static func createStatement(on connection: Connection) throws -> String {
        let definitions = try columns.map { "\(try connection.escapeIdentifier($0.name)) \($0.type)" }
        return "CREATE TEMP TABLE \(try connection.escapeIdentifier(name)) (\(definitions.joined(separator: ", "))) ON COMMIT DROP"
    }

    /// Fills it.
    static func copyStatement(on connection: Connection) throws -> String {
        try connection.binaryCopyStatement(table: name, columns: columns.map(\.name))
    }

    private let writer: CopyInWriter
    private var encoder = BinaryCopyEncoder(output: ByteBuffer(capacity: 1 << 20))
    private let fields = Int16(StagingTable.columns.count)
    /// What stands in ``encoder`` while ``write(_:)`` works on it (never changed).
    private let placeholder = ByteBuffer(capacity: 16)

    /// Starts the COPY's data with its header (sent with the first batch, or by ``finish()``).
    init(writer: CopyInWriter) {
        self.writer = writer
        encoder.appendHeader()
    }

    /// Sends what is left (the header, if no batch came) and the trailer.
    func finish() throws {
        encoder.appendTrailer()
        try writer.write(UnsafeRawBufferPointer(encoder.output.bytes))
        encoder.output.removeAll()
    }
}
