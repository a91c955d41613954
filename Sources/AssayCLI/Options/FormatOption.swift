import ArgumentParser

/// The value of a command's `--format` option: one of the formats `Choices` offers.
///
/// Parsing accepts an offered format's name in any case and refuses every other word, so that
/// ArgumentParser reports `The value 'xml' is invalid for '--format <format>'. Please provide one
/// of 'text' and 'json'.` with the usage line and exit code 2, before any database work; help
/// lists the same formats and the default.
struct FormatOption<Choices: OutputFormatChoices>: ExpressibleByArgument, Sendable {
    /// The chosen format, always one of `Choices.offered`.
    let value: OutputFormat

    private init(value: OutputFormat) { self.value = value }

    /// The command's default format.
    static var standard: FormatOption<Choices> { FormatOption(value: Choices.standard) }

    /// Parses a format name; nil when it is not one the command offers.
    ///
    /// - Parameter argument: the word after `--format`.
    init?(argument: String) {
        guard let format = OutputFormat(rawValue: argument.lowercased()), Choices.offered.contains(format) else { return nil }
        value = format
    }

    /// The offered formats' names, for help, error messages and shell completion.
    static var allValueStrings: [String] { Choices.offered.map(\.rawValue) }

    /// Completion offers the formats' names.
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }

    /// The format's name, shown as the default in help.
    var defaultValueDescription: String { value.rawValue }
}
