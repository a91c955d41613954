import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file Assay writes for its user (`--out`, `--rejects`, invite-code sheets): created whole or
/// not at all, and never at the cost of something else on the disk.
///
/// The rules, each a refusal with exit status 2 that says what to do:
/// - a path naming a folder (it exists as one, or ends with `/`) is refused: a folder is never
///   replaced or removed;
/// - a symbolic link is refused, never followed;
/// - a path that is one of the command's input files (same device and inode) is refused;
/// - the folder it goes in must exist.
///
/// The content is written to an unnamed file in the target folder (Linux `O_TMPFILE`), which
/// the kernel removes if the process dies, so a killed export leaves nothing with personal data
/// behind; ``commit()`` gives it its name atomically, replacing an existing regular file. Where
/// the file system has no unnamed files, a hidden `.NAME.XXXXXX` file is used and removed on
/// every failure path (only a `kill -9` between creation and commit could leave it). Files that
/// hold personal data (rosters, rejects, invitation codes) are created with mode 0600.
public final class OutputFile {
    /// The path the file gets on ``commit()``.
    public let path: String
    /// The open descriptor the content is written to.
    public let descriptor: Int32
    private var temporaryName: String?
    private var finished = false
    /// Whether ``commit()`` may replace a file that exists by then.
    private let replacing: Bool
    private var pending: [UInt8] = []

