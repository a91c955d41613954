internal import Foundation

/// Moodle-style short-answer patterns as the bank writes them: `*` any run of characters, `\*` a
/// literal asterisk.
enum ShortTextPatterns {
    /// Whether `pattern` holds an unescaped `*`.
    static func hasWildcard(_ pattern: String) -> Bool {
        var previous: Character?
        for character in pattern {
            if character == "*", previous != "\\" { return true }
            previous = character
        }
        return false
    }

    /// Whether `pattern` is nothing but wildcards (and whitespace), so it accepts every answer.
    static func wildcardMatchesEverything(_ pattern: String) -> Bool {
        let trimmed = pattern.filter { !$0.isWhitespace }
        return !trimmed.isEmpty && trimmed.allSatisfy { $0 == "*" }
    }

    /// A literal text as a pattern: every `*` written `\*`.
    static func escaping(_ literal: String) -> String {
        guard literal.utf8.contains(UInt8(ascii: "*")) else { return literal }
        return literal.replacingOccurrences(of: "*", with: "\\*")
    }

    /// The literal text a pattern without wildcards stands for: every `\*` read as `*`.
    static func unescaping(_ pattern: String) -> String {
        guard pattern.utf8.contains(UInt8(ascii: "\\")) else { return pattern }
        return pattern.replacingOccurrences(of: "\\*", with: "*")
    }
}
