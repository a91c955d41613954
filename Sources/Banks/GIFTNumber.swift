/// Strict number reading for GIFT numeric answers and weights.
enum GIFTNumber {
    /// The decimal number `text` (optional sign, digits with an optional fraction, optional
    /// exponent), or `nil` for anything else, including `nan`, `inf` and hexadecimal.
    static func parse(_ text: some StringProtocol) -> Double? {
        let characters = Array(GIFTMarkup.trimmed(text))
        var index = 0
        if index < characters.count, characters[index] == "+" || characters[index] == "-" { index += 1 }
        var digits = 0
        while index < characters.count, characters[index].isASCII, characters[index].isNumber {
            index += 1
            digits += 1
        }
        if index < characters.count, characters[index] == "." {
            index += 1
            while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                index += 1
                digits += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            index += 1
            if index < characters.count, characters[index] == "+" || characters[index] == "-" { index += 1 }
            var exponentDigits = 0
            while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                index += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == characters.count, let value = Double(String(characters)), value.isFinite else { return nil }
        return value
    }

    /// `value` as people write it: `50`, `-100`, `33.33`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
