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

    /// The answer weight at the start of `text` as Moodle's GIFT reader finds it (the pattern
    /// `^%-*[0-9]{1,2}\.?[0-9]*%`): the percentage written and the number of characters it takes,
    /// or nil when the text does not start with one (then Moodle reads the `%` as answer text).
    /// The value is nil when the pattern matches but what lies between the signs is no number
    /// (such as `%--50%`).
    static func weight(at text: String) -> (value: Double?, length: Int)? {
        let characters = Array(text)
        guard characters.first == "%" else { return nil }
        var index = 1
        while index < characters.count, characters[index] == "-" { index += 1 }
        var digits = 0
        while index < characters.count, digits < 2, characters[index].isASCII, characters[index].isNumber {
            index += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        if index < characters.count, characters[index] == "." { index += 1 }
        while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
        // Taking fewer integer digits cannot help: the digits left over are then read by [0-9]*.
        guard index < characters.count, characters[index] == "%" else { return nil }
        return (parse(String(characters[1..<index])), index + 1)
    }

    /// `value` in plain decimal notation, never with an exponent (Moodle's weights need it), with
    /// the shortest digits that read back as `value`.
    static func plainDecimal(_ value: Double) -> String {
        let shortest = String(value)
        guard let exponentIndex = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        let mantissa = shortest[..<exponentIndex]
        guard let exponent = Int(shortest[shortest.index(after: exponentIndex)...]) else { return shortest }
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var result = String(digits.prefix(point))
        var tail = String(digits.dropFirst(point))
        while tail.hasSuffix("0") { tail.removeLast() }
        if !tail.isEmpty { result += "." + tail }
        return (negative ? "-" : "") + result
    }

    /// `value` as people write it: `50`, `-100`, `33.33`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
