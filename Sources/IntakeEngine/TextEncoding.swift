/// The character encodings an applicant file may be read in. Every reader turns the file into
/// UTF-8 as it reads it, so everything after the reader sees UTF-8 only.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a byte-order mark (what "CSV UTF-8" in Excel writes).
    case utf8 = "utf-8"
    /// UTF-16 whose byte order the byte-order mark gives (little-endian without one, as
    /// Windows writes it): Excel's "Unicode Text".
    case utf16 = "utf-16"
    /// UTF-16, little-endian.
    case utf16LittleEndian = "utf-16le"
    /// UTF-16, big-endian.
    case utf16BigEndian = "utf-16be"
    /// Windows-1252, what Excel on Windows writes for plain "CSV" in western European locales.
    case windows1252 = "windows-1252"
    /// ISO 8859-1 (Latin-1).
    case latin1 = "latin-1"

    /// The encoding a user's name for it means: the names above, and common spellings
    /// (`utf8`, `UTF-16LE`, `cp1252`, `iso-8859-1`…), in any case.
    ///
    /// - Parameter name: the name given.
    /// - Returns: the encoding, or nil when the name is not one of these.
    public init?(name: String) {
        let key = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
        switch key {
        case "utf8": self = .utf8
        case "utf16", "unicode", "ucs2": self = .utf16
        case "utf16le", "ucs2le": self = .utf16LittleEndian
        case "utf16be", "ucs2be": self = .utf16BigEndian
        case "windows1252", "cp1252", "win1252", "ansi": self = .windows1252
        case "latin1", "iso88591", "l1": self = .latin1
        default: return nil
        }
    }
}

/// Turns bytes of a ``TextEncoding`` into UTF-8, chunk by chunk: a character split between two
/// chunks is completed with the next one. Bytes that are not text in the encoding (a lone
/// surrogate, an odd byte at the end of a UTF-16 file) become U+FFFD.
struct TextTranscoder {
    private let encoding: TextEncoding
    /// UTF-16's byte order, once known (from the byte-order mark for ``TextEncoding/utf16``).
    private var bigEndian: Bool?
    /// The bytes of an incomplete UTF-16 code unit or surrogate pair carried to the next chunk.
    private var carry: [UInt8] = []

    init(_ encoding: TextEncoding) {
        self.encoding = encoding
        switch encoding {
        case .utf16LittleEndian: bigEndian = false
        case .utf16BigEndian: bigEndian = true
        default: bigEndian = nil
        }
    }

    /// The characters of Windows-1252 at 0x80…0x9F (0 for the five bytes it leaves undefined,
    /// which are read as the C1 control of the same number, as Windows does).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Appends the UTF-8 form of `input` to `output`.
    ///
    /// - Parameters:
    ///   - input: the next bytes of the file.
    ///   - output: where the UTF-8 goes.
    ///   - final: whether these are the file's last bytes (an incomplete character is then
    ///     replaced rather than carried).
    mutating func transcode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], final: Bool) {
        switch encoding {
        case .utf8:
            output.append(contentsOf: input)
        case .latin1, .windows1252:
            output.reserveCapacity(output.count + input.count * 2)
            for byte in input {
                if byte < 0x80 { output.append(byte); continue }
                var scalar = UInt32(byte)
                if encoding == .windows1252, byte < 0xA0 {
                    let mapped = Self.windows1252High[Int(byte - 0x80)]
                    if mapped != 0 { scalar = UInt32(mapped) }
                }
                Self.appendUTF8(scalar, to: &output)
            }
        case .utf16, .utf16LittleEndian, .utf16BigEndian:
            var bytes = carry
            bytes.append(contentsOf: input)
            carry.removeAll()
            var index = 0
            if bigEndian == nil, bytes.count >= 2 {
                bigEndian = bytes[0] == 0xFE && bytes[1] == 0xFF
            }
            let big = bigEndian ?? false
            output.reserveCapacity(output.count + bytes.count * 3 / 2)
            func unit(at offset: Int) -> UInt32 {
                big ? UInt32(bytes[offset]) << 8 | UInt32(bytes[offset + 1]) : UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset])
            }
            while index + 1 < bytes.count {
                let first = unit(at: index)
                if first < 0xD800 || first > 0xDFFF {
                    Self.appendUTF8(first, to: &output)
                    index += 2
                } else if first <= 0xDBFF {
                    guard index + 3 < bytes.count else { break }  // the low half is in the next chunk
                    let second = unit(at: index + 2)
                    if second >= 0xDC00 && second <= 0xDFFF {
                        Self.appendUTF8(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), to: &output)
                        index += 4
                    } else {
                        Self.appendUTF8(0xFFFD, to: &output)
                        index += 2
                    }
                } else {
                    Self.appendUTF8(0xFFFD, to: &output)
                    index += 2
                }
            }
            if index < bytes.count {
                if final { Self.appendUTF8(0xFFFD, to: &output) } else { carry = Array(bytes[index...]) }
            }
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            output.append(UInt8(scalar))
        case ..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
