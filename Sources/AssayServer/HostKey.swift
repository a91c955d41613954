import AssayCore
import Crypto
public import Foundation
import NIOSSH
import Postgres
#if canImport(Glibc)
import Glibc
#endif

/// The door's Ed25519 host key: created on first start in OpenSSH's own file format (so
/// `ssh-keygen -l -f FILE` reads it), mode 0600, with a `.pub` file beside it; read again on
/// every later start, so that candidates see the same fingerprint.
///
/// An existing file may also be one made by `ssh-keygen -t ed25519 -N ''`. Encrypted keys and
/// other key types are refused with a message, as is a key file that others can read.
/// `Sendable`.
public struct HostKey: Sendable {
    /// The file it was read from or written to.
    public let path: String
    /// Whether this start created it.
    public let created: Bool
    /// The SHA-256 fingerprint as OpenSSH prints it: `SHA256:` and unpadded base64.
    public let fingerprint: String
    /// The public key as one `authorized_keys`/`known_hosts` line: `ssh-ed25519 AAAA…`.
    public let publicKeyLine: String
    let key: Curve25519.Signing.PrivateKey

    /// The key for NIOSSH.
    var sshKey: NIOSSHPrivateKey { NIOSSHPrivateKey(ed25519Key: key) }

    /// The default file: `ssh_host_ed25519_key` in `$ASSAY_HOME` (`./.assay` when unset), the
    /// folder of the embedded cluster.
    ///
    /// - Parameter environment: the process environment.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        URL(fileURLWithPath: EmbeddedCluster.defaultHome(environment: environment)).appendingPathComponent("ssh_host_ed25519_key").path
    }

    /// Reads the key at `path`, or creates it there (with its folder, mode 0700) when no file
    /// exists. Two servers starting at once end up with the same key: the file appears whole,
    /// by a hard link, or not at all.
    ///
    /// - Parameter path: the key file.
    /// - Throws: ``AssayError`` (configuration) when the file cannot be read or written, is not
    ///   an unencrypted Ed25519 key in OpenSSH's format, or can be read by others.
    public static func loadOrCreate(at path: String) throws -> HostKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AssayError(.configuration, "cannot create the folder for the host key: \(error.localizedDescription)", file: folder.path)
        }
        let key = Curve25519.Signing.PrivateKey()
        let temporary = "\(path).new-\(getpid())"
        try write(OpenSSHKeyFile.encode(key, comment: "assay-serve"), to: temporary, mode: 0o600)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            guard errno == EEXIST else {
                throw AssayError(.configuration, "cannot write the host key: \(String(cString: strerror(errno)))", file: path)
            }
            return try load(path)  // another server created it first
        }
        let hostKey = HostKey(path: path, created: true, key: key)
        try? write(hostKey.publicKeyLine + " assay-serve\n", to: "\(path).pub", mode: 0o644, replacing: true)
        return hostKey
    }

    private init(path: String, created: Bool, key: Curve25519.Signing.PrivateKey) {
        self.path = path
        self.created = created
        self.key = key
        let blob = OpenSSHKeyFile.publicBlob(key.publicKey)
        self.publicKeyLine = "ssh-ed25519 " + blob.base64EncodedString()
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        self.fingerprint = "SHA256:" + String(digest.prefix { $0 != "=" })
    }

    private static func load(_ path: String) throws -> HostKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw AssayError(.configuration, "cannot read the host key: \(String(cString: strerror(errno)))", file: path)
        }
        guard info.st_mode & 0o077 == 0 else {
            throw AssayError(.configuration, String(format: "the host key can be read by others (mode %04o); make it private with chmod 600", info.st_mode & 0o7777), file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AssayError(.configuration, "cannot read the host key", file: path)
        }
        do {
            return HostKey(path: path, created: false, key: try OpenSSHKeyFile.decode(data))
        } catch let problem as OpenSSHKeyFile.Problem {
            throw AssayError(.configuration, "not a usable host key: \(problem.message)", file: path,
                             hint: "remove it to let assay serve create a new one, or make one with ssh-keygen -t ed25519 -N '' -f \(path)")
        }
    }

    private static func write(_ text: String, to path: String, mode: mode_t, replacing: Bool = false) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | (replacing ? O_TRUNC : O_EXCL), mode)
        guard descriptor >= 0 else {
            throw AssayError(.configuration, "cannot write the host key: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw AssayError(.configuration, "cannot write the host key: \(String(cString: strerror(errno)))", file: path)
        }
    }
}

