import Foundation

/// A streaming RFC 4180 CSV reader over a file: quoted fields may hold delimiters, quotes
/// (doubled) and line breaks; records end with LF or CRLF; a UTF-8 byte-order mark is skipped.
/// The delimiter is a comma unless told otherwise (Excel writes ';' in locales whose decimal
/// separator is a comma, and tabs for "Unicode Text"); a file in another ``TextEncoding`` is
/// read as UTF-8.
///
/// Reads the file in 4 MB chunks, so memory stays flat whatever its size, and decodes each
/// record into one reused buffer (``fieldBytes``, sliced by ``fieldRanges``) so that the
/// hot path allocates nothing per row. The current record is valid until the next call to
/// ``advance()``. Not `Sendable`.
public final class CSVReader {
    private let file: ChunkedFile
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var consumed = 0
    /// The byte between fields.
    public let delimiter: UInt8

    /// The current record's decoded field bytes, one after the other (valid until the next
    /// ``advance()``).
    public var fieldBytes: UnsafeBufferPointer<UInt8> { decoded.bytes }
    private var decoded = ByteBuffer(capacity: 4096)
    /// What stands in ``decoded`` while ``scan(toEnd:)`` works on it (never changed).
    private let placeholder = ByteBuffer(capacity: 16)
    /// The range of each field of the current record in ``fieldBytes``.
    public private(set) var fieldRanges: [Range<Int>] = []
    /// The line the current record starts on.
    public private(set) var recordLine = 0
    /// Why the current record is malformed (an unterminated quote, a stray quote), if it is.
    public private(set) var problem: String?
    /// How many times a record was scanned from its start (again after each read when it runs
    /// past the buffer), for tests that check a long record costs time linear in its length.
    private(set) var scans = 0
    private var rawRange: Range<Int> = 0..<0

    /// Bytes of the file consumed so far (for progress), in the file's own encoding (an
    /// estimate for a transcoded file).
    public var bytesRead: Int {
        file.decodedBytesRead == file.rawBytesRead || file.decodedBytesRead == 0
            ? consumed : Int(Double(consumed) * Double(file.rawBytesRead) / Double(file.decodedBytesRead))
    }

