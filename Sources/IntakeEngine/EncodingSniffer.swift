/// What the first bytes of a file say about its encoding: enough to read a UTF-16 file that
/// announces itself, and to refuse, once and for the whole file, one that is not UTF-8 before
/// any row is read.
public enum EncodingSniffer {
    /// What the start of a file looks like.
    public enum Finding: Sendable, Equatable {
        /// UTF-8 (or plain ASCII) as far as was looked.
        case utf8
        /// UTF-16 with a byte-order mark.
        case utf16(bigEndian: Bool)
        /// UTF-16 without a byte-order mark: every other byte of its ASCII text is zero.
        case utf16WithoutMark(bigEndian: Bool)
        /// A ZIP archive: an Excel workbook (.xlsx) or an OpenDocument spreadsheet, not a text file.
        case spreadsheetArchive
        /// Zero bytes that are not UTF-16: not a text file.
        case binary
        /// Bytes that are not UTF-8, first on `line` (from 1); `windows1252` is that line's
        /// first offending character as Windows-1252 reads it (what Excel on Windows writes).
        case notUTF8(line: Int, byte: UInt8, windows1252: String)
    }

    /// How many bytes ``sniff(_:)`` needs to decide: the start of a file is read once for it.
    public static let window = 1 << 16

    /// Looks at the start of a file.
    ///
    /// - Parameters:
    ///   - prefix: the file's first bytes (up to ``window``).
    ///   - complete: whether `prefix` is the whole file (a character cut at its end is then an
    ///     error rather than the edge of the window).
    /// - Returns: what the bytes look like.
    public static func sniff(_ prefix: [UInt8], complete: Bool) -> Finding {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { return utf8Finding(prefix, from: 3, complete: complete) }
        if prefix.starts(with: [0xFF, 0xFE]) { return .utf16(bigEndian: false) }
        if prefix.starts(with: [0xFE, 0xFF]) { return .utf16(bigEndian: true) }
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .spreadsheetArchive }
        let sample = prefix.prefix(4096)
        if sample.contains(0) {
            // ASCII text in UTF-16: zeros at the odd offsets (little-endian) or the even ones.
            var evenZeros = 0, oddZeros = 0
            for (offset, byte) in sample.enumerated() where byte == 0 {
                if offset % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            let pairs = max(sample.count / 2, 1)
            if oddZeros * 10 >= pairs * 3, evenZeros * 10 < oddZeros { return .utf16WithoutMark(bigEndian: false) }
            if evenZeros * 10 >= pairs * 3, oddZeros * 10 < evenZeros { return .utf16WithoutMark(bigEndian: true) }
            return .binary
        }
        return utf8Finding(prefix, from: 0, complete: complete)
    }

    private static func utf8Finding(_ bytes: [UInt8], from start: Int, complete: Bool) -> Finding {
        var index = start
        var line = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 10 { line += 1 }
            if byte == 0 { return .binary }
            if byte < 0x80 { index += 1; continue }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            if index + length > bytes.count, !complete { break }  // cut by the window's end
            if validSequence(bytes, at: index, length: length) {
                index += length
                continue
            }
            return .notUTF8(line: line, byte: byte, windows1252: windows1252Character(byte))
        }
        return .utf8
    }

    /// Whether the `length` bytes at `index` are one well-formed UTF-8 character.
    private static func validSequence(_ bytes: [UInt8], at index: Int, length: Int) -> Bool {
        guard index + length <= bytes.count else { return false }
        let lead = bytes[index]
        guard lead >= 0xC2, lead <= 0xF4 else { return false }
        for offset in 1 ..< length where bytes[index + offset] & 0xC0 != 0x80 { return false }
        let second = bytes[index + 1]
        if lead == 0xE0, second < 0xA0 { return false }
        if lead == 0xED, second >= 0xA0 { return false }
        if lead == 0xF0, second < 0x90 { return false }
        if lead == 0xF4, second >= 0x90 { return false }
        return true
    }

    /// The character a byte stands for in Windows-1252, for a message.
    private static func windows1252Character(_ byte: UInt8) -> String {
        var transcoder = TextTranscoder(.windows1252)
        var output: [UInt8] = []
        [byte].withUnsafeBufferPointer { transcoder.transcode($0, into: &output, final: true) }
        let text = String(decoding: output, as: UTF8.self)
        return text.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) ? text : "\\u{\(String(byte, radix: 16))}"
    }
}
