import Postgres

/// Binary COPY rows collected for one send, sent in the order they came or sorted by a key that
/// runs from a marked place in each row to its end (only the order of equal keys depends on
/// what follows them).
///
/// A B-tree index filled in key order is filled page after page; in file order every insert
/// lands on a random page. Measured on a million applications with random external ids, in
/// chunks of 32k sorted by them: 1.2 s less backend CPU with psql (6.7 → 5.4 s), 0.6–1.2 s in
/// the import; with sequential ids (already in order) no change.
///
/// The rows are written through ``encoder`` into a ``ByteBuffer``; like it, a chunk is moved,
/// never copied and then changed.
struct CopyChunk {
    private struct Row {
        var prefix0: UInt64 = 0
        var prefix1: UInt64 = 0
        var key: Int
        var start: Int
        var end: Int = 0
    }

    private var list: [Row] = []
    /// Where the rows' fields are written, after ``startRow(fields:)``.
    var encoder = BinaryCopyEncoder(output: ByteBuffer())
    /// Whether ``take()`` sorts the rows (otherwise they keep their order).
    let sorts: Bool

    init(sorts: Bool) { self.sorts = sorts }

    /// The rows written so far.
    var rows: Int { list.count }

    /// The bytes written so far.
    var byteCount: Int { encoder.output.count }

    /// Starts a row of `fields` fields.
    mutating func startRow(fields: Int16) {
        let at = encoder.output.count
        if let last = list.indices.last { list[last].end = at }
        list.append(Row(key: at, start: at))
        encoder.startRow(fields: fields)
    }

    /// Marks where the current row's sort key starts, `ahead` bytes after what is written so far.
    mutating func markKey(ahead: Int = 0) { list[list.count - 1].key = encoder.output.count + ahead }

    /// The rows (sorted by key if ``sorts``), as COPY data; empties the chunk.
    mutating func take() -> [UInt8] {
        guard !list.isEmpty else { return [] }
        defer {
            list.removeAll(keepingCapacity: true)
            encoder.output.removeAll()
        }
        let all = encoder.output.bytes
        guard sorts, let source = all.baseAddress else { return Array(all) }
        list[list.count - 1].end = all.count
        // The key's first 16 bytes as two big-endian numbers: most comparisons are two
        // integer comparisons.
        for index in list.indices {
            let key = list[index].key, end = list[index].end
            var prefix0: UInt64 = 0, prefix1: UInt64 = 0
            for offset in 0 ..< 16 {
                let byte = key + offset < end ? UInt64(all[key + offset]) : 0
                if offset < 8 { prefix0 = prefix0 << 8 | byte } else { prefix1 = prefix1 << 8 | byte }
            }
            list[index].prefix0 = prefix0
            list[index].prefix1 = prefix1
        }
        list.sort { left, right in
            if left.prefix0 != right.prefix0 { return left.prefix0 < right.prefix0 }
            if left.prefix1 != right.prefix1 { return left.prefix1 < right.prefix1 }
            return UnsafeBufferPointer(rebasing: all[left.key ..< left.end])
                .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: all[right.key ..< right.end]))
        }
        return [UInt8](unsafeUninitializedCapacity: all.count) { out, written in
            var at = 0
            if let target = out.baseAddress {
                for row in list {
                    let length = row.end - row.start
                    (target + at).initialize(from: source + row.start, count: length)
                    at += length
                }
            }
            written = at
        }
    }
}
