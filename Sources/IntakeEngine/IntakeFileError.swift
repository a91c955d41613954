/// A file an import reads could not be opened or read.
///
/// The service layer turns it into its own error (bad input, exit status 2) with ``message``
/// and, when ``namesFileSeparately`` is set, ``path`` as the error's file.
public struct IntakeFileError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What went wrong and what to do, for the user.
    public var message: String
    /// Whether ``message`` leaves the file's name out (to be shown as the error's file); an
    /// error about opening names the file in its message.
    public var namesFileSeparately: Bool

    /// The message, after the file's name when the message leaves it out.
    public var description: String { namesFileSeparately ? "\(path): \(message)" : message }
}
