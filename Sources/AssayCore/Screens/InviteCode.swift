/// A single-use invite code: 160 random bits written as 32 characters of Crockford's base32
/// (no I, L, O or U) in eight groups of four, e.g. `7K3M-Q9XD-…`. Easy to read aloud and type;
/// case, dashes and spaces do not matter, and O, I and L are read as 0, 1 and 1.
///
/// Only the SHA-256 of the normalized code is stored.
public enum InviteCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new random code from the system's cryptographic generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        for index in 0..<32 {
            if index > 0, index % 4 == 0 { characters.append(UInt8(ascii: "-")) }
            characters.append(alphabet[Int(generator.next(upperBound: UInt32(32)))])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The canonical form that is hashed: upper-case, without separators, with look-alikes
    /// mapped; nil when it cannot be a code.
    public static func normalize(_ text: String) -> String? {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            default: break
            }
            var upper = byte >= 97 && byte <= 122 ? byte - 32 : byte
            switch upper {
            case UInt8(ascii: "O"): upper = UInt8(ascii: "0")
            case UInt8(ascii: "I"), UInt8(ascii: "L"): upper = UInt8(ascii: "1")
            default: break
            }
            guard alphabet.contains(upper) else { return nil }
            out.append(upper)
        }
        return out.count == 32 ? String(decoding: out, as: UTF8.self) : nil
    }
}
