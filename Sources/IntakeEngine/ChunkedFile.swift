import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file read in chunks with `read(2)` into one reused scratch buffer, then appended to the
/// caller's array (FileHandle.readData turned a 4 MB chunk into a thousand 4 KB reads into
/// fresh pages). Not `Sendable`.
final class ChunkedFile {
    let path: String
    private let handle: FileHandle
    private let scratch: UnsafeMutableRawBufferPointer

    /// - Throws: ``IntakeFileError`` naming the file when it cannot be opened.
    init(path: String, chunk: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IntakeFileError(path: path, message: "cannot open \(path): no such file, or not readable", namesFileSeparately: false)
        }
        self.path = path
        self.handle = handle
        scratch = .allocate(byteCount: max(chunk, 1), alignment: 16)
    }

    deinit {
        scratch.deallocate()
        try? handle.close()
    }

    /// Appends the file's next chunk to `buffer`.
    ///
    /// - Returns: how many bytes were appended; 0 at the end of the file.
    /// - Throws: ``IntakeFileError`` when the read fails.
    func read(appendingTo buffer: inout [UInt8]) throws -> Int {
        guard let start = scratch.baseAddress else { return 0 }
        var got = 0
        while got < scratch.count {
            let result = Glibc.read(handle.fileDescriptor, start + got, scratch.count - got)
            if result > 0 { got += result; continue }
            if result == 0 { break }
            if errno == EINTR { continue }
            throw IntakeFileError(path: path, message: "cannot read the file: \(String(cString: strerror(errno))); check it is a readable regular file",
                                  namesFileSeparately: true)
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0 ..< got]).bindMemory(to: UInt8.self))
        return got
    }
}
