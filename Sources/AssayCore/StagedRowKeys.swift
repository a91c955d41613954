/// Finds, while rows are staged, the first row of the file with each application key
/// (source, external id) and each email, so that the merge needs no GROUP BY over the staging.
///
/// Each staged row gets two more COPY columns: `app_first` (the line of the first staged row with
/// its source and external id) and `email_first` (the same for its email). Keys are kept as
/// 64-bit hashes only (16 bytes a distinct key), so memory stays small; a hash collision could
/// only make two different keys look equal, never the reverse, and the merge checks every row
/// that points to another row's line against that row's real key before trusting the columns
/// (``Intake`` falls back to the set-based SQL de-duplication otherwise). Past
/// ``maximumKeys`` distinct keys the tracker stops (``isComplete`` turns false) and the merge
/// uses the SQL path too, so memory is bounded whatever the file's size.
struct StagedRowKeys {
    /// Distinct keys kept before giving up (about 100 MB of tables at most).
    static let maximumKeys = 3_000_000

    private var applications = LineTable()
    private var emails = LineTable()
    /// Whether every staged row so far was tracked.
    private(set) var isComplete = true

    /// Appends the `app_first` and `email_first` columns to the staged row that starts at `start`
    /// in `out` (a complete COPY text row: line, email, …, source, external_id, …, ending in a
    /// line feed).
    mutating func annotate(_ out: inout [UInt8], rowStart start: Int, line: Int) {
        var appFirst = line, emailFirst = line
        if line > Int(Int32.max) { isComplete = false }
        if isComplete {
            out.withUnsafeBufferPointer { bytes in
                // Fields: 0 line, 1 email, … 8 source, 9 external_id; tabs only separate fields
                // (a tab inside a value is escaped).
                var field = 0
                var emailRange = 0..<0
                var sourceStart = 0
                var keyEnd = 0
                var fieldStart = start
                var index = start
                while index < bytes.count {
                    if bytes[index] == 9 || bytes[index] == 10 {
                        if field == 1 { emailRange = fieldStart..<index }
                        if field == 8 { sourceStart = fieldStart }
                        if field == 9 { keyEnd = index; break }
                        field += 1
                        fieldStart = index + 1
                    }
                    index += 1
                }
                // The application key is "source<TAB>external_id": both escaped, so the pair
                // is unambiguous.
                appFirst = applications.firstLine(Self.hash(bytes, sourceStart..<keyEnd), line: line)
                emailFirst = emails.firstLine(Self.hash(bytes, emailRange), line: line)
            }
            if applications.count > Self.maximumKeys || emails.count > Self.maximumKeys {
                isComplete = false
                applications = LineTable()
                emails = LineTable()
            }
        }
        out.removeLast()  // the line feed
        out.append(9)
        Self.number(appFirst, into: &out)
        out.append(9)
        Self.number(emailFirst, into: &out)
        out.append(10)
    }

    private static func number(_ value: Int, into out: inout [UInt8]) {
        if value >= 10 { number(value / 10, into: &out) }
        out.append(UInt8(48 + value % 10))
    }

    /// A 64-bit hash of the bytes (FNV-1a over 8-byte words, then a final mix).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(range.count)
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[index + k]) << (8 * k) }
            h = (h ^ word) &* 0x100_0000_01B3
            h ^= h >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < range.upperBound { tail |= UInt64(bytes[index]) << shift; shift += 8; index += 1 }
        h = (h ^ tail) &* 0x100_0000_01B3
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}

/// An open-addressing table from a 64-bit key hash to the line of its first row.
private struct LineTable {
    private var hashes: [UInt64] = []
    private var lines: [Int32] = []
    private var mask = 0
    private(set) var count = 0

    /// The line recorded for `hash`, recording `line` if there was none.
    mutating func firstLine(_ hash: UInt64, line: Int) -> Int {
        if (count + 1) * 4 >= hashes.count * 3 { grow() }
        let key = hash == 0 ? 1 : hash  // 0 marks an empty slot
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = hashes[slot]
            if stored == 0 {
                hashes[slot] = key
                lines[slot] = Int32(truncatingIfNeeded: line)
                count += 1
                return line
            }
            if stored == key { return Int(lines[slot]) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = max(1 << 16, hashes.count * 2)
        let oldHashes = hashes, oldLines = lines
        hashes = [UInt64](repeating: 0, count: capacity)
        lines = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        for (slot, key) in oldHashes.enumerated() where key != 0 {
            var index = Int(truncatingIfNeeded: key) & mask
            while hashes[index] != 0 { index = (index + 1) & mask }
            hashes[index] = key
            lines[index] = oldLines[slot]
        }
    }
}