    /// Opens an output file for writing.
    ///
    /// - Parameters:
    ///   - path: where the file goes.
    ///   - inputs: the command's input files, which the output must not be.
    ///   - personalData: create it 0600 (otherwise 0644 less the umask).
    ///   - replacing: whether an existing regular file may be replaced (otherwise it is refused).
    ///   - field: the option that named the file (e.g. `out`), for the error.
    /// - Throws: ``AssayError`` (bad input) for a folder, a symbolic link, an input file, a missing
    ///   folder, or a file that may not be replaced; (configuration) when it cannot be created.
    public init(path: String, inputs: [String] = [], personalData: Bool, replacing: Bool = true, field: String? = nil) throws {
        self.path = path
        self.replacing = replacing
        func refuse(_ message: String, _ hint: String) -> AssayError {
            AssayError(.badInput, message, field: field, hint: hint)
        }
        guard !path.isEmpty else { throw refuse("the output file name is empty", "name a file") }
        if path.hasSuffix("/") {
            throw refuse("\(path.visibleSafe) names a folder; an output must be a file", "name a file inside it, e.g. \(path.visibleSafe)out.csv")
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR {
                throw refuse("\(path.visibleSafe) is a folder; Assay never replaces a folder with a file", "name a file inside it, e.g. \(path.visibleSafe)/out.csv")
            }
            if type == S_IFLNK {
                throw refuse("\(path.visibleSafe) is a symbolic link; Assay does not write through links", "name the real file, or remove the link first")
            }
            if type != S_IFREG {
                throw refuse("\(path.visibleSafe) is not a regular file", "name a regular file")
            }
            for input in inputs {
                var inputStatus = stat()
                if stat(input, &inputStatus) == 0, inputStatus.st_dev == status.st_dev, inputStatus.st_ino == status.st_ino {
                    throw refuse("\(path.visibleSafe) is the input file; writing it would destroy the input", "name another file")
                }
            }
            if !replacing {
                throw refuse("\(path.visibleSafe) already exists and is not replaced", "name a new file, or remove the old one first")
            }
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var folderStatus = stat()
        guard stat(folder, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR else {
            throw refuse("the folder \(folder.visibleSafe) for \(path.visibleSafe) does not exist", "create the folder first")
        }
        let mode: mode_t = personalData ? 0o600 : 0o644
        // O_TMPFILE is O_DIRECTORY | __O_TMPFILE (020000000 on every Linux architecture Swift runs on).
        let unnamed = open(folder, O_DIRECTORY | 0o20000000 | O_WRONLY | O_CLOEXEC, mode)
        if unnamed >= 0 {
            descriptor = unnamed
        } else {
            let base = (path as NSString).lastPathComponent
            var template = Array("\(folder)/.\(base).XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw AssayError(.configuration, "cannot create \(path.visibleSafe): \(String(cString: strerror(errno)))", field: field,
                                 hint: "check that the folder is writable")
            }
            temporaryName = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            descriptor = fd
        }
        _ = fchmod(descriptor, personalData ? 0o600 : 0o644 & ~currentUmask())
    }

    /// Appends bytes (buffered; written in large blocks).
    ///
    /// - Throws: ``AssayError`` when the disk refuses the write.
    public func write(_ bytes: some Sequence<UInt8>) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Appends text as UTF-8.
    ///
    /// - Throws: ``AssayError`` when the disk refuses the write.
    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    /// Writes what is buffered to the (still unnamed) file now, so that a full disk is found
    /// before the work the file reports on is committed.
    ///
    /// - Throws: ``AssayError`` when the disk refuses the write.
    public func flush() throws {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw AssayError(.configuration, "cannot write \(path.visibleSafe): \(String(cString: strerror(errno)))", hint: "check the free space")
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and flushes it to disk, without naming the file yet: a caller that
    /// must commit something else first (a database transaction) does this before, so that
    /// only the rename remains after it.
    ///
    /// - Throws: ``AssayError`` when the disk refuses the write.
    public func synchronize() throws {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw AssayError(.configuration, "cannot write \(path.visibleSafe): \(String(cString: strerror(errno)))", hint: "check the free space")
        }
    }

    /// Writes what is buffered, flushes it to disk and gives the file its name (replacing an
    /// existing regular file atomically, or, when replacing is off, only if no file has the name
    /// by then: a file created meanwhile is not replaced either).
    ///
    /// - Throws: ``AssayError`` when the file cannot be written or named; the file is then gone.
    public func commit() throws {
        guard !finished else { return }
        do {
            try flush()
            guard fsync(descriptor) == 0 else {
                throw AssayError(.configuration, "cannot write \(path.visibleSafe): \(String(cString: strerror(errno)))")
            }
            let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
            if !replacing {
                // Named in one step that fails if the name is taken (link(2) never replaces).
                let linked = temporaryName.map { link($0, path) } ?? linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW)
                guard linked == 0 else {
                    let error = errno
                    throw AssayError(error == EEXIST ? .badInput : .configuration,
                                     "cannot write \(path.visibleSafe): \(error == EEXIST ? "a file of that name was created meanwhile, and it is not replaced" : String(cString: strerror(error)))")
                }
                if let temporaryName { unlink(temporaryName) }
                temporaryName = nil
                finished = true
                close(descriptor)
                return
            }
            var named = temporaryName
            if named == nil {
                // Link the unnamed file under a fresh hidden name, then rename that over the target.
                for attempt in 0..<100 {
                    let candidate = "\(folder)/.\((path as NSString).lastPathComponent).\(getpid()).\(attempt)"
                    if linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, candidate, AT_SYMLINK_FOLLOW) == 0 {
                        named = candidate
                        break
                    }
                    if errno != EEXIST {
                        throw AssayError(.configuration, "cannot name \(path.visibleSafe): \(String(cString: strerror(errno)))")
                    }
                }
            }
            guard let named else { throw AssayError(.configuration, "cannot name \(path.visibleSafe): no free temporary name") }
            temporaryName = named
            guard rename(named, path) == 0 else {
                throw AssayError(.configuration, "cannot write \(path.visibleSafe): \(String(cString: strerror(errno)))",
                                 hint: errno == EISDIR ? "a folder was created at that path meanwhile; name another file" : nil)
            }
            temporaryName = nil
            finished = true
            close(descriptor)
        } catch {
            discard()
            throw error
        }
    }

    /// Abandons the file: nothing is left on disk.
    public func discard() {
        guard !finished else { return }
        finished = true
        if let temporaryName { unlink(temporaryName) }
        temporaryName = nil
        close(descriptor)
    }

    deinit { discard() }
}

/// The process's umask, read without changing it for longer than the call.
private func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}
