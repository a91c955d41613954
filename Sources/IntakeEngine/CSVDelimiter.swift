/// Finding the delimiter of a CSV file from its header row.
public enum CSVDelimiter {
    /// The delimiters recognised: comma, semicolon, tab.
    public static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

    /// The delimiter the header row uses: whichever of comma, semicolon and tab appears most
    /// often outside quotes in the first record (a comma when none does, or on a tie).
    ///
    /// - Parameter header: the file's first bytes, as UTF-8 (at least its first record).
    /// - Returns: the delimiter byte.
    public static func detect(in header: [UInt8]) -> UInt8 {
        var counts = [0, 0, 0]
        var quoted = false
        for byte in header {
            if byte == 34 { quoted.toggle(); continue }
            if quoted { continue }
            if byte == 10 { break }
            if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        var best = 0
        for index in 1 ..< candidates.count where counts[index] > counts[best] { best = index }
        return candidates[best]
    }

    /// The delimiter of a file's header row (see ``detect(in:)``).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - encoding: its encoding.
    /// - Returns: the delimiter byte.
    /// - Throws: ``IntakeFileError`` when the file cannot be read.
    public static func detect(path: String, encoding: TextEncoding) throws -> UInt8 {
        let file = try ChunkedFile(path: path, chunk: 1 << 16, encoding: encoding)
        var bytes: [UInt8] = []
        while !bytes.contains(10), bytes.count < 1 << 22, try file.read(appendingTo: &bytes) > 0 {}
        return detect(in: bytes)
    }

    /// A delimiter's name for messages (`','`, `';'`, `tab`).
    ///
    /// - Parameter delimiter: the byte.
    /// - Returns: its name.
    public static func name(_ delimiter: UInt8) -> String {
        delimiter == 9 ? "tab" : "'\(String(UnicodeScalar(delimiter)))'"
    }
}
