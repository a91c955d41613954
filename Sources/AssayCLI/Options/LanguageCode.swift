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

    /// Country codes and retired codes often typed for a language, and the ISO 639-1 code meant.
    static let aliases = ["jp": "ja", "cn": "zh", "gr": "el", "dk": "da", "cz": "cs", "kr": "ko", "vn": "vi", "ua": "uk",
                          "iw": "he", "in": "id", "ji": "yi", "us": "en", "gb": "en"]

    /// Parses a code for a filter, suggesting the nearest assigned codes on a typo.
    ///
    /// - Parameter text: the text typed.
    /// - Throws: `ValidationError`: `no ISO 639-1 language 'jp'; did you mean 'ja'?`.
    static func parse(_ text: String) throws -> LanguageCode {
        if let code = LanguageCode(argument: text) { return code }
        throw ValidationError(unknownMessage(noun: "ISO 639-1 language", value: text, known: ISOCodes.languages.sorted(), aliases: aliases))
    }
}