/// OpenSSH's private key file format (`openssh-key-v1`, PROTOCOL.key), for unencrypted Ed25519
/// keys only.
enum OpenSSHKeyFile {
    /// Why a file is not a usable key.
    struct Problem: Error {
        var message: String
    }

    static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    static let end = "-----END OPENSSH PRIVATE KEY-----"
    static let magic = Array("openssh-key-v1".utf8) + [0]
    static let keyType = "ssh-ed25519"

    /// The public key as the SSH wire format encodes it.
    static func publicBlob(_ key: Curve25519.Signing.PublicKey) -> Data {
        var out = Data()
        appendString(&out, Data(keyType.utf8))
        appendString(&out, key.rawRepresentation)
        return out
    }

    /// The file's text for `key`.
    static func encode(_ key: Curve25519.Signing.PrivateKey, comment: String) -> String {
        let publicKey = key.publicKey.rawRepresentation
        var check = UInt32.random(in: .min ... .max)
        var secret = Data()
        withUnsafeBytes(of: &check) { secret.append(contentsOf: $0) }
        withUnsafeBytes(of: &check) { secret.append(contentsOf: $0) }
        appendString(&secret, Data(keyType.utf8))
        appendString(&secret, publicKey)
        appendString(&secret, key.rawRepresentation + publicKey)
        appendString(&secret, Data(comment.utf8))
        var pad: UInt8 = 1
        while secret.count % 8 != 0 {
            secret.append(pad)
            pad += 1
        }
        var body = Data(magic)
        appendString(&body, Data("none".utf8))
        appendString(&body, Data("none".utf8))
        appendString(&body, Data())
        appendInteger(&body, 1)
        appendString(&body, publicBlob(key.publicKey))
        appendString(&body, secret)
        let base64 = Array(body.base64EncodedString())
        let lines = stride(from: 0, to: base64.count, by: 70).map { String(base64[$0..<min($0 + 70, base64.count)]) }
        return ([begin] + lines + [end]).joined(separator: "\n") + "\n"
    }

    /// The private key in a file's contents.
    ///
    /// - Throws: ``Problem`` saying what is wrong.
    static func decode(_ file: Data) throws -> Curve25519.Signing.PrivateKey {
        let text = String(decoding: file, as: UTF8.self)
        guard let start = text.range(of: begin), let stop = text.range(of: end), start.upperBound <= stop.lowerBound else {
            throw Problem(message: "it is not an OpenSSH private key file (no \(begin) line)")
        }
        let base64 = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let body = Data(base64Encoded: String(base64)) else { throw Problem(message: "its base64 text is damaged") }
        var reader = Reader(bytes: [UInt8](body))
        guard reader.take(magic.count) == magic else { throw Problem(message: "it is not in the openssh-key-v1 format") }
        let cipher = try reader.string()
        _ = try reader.string()  // kdf name
        _ = try reader.string()  // kdf options
        guard String(decoding: cipher, as: UTF8.self) == "none" else {
            throw Problem(message: "it is encrypted with a passphrase (a server cannot type it); remove the passphrase with ssh-keygen -p -N ''")
        }
        guard try reader.integer() == 1 else { throw Problem(message: "it holds more than one key") }
        _ = try reader.string()  // public key
        var secret = Reader(bytes: try reader.string())
        guard try secret.integer() == secret.integer() else { throw Problem(message: "its check numbers differ (damaged or encrypted)") }
        let type = String(decoding: try secret.string(), as: UTF8.self)
        guard type == keyType else { throw Problem(message: "it is a \(type) key; assay serve uses Ed25519 keys (ssh-keygen -t ed25519)") }
        let publicKey = try secret.string()
        let secretKey = try secret.string()
        guard secretKey.count == 64, publicKey.count == 32 else { throw Problem(message: "its Ed25519 key has the wrong length") }
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: secretKey.prefix(32))
        } catch {
            throw Problem(message: "its Ed25519 key cannot be read")
        }
        guard key.publicKey.rawRepresentation == Data(publicKey) else { throw Problem(message: "its public and private halves do not match") }
        return key
    }

    private static func appendInteger(_ data: inout Data, _ value: UInt32) {
        data.append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)])
    }

    private static func appendString(_ data: inout Data, _ value: Data) {
        appendInteger(&data, UInt32(value.count))
        data.append(value)
    }

    /// Reads SSH wire values from bytes.
    struct Reader {
        var bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func integer() throws -> UInt32 {
            guard let four = take(4) else { throw Problem(message: "it ends too early") }
            return four.reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func string() throws -> [UInt8] {
            let count = try integer()
            guard let value = take(Int(count)) else { throw Problem(message: "it ends too early") }
            return value
        }
    }
}
