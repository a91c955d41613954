/// Lines of a file, read in chunks; LF or CRLF; a UTF-8 byte-order mark is skipped; a file in
/// another ``TextEncoding`` is read as UTF-8. Not `Sendable`.
public final class LineReader {
    private let file: ChunkedFile
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 0
    private var consumed = 0

    /// Bytes of the file consumed so far (for progress), in the file's own encoding (an
    /// estimate for a transcoded file).
    public var bytesRead: Int {
        file.decodedBytesRead == file.rawBytesRead || file.decodedBytesRead == 0
            ? consumed : Int(Double(consumed) * Double(file.rawBytesRead) / Double(file.decodedBytesRead))
    }

    /// Opens a file and reads its first chunk.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - encoding: its encoding.
    /// - Throws: ``IntakeFileError`` when the file cannot be opened or read.
    public init(path: String, encoding: TextEncoding = .utf8) throws {
        file = try ChunkedFile(path: path, chunk: 1 << 20, encoding: encoding)
        try refill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; consumed = 3 }
    }

    /// How many times the buffer was refilled, for tests that check a long line costs time
    /// linear in its length (it is searched again for its end after each refill).
    private(set) var refills = 0

    private func refill() throws {
        refills += 1
        if position > 0 { buffer.removeFirst(position); position = 0 }
        if try !file.readMore(appendingTo: &buffer) { atEnd = true }
    }

    /// The next line, without its line break.
    ///
    /// - Returns: the line's number (from 1) and bytes; nil at the end of the file.
    /// - Throws: ``IntakeFileError`` when the file cannot be read.
    public func next() throws -> (Int, [UInt8])? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = Array(buffer[position..<newline])
                consumed += newline + 1 - position
                position = newline + 1
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                line += 1
                return (line, bytes)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let bytes = Array(buffer[position...])
                consumed += bytes.count
                position = buffer.count
                line += 1
                return (line, bytes)
            }
            try refill()
        }
    }
}
