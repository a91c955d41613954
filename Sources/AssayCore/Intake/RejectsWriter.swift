import Foundation

/// The rejects file: written to a temporary name and renamed when the import completes, so an
/// interrupted import leaves no half-written file.
final class RejectsWriter {
    let path: String
    private let temporary: String
    private let handle: FileHandle

    init(path: String) throws {
        self.path = path
        temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("line,field,reason,row\n".utf8)),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw AssayError(.badInput, "cannot write the rejects file \(path); check the folder exists and is writable")
        }
        self.handle = handle
        try handle.seekToEnd()
    }

    /// Lines not yet written: one write per 64 KB, not per rejected row (a write per row cost
    /// a million-row import with 1% rejects half a second).
    private var pending: [UInt8] = []

    func write(_ rejection: Intake.Rejection, raw: [UInt8]) throws {
        let row = String(decoding: raw, as: UTF8.self)
        let line = [String(rejection.line), rejection.field, rejection.reason, row].map(CSVText.field).joined(separator: ",") + "\n"
        pending.append(contentsOf: line.utf8)
        if pending.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: Data(pending))
        pending.removeAll(keepingCapacity: true)
    }

    func commit() throws {
        try flush()
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
