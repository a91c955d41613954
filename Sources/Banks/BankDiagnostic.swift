/// One problem found in a bank or domain file, with its location.
///
/// `description` reads `file:line:column: error: message`, the form editors and CI logs link.
public struct BankDiagnostic: Sendable, Hashable, CustomStringConvertible, Error {
    /// How serious the problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The file cannot be used until it is fixed.
        case error
        /// Worth a look; the file can still be used.
        case warning
    }

    /// The file's path.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// Error or warning.
    public var severity: Severity
    /// What is wrong and, where it helps, what to do.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}
