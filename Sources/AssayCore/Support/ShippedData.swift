public import Foundation

/// Where the data Assay ships with lives: the migrations (`sql/`), the question banks and domain
/// policies (`interview-banks/`) and the sample applicants (`examples/`), so that an installed
/// `assay` works from any folder.
///
/// Searched in order, the first folder holding the wanted entry wins:
/// 1. `$ASSAY_DATA_DIR`, when set;
/// 2. the folder of the running executable (the data beside the binary);
/// 3. `<executable's folder>/../share/assay` (what `scripts/install.sh PREFIX` makes:
///    `PREFIX/bin/assay` and `PREFIX/share/assay/`);
/// 4. the executable folder's parents, up to six levels (a build inside the repository,
///    `.build/<triple>/debug/assay`, finds the repository's folders);
/// 5. the current folder.
///
/// `Sendable`: only static functions.
public enum ShippedData {
    /// The environment variable naming a data folder to use before any other.
    public static let variable = "ASSAY_DATA_DIR"

    /// The running executable, links resolved.
    public static var executable: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .resolvingSymlinksInPath()
    }

    /// The folders searched, in order (see the type's discussion).
    ///
    /// - Parameters:
    ///   - executable: the executable whose neighbourhood is searched.
    ///   - environment: the process environment (for ``variable``).
    ///   - currentDirectory: the current folder.
    public static func searchPath(executable: URL = ShippedData.executable,
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> [URL] {
        var folders: [URL] = []
        if let dir = environment[variable], !dir.isEmpty { folders.append(URL(fileURLWithPath: dir)) }
        let binFolder = executable.deletingLastPathComponent()
        folders.append(binFolder)
        folders.append(binFolder.deletingLastPathComponent().appendingPathComponent("share/assay"))
        var parent = binFolder.deletingLastPathComponent()
        for _ in 0..<6 {
            folders.append(parent)
            parent = parent.deletingLastPathComponent()
        }
        folders.append(URL(fileURLWithPath: currentDirectory))
        return folders
    }

    /// The first searched folder that holds `marker` (a path relative to a data folder, such as
    /// `sql/001_core.sql`), or nil.
    ///
    /// - Parameters:
    ///   - marker: the relative path that must exist.
    ///   - executable: the executable whose neighbourhood is searched.
    ///   - environment: the process environment.
    ///   - currentDirectory: the current folder.
    public static func folder(holding marker: String, executable: URL = ShippedData.executable,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL? {
        searchPath(executable: executable, environment: environment, currentDirectory: currentDirectory)
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(marker).path) }
    }

    /// The shipped migrations folder, or nil when none is found.
    public static var migrations: URL? { folder(holding: "sql/001_core.sql")?.appendingPathComponent("sql") }

    /// The shipped banks folder (one folder per domain, each with its `domain.yaml`), or nil.
    public static var banks: URL? {
        guard let root = folder(holding: "interview-banks") else { return nil }
        return root.appendingPathComponent("interview-banks")
    }

    /// The sample applicants the demo imports, or nil.
    public static var sampleApplicants: URL? {
        folder(holding: "examples/applications.csv")?.appendingPathComponent("examples/applications.csv")
    }

    /// A shipped path for messages and defaults: the folder found, or `fallback` (relative to
    /// the current folder) when there is none.
    ///
    /// - Parameters:
    ///   - found: what the search found.
    ///   - fallback: the relative path to use otherwise.
    public static func path(_ found: URL?, or fallback: String) -> String { found?.path ?? fallback }
}
