import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads the next chunk of a file straight into the end of `buffer`: one `read(2)` into the
/// array's own storage, no intermediate `Data` (FileHandle.readData reads a 4 MB chunk as a
/// thousand 4 KB reads into fresh pages, then copies it).
///
/// - Returns: how many bytes were appended; 0 at the end of the file.
/// - Throws: ``AssayError`` naming the file when the read fails.
func readChunk(of handle: FileHandle, path: String, appendingTo buffer: inout [UInt8], upTo count: Int) throws -> Int {
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: count))
    var got = 0
    let failure: Int32? = buffer.withUnsafeMutableBytes { storage in
        let base = storage.baseAddress! + old
        while got < count {
            let result = read(handle.fileDescriptor, base + got, count - got)
            if result > 0 { got += result; continue }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return errno
        }
        return nil
    }
    buffer.removeLast(count - got)
    if let failure {
        throw AssayError(.badInput, "cannot read the file: \(String(cString: strerror(failure))); check it is a readable regular file", file: path)
    }
    return got
}