    /// Opens a file and reads its first chunk (skipping a byte-order mark).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - delimiter: the byte between fields (a comma, a semicolon or a tab).
    ///   - encoding: the file's encoding.
    ///   - chunk: bytes per read (tests use tiny reads to put every byte at a buffer's end).
    /// - Throws: ``IntakeFileError`` when the file cannot be opened or read.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, chunk: Int = 1 << 22) throws {
        self.delimiter = delimiter
        file = try ChunkedFile(path: path, chunk: chunk, encoding: encoding)
        buffer.reserveCapacity(min(chunk, 1 << 22))
        while buffer.count < 3, !atEnd { try load() }  // enough to see a byte-order mark
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; consumed = 3 }
    }

    /// Drops what was consumed and reads another chunk (at the end of the file, sets `atEnd`).
    private func load() throws {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        if try !file.readMore(appendingTo: &buffer) { atEnd = true }
    }

    /// The current record's original bytes (line break excluded), for the rejects file.
    public var raw: ArraySlice<UInt8> { buffer[rawRange] }

    /// The current record's fields as strings (for the slow, exact path).
    public var fields: [String] { fieldRanges.map { String(decoding: fieldBytes[$0], as: UTF8.self) } }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    /// Moves to the next record.
    ///
    /// - Returns: false at the end of the file.
    /// - Throws: ``IntakeFileError`` when the file cannot be read.
    public func advance() throws -> Bool {
        while true {
            if position >= buffer.count {
                if atEnd { return false }
                try load()
                continue
            }
            if let end = scan() { position = end; return true }
            if atEnd {
                // The last record has no line break: scan it to the end of the buffer.
                _ = scan(toEnd: true)
                position = buffer.count
                return true
            }
            try load()  // the record continues past the buffer: read more, then scan it again
        }
    }

    /// Decodes the record starting at `position`; returns the index after it, or nil when the
    /// buffer ends inside it (unless `toEnd`).
    ///
    /// Works on local copies of the field storage (moved out of and back into the object), so
    /// that appending in the loop costs no exclusivity check on a class property.
    private func scan(toEnd: Bool = false) -> Int? {
        scans += 1
        var fieldBytes = placeholder
        var fieldRanges = [Range<Int>]()
        swap(&fieldBytes, &self.decoded)
        swap(&fieldRanges, &self.fieldRanges)
        fieldBytes.removeAll()
        fieldRanges.removeAll(keepingCapacity: true)
        defer {
            swap(&fieldBytes, &self.decoded)
            swap(&fieldRanges, &self.fieldRanges)
        }
        var problem: String?
        var lines = 0
        var state = State.fieldStart
        var fieldStart = 0
        let start = position
        var finished: (rawEnd: Int, lines: Int, end: Int)?
        let delimiter = self.delimiter
        let result = buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            let count = bytes.count
            // The common record: no quote before the line break. Copy it whole and split it.
            if let end = bytes.firstIndex(of: 10, in: start..<count), bytes.firstIndex(of: 34, in: start..<end) == nil {
                var rawEnd = end
                if rawEnd > start, bytes[rawEnd - 1] == 13 { rawEnd -= 1 }
                fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<rawEnd]))
                var low = start
                while let comma = bytes.firstIndex(of: delimiter, in: low..<rawEnd) {
                    fieldRanges.append((low - start)..<(comma - start))
                    low = comma + 1
                }
                fieldRanges.append((low - start)..<(rawEnd - start))
                finished = (rawEnd, 1, end + 1)
                return end + 1
            }
            while index < count {
                let byte = bytes[index]
                index += 1
                if state == .quoted {
                    if byte != 34 {
                        // The run up to the next quote at once: one search, one copy.
                        let runEnd = bytes.firstIndex(of: 34, in: index..<count) ?? count
                        var next = index - 1
                        while let newline = bytes.firstIndex(of: 10, in: next..<runEnd) {
                            lines += 1
                            next = newline + 1
                        }
                        fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(index - 1)..<runEnd]))
                        index = runEnd
                        continue
                    }
                    // A quote: doubled, or the end of the field.
                    if index < count, bytes[index] == 34 {
                        fieldBytes.append(34)
                        index += 1
                    } else if index >= count && !toEnd {
                        return nil  // cannot tell yet whether this quote is doubled
                    } else {
                        state = .afterQuote
                    }
                    continue
                }
                switch byte {
                case delimiter:
                    fieldRanges.append(fieldStart..<fieldBytes.count)
                    fieldStart = fieldBytes.count
                    state = .fieldStart
                case 10:  // \n
                    if state == .unquoted, fieldBytes.count > fieldStart, fieldBytes.bytes[fieldBytes.count - 1] == 13 { fieldBytes.truncate(to: fieldBytes.count - 1) }
                    fieldRanges.append(fieldStart..<fieldBytes.count)
                    var rawEnd = index - 1
                    if rawEnd > start, bytes[rawEnd - 1] == 13 { rawEnd -= 1 }
                    finished = (rawEnd, lines + 1, index)
                    return index
                case 34:  // "
                    if state == .fieldStart {
                        state = .quoted
                    } else {
                        if problem == nil { problem = "a quote inside an unquoted field (quote the whole field and double the quotes inside it)" }
                        fieldBytes.append(byte)
                    }
                default:
                    if state == .afterQuote {
                        if byte != 13, problem == nil { problem = "text after the closing quote of a field" }
                    } else {
                        state = .unquoted
                        fieldBytes.append(byte)
                    }
                }
            }
            guard toEnd else { return nil }
            if state == .quoted, problem == nil { problem = "a quoted field is not closed before the end of the file" }
            if state == .unquoted, fieldBytes.count > fieldStart, fieldBytes.bytes[fieldBytes.count - 1] == 13 { fieldBytes.truncate(to: fieldBytes.count - 1) }
            fieldRanges.append(fieldStart..<fieldBytes.count)
            var rawEnd = count
            if rawEnd > start, bytes[rawEnd - 1] == 13 { rawEnd -= 1 }
            finished = (rawEnd, lines, count)
            return count
        }
        self.problem = problem
        if let finished { finish(start: start, rawEnd: finished.rawEnd, lines: finished.lines, consumedTo: finished.end) }
        return result
    }

    private func finish(start: Int, rawEnd: Int, lines: Int, consumedTo end: Int) {
        rawRange = start..<rawEnd
        recordLine = line
        line += lines
        consumed += end - start
    }
}
