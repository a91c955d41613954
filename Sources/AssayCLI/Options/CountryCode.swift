import ArgumentParser
import AssayCore
import Foundation

/// An ISO 3166-1 alpha-2 country code given on the command line (`--country fr` or `FR`).
///
/// Parsing trims and upper-cases the text and accepts only assigned codes, so a bad country is a
/// usage error naming the flag (exit 2) before any database work.
struct CountryCode: ExpressibleByArgument, Sendable {
    /// The code, upper-case (e.g. `FR`).
    let code: String

    /// Parses a code; nil when it is not an ISO 3166-1 alpha-2 code.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        let code = argument.trimmingCharacters(in: .whitespaces).uppercased()
        guard ISOCodes.countries.contains(code) else { return nil }
        self.code = code
    }

    /// The code, shown as a default in help.
    var defaultValueDescription: String { code }

    /// Common names that are not ISO 3166-1 alpha-2 codes, and the code they mean.
    static let aliases = ["uk": "GB", "el": "GR", "en": "GB"]

    /// Parses a code for a filter, suggesting the nearest assigned codes on a typo.
    ///
    /// - Parameter text: the text typed.
    /// - Throws: `ValidationError`: `no ISO 3166-1 alpha-2 country 'UK'; did you mean 'GB'?`.
    static func parse(_ text: String) throws -> CountryCode {
        if let code = CountryCode(argument: text) { return code }
        throw ValidationError(unknownMessage(noun: "ISO 3166-1 alpha-2 country", value: text, known: ISOCodes.countries.sorted(), aliases: aliases))
    }
}
