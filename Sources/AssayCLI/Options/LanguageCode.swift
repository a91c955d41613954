import ArgumentParser
import AssayCore
import Foundation

/// An ISO 639-1 language code given on the command line (`--language fr`), alone or in a list
/// (``CommaSeparated``).
///
/// Parsing trims and lower-cases the text and accepts only assigned two-letter codes.
struct LanguageCode: ExpressibleByArgument, Sendable {
    /// The code, lower-case (e.g. `fr`).
    let code: String

    /// Parses a code; nil when it is not an ISO 639-1 code.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        let code = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard ISOCodes.languages.contains(code) else { return nil }
        self.code = code
    }

    /// The code, shown as a default in help.
    var defaultValueDescription: String { code }
}
