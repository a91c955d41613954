internal import Foundation

/// The banks and domains found under a path, with every problem found in them.
public struct BankCollection: Sendable {
    /// The domains read (those whose `domain.yaml` is valid).
    public var domains: [Domain]
    /// The banks read, with the file each came from.
    public var banks: [(file: String, bank: Bank)]
    /// Every problem, in file order.
    public var diagnostics: [BankDiagnostic]
    /// The number of files read.
    public var filesRead: Int

    /// Whether any problem is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Checks question banks: each file with ``BankReader``, then the rules that span files
/// (a domain's slug matches its folder, a bank's domain exists and is its folder, bank slugs are
/// unique).
public enum BankLinter {
    /// Reads and checks everything under `path`.
    ///
    /// - Parameter path: the `interview-banks/` folder, one domain's folder, or one bank file.
    ///   Domains are always looked up in the root that holds the path, so that a single file's
    ///   domain can be checked.
    /// - Returns: what was read and every problem found; a path that does not exist is a
    ///   diagnostic too.
    public static func lint(path: String) -> BankCollection {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return BankCollection(domains: [], banks: [], diagnostics: [BankDiagnostic(file: path, line: 1, column: 1, message: "no such file or folder")], filesRead: 0)
        }
        let url = URL(fileURLWithPath: path)
        // Decide the root (the folder of domain folders) and which bank files to check.
        let root: URL
        var onlyDomain: String?
        var onlyFile: String?
        if !isDirectory.boolValue {
            onlyFile = path
            root = url.deletingLastPathComponent().deletingLastPathComponent()
            onlyDomain = url.deletingLastPathComponent().lastPathComponent
        } else if manager.fileExists(atPath: url.appendingPathComponent("domain.yaml").path) {
            root = url.deletingLastPathComponent()
            onlyDomain = url.lastPathComponent
        } else {
            root = url
        }
        var diagnostics: [BankDiagnostic] = []
        var domains: [Domain] = []
        var banks: [(file: String, bank: Bank)] = []
        var filesRead = 0
        let folders = ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
            .filter { !$0.hasPrefix(".") }
            .map { root.appendingPathComponent($0) }
            .filter { var dir: ObjCBool = false; return manager.fileExists(atPath: $0.path, isDirectory: &dir) && dir.boolValue }
        /// Paths in messages: relative to the current folder when below it, else absolute.
        func display(_ url: URL) -> String {
            let full = url.standardizedFileURL.path
            let cwd = FileManager.default.currentDirectoryPath
            return full.hasPrefix(cwd + "/") ? String(full.dropFirst(cwd.count + 1)) : full
        }
        var known: Set<String> = []
        for folder in folders {
            let domainFile = folder.appendingPathComponent("domain.yaml")
            guard manager.fileExists(atPath: domainFile.path) else {
                if onlyDomain == nil {
                    diagnostics.append(BankDiagnostic(file: display(folder), line: 1, column: 1, message: "this folder has no domain.yaml; every folder of banks is a domain and needs one"))
                }
                continue
            }
            let checkThis = onlyDomain == nil || onlyDomain == folder.lastPathComponent
            guard let text = read(domainFile, into: &diagnostics, display: display(domainFile)) else { continue }
            let (domain, problems) = BankReader.domain(from: text, file: display(domainFile))
            if checkThis { diagnostics += problems; filesRead += 1 }
            guard let domain else { continue }
            if domain.slug != folder.lastPathComponent, checkThis {
                diagnostics.append(BankDiagnostic(file: display(domainFile), line: 1, column: 1, message: "the domain's slug '\(domain.slug)' differs from its folder name '\(folder.lastPathComponent)'; they must be equal"))
            }
            known.insert(domain.slug)
            if checkThis { domains.append(domain) }
        }
        var slugs: [String: String] = [:]
        for folder in folders where onlyDomain == nil || onlyDomain == folder.lastPathComponent {
            let files = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
                .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != "domain.yaml" }
            for name in files {
                let file = folder.appendingPathComponent(name)
                if let onlyFile, URL(fileURLWithPath: onlyFile).standardizedFileURL.path != file.standardizedFileURL.path { continue }
                guard let text = read(file, into: &diagnostics, display: display(file)) else { continue }
                filesRead += 1
                let (bank, problems) = BankReader.bank(from: text, file: display(file))
                diagnostics += problems
                guard let bank else { continue }
                let at = location(of: "domain", in: text)
                if !known.contains(bank.domain) {
                    diagnostics.append(BankDiagnostic(file: display(file), line: at.line, column: at.column, message: "unknown domain '\(bank.domain)'; known domains: \(known.sorted().joined(separator: ", "))"))
                    continue
                }
                if bank.domain != folder.lastPathComponent {
                    diagnostics.append(BankDiagnostic(file: display(file), line: at.line, column: at.column, message: "the bank's domain is '\(bank.domain)' but the file is in the folder of '\(folder.lastPathComponent)'; move it or fix the domain"))
                    continue
                }
                if let other = slugs[bank.slug] {
                    let slugAt = location(of: "slug", in: text)
                    diagnostics.append(BankDiagnostic(file: display(file), line: slugAt.line, column: slugAt.column, message: "bank slug '\(bank.slug)' is also used by \(other); bank slugs must be unique"))
                    continue
                }
                slugs[bank.slug] = display(file)
                banks.append((display(file), bank))
            }
        }
        // Each policy's required banks exist and belong to its domain.
        for domain in domains {
            guard let policy = domain.policy else { continue }
            for slug in policy.requiredBanks where onlyDomain == nil || onlyFile == nil {
                let owner = banks.first { $0.bank.slug == slug }
                let file = display(root.appendingPathComponent(domain.slug).appendingPathComponent("domain.yaml"))
                let text = (try? String(contentsOf: root.appendingPathComponent(domain.slug).appendingPathComponent("domain.yaml"), encoding: .utf8)) ?? ""
                let at = location(of: "  required_banks", in: text, containing: slug)
                if owner == nil {
                    diagnostics.append(BankDiagnostic(file: file, line: at.line, column: at.column, message: "the policy requires bank '\(slug)', which does not exist"))
                } else if owner?.bank.domain != domain.slug {
                    diagnostics.append(BankDiagnostic(file: file, line: at.line, column: at.column, message: "the policy requires bank '\(slug)', which belongs to domain '\(owner!.bank.domain)'"))
                }
            }
        }
        if let onlyFile, banks.isEmpty, filesRead == 0 {
            diagnostics.append(BankDiagnostic(file: onlyFile, line: 1, column: 1, message: "not a bank file inside a domain folder (interview-banks/<domain>/<bank>.yaml)"))
        }
        return BankCollection(domains: domains, banks: banks, diagnostics: diagnostics, filesRead: filesRead)
    }

    private static func read(_ url: URL, into diagnostics: inout [BankDiagnostic], display: String) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            diagnostics.append(BankDiagnostic(file: display, line: 1, column: 1, message: "cannot read the file"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(BankDiagnostic(file: display, line: 1, column: 1, message: "the file is not valid UTF-8"))
            return nil
        }
        return text
    }

    /// The line of `value` at or after `key:` in a file's text (for list entries), or of the key.
    private static func location(of key: String, in text: String, containing value: String) -> (line: Int, column: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key.trimmingCharacters(in: .whitespaces) + ":") }) else { return (1, 1) }
        for index in start..<lines.count {
            if let range = lines[index].range(of: value) {
                return (index + 1, lines[index].distance(from: lines[index].startIndex, to: range.lowerBound) + 1)
            }
        }
        return (start + 1, 1)
    }

    /// The position of a top-level `key:` in a file's text, for cross-file diagnostics.
    private static func location(of key: String, in text: String) -> (line: Int, column: Int) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("\(key):") {
            return (index + 1, key.count + 3)
        }
        return (1, 1)
    }
}
