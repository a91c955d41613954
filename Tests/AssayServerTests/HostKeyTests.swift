import AssayCore
import AssayServer
import AssayTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("The door's host key")
struct HostKeyTests {
    /// `ssh-keygen -l -f FILE`: `256 SHA256:… comment (ED25519)`.
    func sshKeygenFingerprint(_ path: String) throws -> String {
        let result = try CommandRun.run("/usr/bin/ssh-keygen", ["-l", "-f", path], environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? ""
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test("the first start creates a private Ed25519 key that OpenSSH reads, with the same fingerprint; later starts reuse it")
    func createdOnceThenReused() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-hostkey-")
        let path = folder.appendingPathComponent("home/ssh_host_ed25519_key").path  // the folder does not exist yet
        let created = try HostKey.loadOrCreate(at: path)
        #expect(created.created)
        #expect(mode(path) == 0o600)
        #expect(created.fingerprint.hasPrefix("SHA256:") && created.fingerprint.count == 50)
        #expect(try sshKeygenFingerprint(path) == created.fingerprint)
        #expect(try sshKeygenFingerprint(path + ".pub") == created.fingerprint)
        let reused = try HostKey.loadOrCreate(at: path)
        #expect(!reused.created)
        #expect(reused.fingerprint == created.fingerprint)
        #expect(reused.publicKeyLine == created.publicKeyLine)
    }

    @Test("a key made by ssh-keygen is used as it is")
    func sshKeygenKey() throws {
        let folder = try TemporaryFolder.make(prefix: "assay-hostkey-")
        let path = folder.appendingPathComponent("key").path
        let made = try CommandRun.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ops", "-f", path], environment: ProcessInfo.processInfo.environment)
        #expect(made.status == 0, "\(made.stderr)")
        let key = try HostKey.loadOrCreate(at: path)
        #expect(!key.created)
        #expect(key.fingerprint == (try sshKeygenFingerprint(path)))
    }

    @Test("unusable key files are refused with what to do", arguments: [
        ("readable by others", "make it private with chmod 600"),
        ("garbage", "not an OpenSSH private key file"),
        ("encrypted", "passphrase"),
        ("rsa", "assay serve uses Ed25519 keys"),
    ])
    func refused(kind: String, message: String) throws {
        let folder = try TemporaryFolder.make(prefix: "assay-hostkey-")
        let path = folder.appendingPathComponent("key").path
        let environment = ProcessInfo.processInfo.environment
        switch kind {
        case "readable by others":
            _ = try HostKey.loadOrCreate(at: path)
            chmod(path, 0o644)
        case "garbage":
            try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
        case "encrypted":
            _ = try CommandRun.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret phrase", "-f", path], environment: environment)
        default:
            _ = try CommandRun.run("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", path], environment: environment)
        }
        let error = try #require(throws: AssayError.self) { _ = try HostKey.loadOrCreate(at: path) }
        #expect(error.code == .configuration)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.file == path)
    }
}
