/// Lines of a file, read in chunks; LF or CRLF; a UTF-8 byte-order mark is skipped. Not
/// `Sendable`.
public final class LineReader {
    private let file: ChunkedFile
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 0
    /// Bytes of the file consumed so far (for progress).
    public private(set) var bytesRead = 0

    /// Opens a file and reads its first chunk.
    ///
    /// - Parameter path: the file.
    /// - Throws: ``IntakeFileError`` when the file cannot be opened or read.
    public init(path: String) throws {
        file = try ChunkedFile(path: path, chunk: 1 << 20)
        try refill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private func refill() throws {
        if position > 0 { buffer.removeFirst(position); position = 0 }
        if try file.read(appendingTo: &buffer) == 0 { atEnd = true }
    }

    /// The next line, without its line break.
    ///
    /// - Returns: the line's number (from 1) and bytes; nil at the end of the file.
    /// - Throws: ``IntakeFileError`` when the file cannot be read.
    public func next() throws -> (Int, [UInt8])? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = Array(buffer[position..<newline])
                bytesRead += newline + 1 - position
                position = newline + 1
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                line += 1
                return (line, bytes)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let bytes = Array(buffer[position...])
                bytesRead += bytes.count
                position = buffer.count
                line += 1
                return (line, bytes)
            }
            try refill()
        }
    }
}
