/// Numbers as people write them in answers: decimal notation only.
///
/// Swift's `Double(_:)` also reads hexadecimal (`0x1p3` is 8, `0x10` is 16), `inf`, `infinity`
/// and `nan`: a candidate who types `0x1p3` for 8 would be scored as right while the reviewer
/// sees a string of letters. Numeric answers are read with ``parse(_:)`` instead.
public enum DecimalNumber {
    /// The value of `text` when it is a decimal number: an optional sign, digits with an
    /// optional fraction (`3`, `3.5`, `.5`, `5.`), an optional exponent (`1e-3`, `2E+5`); nothing
    /// else, not even spaces.
    ///
    /// - Parameter text: the number as typed.
    /// - Returns: the value, or nil for anything else (hexadecimal, `inf`, `nan`, thousands
    ///   separators, empty text) and for a value too large to be finite.
    public static func parse(_ text: some StringProtocol) -> Double? {
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var count = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            count += digits()
        }
        guard count > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == bytes.count, let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
