import AssayCore
import Foundation

/// Reads a CSV file one record at a time, in fixed-size chunks, so that files of millions of
/// rows are never held in memory as text.
///
/// Accepts what spreadsheets and R or pandas write: a UTF-8 byte-order mark, `\n` or `\r\n`
/// line ends, and fields in double quotes (a doubled quote inside stands for one quote). A quoted
/// field may not span lines: every record is one line, so line numbers in errors are exact.
/// Fields are returned as written (no trimming); blank lines are skipped.
struct CSVRecordReader {
    /// One record: its 1-based line number and its fields.
    struct Record {
        /// The 1-based line number in the file.
        var line: Int
        /// The fields, unquoted.
        var fields: [String]
    }

    /// The file's path, as given (used in error messages).
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var lineNumber = 0
    private static let chunkSize = 1 << 20

    /// Opens a file for reading.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    /// - Throws: ``AssayError`` (bad input) when the file does not exist or cannot be read.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AssayError(.badInput, "no such file; check the path", file: path)
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw AssayError(.badInput, "cannot be read: not a readable file", file: path)
        }
        self.path = path
        self.handle = handle
    }

    /// Returns the next non-blank record, or nil at the end of the file.
    ///
    /// - Throws: ``AssayError`` (bad input, with the line) for an unterminated quoted field, and
    ///   when the file cannot be read.
    mutating func next() throws -> Record? {
        while true {
            guard let (start, end) = try nextLine() else { return nil }
            lineNumber += 1
            var stop = end
            if stop > start, buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            var first = start
            if lineNumber == 1, stop - first >= 3, buffer[first] == 0xEF, buffer[first + 1] == 0xBB, buffer[first + 2] == 0xBF {
                first += 3
            }
            if first == stop { continue }
            return Record(line: lineNumber, fields: try split(first, stop))
        }
    }

    /// Finds the next line in the buffer, reading more of the file as needed; returns its byte
    /// range (without the newline) and moves past it.
    private mutating func nextLine() throws -> (Int, Int)? {
        var searchFrom = position
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let range = (position, newline)
                position = newline + 1
                return range
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let range = (position, buffer.count)
                position = buffer.count
                return range
            }
            // Drop what was consumed, then append the next chunk.
            if position > 0 {
                buffer.removeSubrange(0..<position)
                position = 0
            }
            searchFrom = buffer.count
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: Self.chunkSize)
            } catch {
                throw AssayError(.badInput, "cannot be read: \(error.localizedDescription)", file: path)
            }
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    /// Splits the bytes of one line into unquoted fields.
    private func split(_ start: Int, _ end: Int) throws -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(4)
        var index = start
        while true {
            if index < end, buffer[index] == UInt8(ascii: "\"") {
                // Quoted field.
                var bytes: [UInt8] = []
                index += 1
                var closed = false
                while index < end {
                    let byte = buffer[index]
                    if byte == UInt8(ascii: "\"") {
                        if index + 1 < end, buffer[index + 1] == UInt8(ascii: "\"") {
                            bytes.append(byte)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    bytes.append(byte)
                    index += 1
                }
                guard closed else {
                    throw AssayError(.badInput, "unterminated quoted field (a quoted field must end on its own line)", file: path, line: lineNumber)
                }
                guard index == end || buffer[index] == UInt8(ascii: ",") else {
                    throw AssayError(.badInput, "text after the closing quote of field \(fields.count + 1)", file: path, line: lineNumber)
                }
                fields.append(String(decoding: bytes, as: UTF8.self))
            } else {
                var stop = index
                while stop < end, buffer[stop] != UInt8(ascii: ",") { stop += 1 }
                fields.append(buffer.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[index..<stop]), as: UTF8.self) })
                index = stop
            }
            if index >= end { return fields }
            index += 1 // the comma
            if index == end {
                fields.append("")
                return fields
            }
        }
    }
}
