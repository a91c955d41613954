/// Bold and dim text (ANSI SGR) when the terminal takes them, plain text otherwise.
public struct TextStyle: Sendable {
    /// Whether styles are written.
    public let enabled: Bool

    /// A style.
    ///
    /// - Parameter enabled: whether to write the escape sequences.
    public init(enabled: Bool) { self.enabled = enabled }

    /// `text` in bold.
    public func bold(_ text: String) -> String { enabled && !text.isEmpty ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    /// `text` dimmed.
    public func dim(_ text: String) -> String { enabled && !text.isEmpty ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    /// `text` without its escape sequences (CSI and two-byte ones): what the terminal shows.
    ///
    /// - Parameter text: text that may hold escape sequences.
    /// - Returns: the visible characters.
    public static func visible(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var result = ""
        var state = 0  // 0 text, 1 after ESC, 2 inside CSI
        for scalar in text.unicodeScalars {
            switch state {
            case 1:
                state = scalar == "[" ? 2 : 0
            case 2:
                if (0x40...0x7E).contains(scalar.value) { state = 0 }
            default:
                if scalar == "\u{1B}" { state = 1 } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
