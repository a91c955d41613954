public import Postgres
public import Psychometrics

/// An error the `assay` command can report to a person: one line on stderr, perhaps a hint, and
/// an exit status.
///
/// Every error type that can reach the command line conforms, so that the CLI has one path
/// for all of them: ``AssayError`` (the service layer), `PostgresError` (the database layer),
/// `PsychometricsError` (answer keys, responses, item parameters).
public protocol ReportableError: Error {
    /// The process's exit status for this error: 1 for a failure, 2 for bad usage or bad input.
    var exitStatus: Int32 { get }
    /// What is wrong, where and what to do: one line, printed after `assay: error: `.
    var userMessage: String { get }
    /// What to try next, printed after `assay: hint: `, if anything.
    var hint: String? { get }
}

extension PostgresError: ReportableError {
    /// Database failures are failures (1), except an embedded cluster folder that is not safe
    /// to use (``PostgresError/Kind/untrustedFolder``): bad configuration the user must fix (2).
    public var exitStatus: Int32 { kind == .untrustedFolder ? 2 : 1 }
    /// The error's description, which never contains SQL or values.
    public var userMessage: String { description }
}

extension PsychometricsError: ReportableError {
    /// Keys, responses and parameters that cannot be used are bad input (2).
    public var exitStatus: Int32 { 2 }
    /// What is wrong, in the module's own words.
    public var userMessage: String { message }
    /// Psychometrics errors carry no hint.
    public var hint: String? { nil }
}
