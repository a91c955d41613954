import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file read in chunks with `pread(2)` into one reused scratch buffer, then appended to the
/// caller's array as UTF-8 (FileHandle.readData turned a 4 MB chunk into a thousand 4 KB reads
/// into fresh pages). A file in another ``TextEncoding`` is transcoded on the way. Each
/// instance keeps its own offset, so two readers of one open file do not disturb each other.
/// Not `Sendable`.
final class ChunkedFile {
    let path: String
    private let descriptor: Int32
    private let scratch: UnsafeMutableRawBufferPointer
    private var offset: off_t = 0
    private var transcoder: TextTranscoder?
    /// Bytes of the file read so far, before transcoding.
    private(set) var rawBytesRead = 0
    /// UTF-8 bytes appended so far (equal to ``rawBytesRead`` for a UTF-8 file).
    private(set) var decodedBytesRead = 0

    /// - Throws: ``IntakeFileError`` naming the file when it cannot be opened.
    init(path: String, chunk: Int, encoding: TextEncoding = .utf8) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw IntakeFileError(path: path, message: "cannot open \(path): \(reason); check the name and that it is readable", namesFileSeparately: false)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw IntakeFileError(path: path, message: "is a folder, not a file; name the file to import", namesFileSeparately: true)
        }
        self.path = path
        self.descriptor = descriptor
        scratch = .allocate(byteCount: max(chunk, 1), alignment: 16)
        transcoder = encoding == .utf8 ? nil : TextTranscoder(encoding)
    }

    deinit {
        scratch.deallocate()
        close(descriptor)
    }

    /// Appends the file's next chunk to `buffer`, as UTF-8.
    ///
    /// - Returns: how many bytes of the file were read; 0 at the end of the file.
    /// - Throws: ``IntakeFileError`` when the read fails.
    func read(appendingTo buffer: inout [UInt8]) throws -> Int {
        guard let start = scratch.baseAddress else { return 0 }
        var got = 0
        while got < scratch.count {
            let result = pread(descriptor, start + got, scratch.count - got, offset)
            if result > 0 { got += result; offset += off_t(result); continue }
            if result == 0 { break }
            if errno == EINTR { continue }
            throw IntakeFileError(path: path, message: "cannot read the file: \(String(cString: strerror(errno))); check it is a readable regular file",
                                  namesFileSeparately: true)
        }
        rawBytesRead += got
        let before = buffer.count
        let bytes = UnsafeRawBufferPointer(rebasing: scratch[0 ..< got]).bindMemory(to: UInt8.self)
        if transcoder != nil {
            transcoder?.transcode(bytes, into: &buffer, final: got == 0 || got < scratch.count)
        } else {
            buffer.append(contentsOf: bytes)
        }
        decodedBytesRead += buffer.count - before
        return got
    }

    /// Appends chunks to `buffer` until it holds twice what it held (at least one chunk).
    ///
    /// A reader whose buffer ends inside a record or line reads more and scans the record again
    /// from its start: growing the buffer geometrically keeps that linear in the record's length
    /// (one chunk at a time, a record of n bytes was scanned n / chunk times: quadratic).
    ///
    /// - Parameter buffer: the bytes read and not yet consumed.
    /// - Returns: false when the end of the file was reached.
    /// - Throws: ``IntakeFileError`` when a read fails.
    func readMore(appendingTo buffer: inout [UInt8]) throws -> Bool {
        let target = 2 * buffer.count
        repeat {
            if try read(appendingTo: &buffer) == 0 { return false }
        } while buffer.count < target
        return true
    }

    /// The file's first bytes, as they are (for ``EncodingSniffer``).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - count: how many bytes at most.
    /// - Returns: the bytes, and whether they are the whole file.
    /// - Throws: ``IntakeFileError`` when the file cannot be opened or read.
    static func prefix(of path: String, count: Int) throws -> (bytes: [UInt8], complete: Bool) {
        let file = try ChunkedFile(path: path, chunk: count + 1)
        var bytes: [UInt8] = []
        let read = try file.read(appendingTo: &bytes)
        return (Array(bytes.prefix(count)), read <= count)
    }
}

extension EncodingSniffer {
    /// Looks at the start of a file.
    ///
    /// - Parameter path: the file.
    /// - Returns: what its first bytes look like.
    /// - Throws: ``IntakeFileError`` when the file cannot be opened or read.
    public static func sniff(path: String) throws -> Finding {
        let (bytes, complete) = try ChunkedFile.prefix(of: path, count: window)
        return sniff(bytes, complete: complete)
    }
}
