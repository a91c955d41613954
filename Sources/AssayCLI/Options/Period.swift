import ArgumentParser
import Foundation

/// A length of time given on the command line: `7d`, `36h`, `90m`, or a plain number of days
/// (`--expires 7d`). Fractions are allowed (`1.5d`).
///
/// Parsing accepts any positive finite length; the range a command allows is checked by its
/// `validate()`, which names the flag.
struct Period: ExpressibleByArgument, Sendable {
    /// The length in days.
    let days: Double
    /// The text as given, for messages and help.
    let text: String

    /// A period of `days` days, shown as `text`.
    ///
    /// - Parameters:
    ///   - days: the length in days.
    ///   - text: how help shows it.
    init(days: Double, text: String) {
        self.days = days
        self.text = text
    }

    /// Parses a period; nil when the text is not a positive number optionally followed by `d`,
    /// `h` or `m`.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        let trimmed = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let unit = trimmed.last.flatMap { "dhm".contains($0) ? $0 : nil }
        guard let value = Double(unit == nil ? trimmed : String(trimmed.dropLast())), value.isFinite, value > 0 else { return nil }
        switch unit {
        case "h": days = value / 24
        case "m": days = value / 1440
        default: days = value
        }
        text = argument
    }

    /// The text as given, shown as a default in help.
    var defaultValueDescription: String { text }
}
