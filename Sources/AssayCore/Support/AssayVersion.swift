/// The version of Assay, printed by `assay --version`.
public enum AssayVersion {
    /// The version, `major.minor.patch` (semantic versioning).
    public static let current = "0.9.0"
}
