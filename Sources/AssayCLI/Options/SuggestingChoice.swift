import ArgumentParser
import AssayCore
import Foundation

/// A fixed set of words an option takes (`--status passed`), parsed so that a typo is a usage
/// error (exit 2) that lists the words and suggests the nearest: `no status 'pased' (one of:
/// received, invited, …); did you mean 'passed'?`.
///
/// A command declares such an option with `transform: Status.parse` (and
/// `completion: Status.completion`), because ArgumentParser's own message for an enumeration
/// lists the values but suggests none.
protocol SuggestingChoice: CaseIterable, RawRepresentable, ExpressibleByArgument, Sendable where RawValue == String {
    /// What the values are, for messages (`status`, `format`).
    static var noun: String { get }
}

extension SuggestingChoice {
    /// The values, in declaration order.
    static var names: [String] { allCases.map(\.rawValue) }

    /// Shell completion offers the values.
    static var completion: CompletionKind { .list(names) }

    /// Parses a value (case-insensitive, surrounding spaces ignored).
    ///
    /// - Parameter text: the word typed.
    /// - Throws: `ValidationError` listing the values and the nearest ones.
    static func parse(_ text: String) throws -> Self {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let value = Self(rawValue: word) { return value }
        throw ValidationError(unknownMessage(noun: noun, value: text, known: names))
    }
}

/// The message for a value that names nothing: `no status 'pased' (one of: …); did you mean
/// 'passed'?`.
///
/// - Parameters:
///   - noun: what the value should name.
///   - value: what was typed.
///   - known: the values that exist.
///   - aliases: common wrong names and the value they mean (keys lower-case).
func unknownMessage(noun: String, value: String, known: [String], aliases: [String: String] = [:]) -> String {
    let list = known.count <= 12 ? " (one of: \(known.map { "'\($0)'" }.joined(separator: ", ")))" : ""
    return "no \(noun) '\(value.visibleSafe)'\(list)" + (Suggestion.didYouMean(value, in: known, aliases: aliases).map { "; \($0)" } ?? "")
}
