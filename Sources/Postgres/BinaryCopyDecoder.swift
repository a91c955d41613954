/// Reads the rows of `COPY … TO STDOUT (FORMAT binary)` as the server sends them, whatever
/// the chunks it arrives in: the file header, then each row's fields (their bytes, or nil for
/// NULL), up to the trailer.
public struct BinaryCopyDecoder {
    private var pending: [UInt8] = []
    private var sawHeader = false
    private var fields: [UnsafeBufferPointer<UInt8>?] = []
    /// Whether the trailer has been read.
    public private(set) var finished = false

    /// A decoder at the start of a COPY's data.
    public init() {}

    /// Takes the next bytes of COPY data and hands every complete row to `row`.
    ///
    /// - Parameters:
    ///   - bytes: the next bytes (one chunk from ``Connection/copyOut(_:to:)``).
    ///   - row: receives each row's fields, valid only during the call.
    /// - Throws: ``PostgresError`` (kind ``PostgresError/Kind/copy``) when the data is not binary
    ///   COPY data, or `row`'s error.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws {
        // The usual chunk is one whole row (libpq hands one CopyData message at a time): read it
        // where it is, without copying it.
        if sawHeader, !finished, pending.isEmpty {
            let data = bytes.bindMemory(to: UInt8.self)
            var fields: [UnsafeBufferPointer<UInt8>?] = []
            swap(&fields, &self.fields)
            defer {
                fields.removeAll(keepingCapacity: true)
                swap(&fields, &self.fields)
            }
            if let end = try Self.row(in: data, at: 0, fields: &fields) {
                if end < 0 {
                    finished = true
                    return
                }
                try row(fields)
                if end == data.count { return }
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[end...]))
                return try feed(UnsafeRawBufferPointer(start: nil, count: 0), row: row)
            }
        }
        var pending: [UInt8] = []
        swap(&pending, &self.pending)
        pending.append(contentsOf: bytes)
        var offset = 0
        var fields: [UnsafeBufferPointer<UInt8>?] = []
        swap(&fields, &self.fields)
        var sawHeader = self.sawHeader
        var finished = self.finished
        defer {
            fields.removeAll(keepingCapacity: true)
            swap(&fields, &self.fields)
            pending.removeFirst(offset)
            swap(&pending, &self.pending)
            self.sawHeader = sawHeader
            self.finished = finished
        }
        try pending.withUnsafeBufferPointer { data in
            func int32(at position: Int) -> Int32 {
                Int32(bitPattern: UInt32(data[position]) << 24 | UInt32(data[position + 1]) << 16 | UInt32(data[position + 2]) << 8 | UInt32(data[position + 3]))
            }
            if !sawHeader {
                guard data.count >= 19 else { return }
                guard data.starts(with: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]) else {
                    throw PostgresError(kind: .copy, message: "the COPY data is not in the binary format")
                }
                let extensionLength = Int(int32(at: 15))
                guard data.count >= 19 + extensionLength else { return }
                offset = 19 + extensionLength
                sawHeader = true
            }
            while !finished, let end = try Self.row(in: data, at: offset, fields: &fields) {
                if end < 0 {
                    finished = true
                    offset += 2
                    break
                }
                try row(fields)
                offset = end
            }
        }
    }

    /// Reads the row that starts at `offset` into `fields`.
    ///
    /// - Returns: the offset after it; -1 for the trailer; nil when the row is not complete.
    private static func row(in data: UnsafeBufferPointer<UInt8>, at offset: Int, fields: inout [UnsafeBufferPointer<UInt8>?]) throws -> Int? {
        guard offset + 2 <= data.count else { return nil }
        let count = Int(Int16(bitPattern: UInt16(data[offset]) << 8 | UInt16(data[offset + 1])))
        if count == -1 { return -1 }
        guard count >= 0 else { throw PostgresError(kind: .copy, message: "the COPY data has a row of \(count) fields") }
        var position = offset + 2
        fields.removeAll(keepingCapacity: true)
        for _ in 0 ..< count {
            guard position + 4 <= data.count else { return nil }
            let length = Int(Int32(bitPattern: UInt32(data[position]) << 24 | UInt32(data[position + 1]) << 16
                                   | UInt32(data[position + 2]) << 8 | UInt32(data[position + 3])))
            position += 4
            if length < 0 {
                fields.append(nil)
                continue
            }
            guard position + length <= data.count else { return nil }
            fields.append(UnsafeBufferPointer(rebasing: data[position ..< position + length]))
            position += length
        }
        return position
    }

    /// A field's value as a big-endian `bigint` (nil when it is not 8 bytes).
    ///
    /// - Parameter field: the field's bytes.
    /// - Returns: the number.
    public static func int64(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard field.count == 8 else { return nil }
        var value: UInt64 = 0
        for byte in field { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }
}
