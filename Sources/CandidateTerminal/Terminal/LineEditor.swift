/// The line being typed, and what each byte from the keyboard does to it.
///
/// Bytes arrive in any chunking (a multibyte character may be split between two reads, a paste
/// arrives at once). Printable UTF-8 is inserted at the end (there is no cursor movement);
/// backspace (DEL or ^H) removes the last character, ^U the whole line, ^W the last word; Enter
/// (CR, LF, or CR LF counted once) ends the line; ^C interrupts; ^D on an empty line ends the
/// input; ^L asks for a redraw. Escape sequences (arrow and function keys, Alt-combinations,
/// bracketed-paste markers, mouse reports) are consumed and ignored. Other control characters,
/// C1 controls and bidirectional overrides are dropped: they never reach the text. Invalid UTF-8
/// is dropped too.
///
/// Inside a bracketed paste (`ESC [200~` … `ESC [201~`), a line end ends the line only when
/// ``pastedNewlinesEndLines`` is true (an essay); otherwise it becomes a space, so that pasting
/// three lines into a one-line answer cannot answer the next two questions.
struct LineEditor {
    /// What a byte did.
    enum Effect: Equatable {
        /// Nothing visible.
        case none
        /// Text was added at the end: echo it.
        case insert(String)
        /// Text was removed: draw the line again.
        case redraw
        /// The line is finished (and the editor is empty again).
        case submit(String)
        /// ^C.
        case interrupt
        /// ^D on an empty line.
        case endOfInput
        /// ^L.
        case refresh
        /// The key cannot be taken (the line is full, nothing to erase).
        case bell
    }

    /// The line so far.
    private(set) var text = ""
    /// The most Unicode scalars a line may hold (a little more than any answer may be); more
    /// are refused with a bell.
    var maxScalars = 20_001
    /// Scalars in ``text``, counted as they come (counting the string each time would make a
    /// long paste quadratic).
    private var scalars = 0
    /// Whether a line end inside a bracketed paste ends the line.
    var pastedNewlinesEndLines = true
    /// Whether a bracketed paste is in progress.
    private(set) var pasting = false

    private enum Escape { case none, escape, csi, ss3 }
    private var escape = Escape.none
    private var sequence: [UInt8] = []
    private var utf8: [UInt8] = []
    private var expected = 0
    private var afterCarriageReturn = false

    /// Empties the line (the escape and UTF-8 state is kept: a sequence may still be arriving).
    mutating func clear() {
        text = ""
        scalars = 0
    }

    /// What `byte` does.
    mutating func take(_ byte: UInt8) -> Effect {
        let wasAfterCR = afterCarriageReturn
        afterCarriageReturn = false
        switch escape {
        case .escape:
            switch byte {
            case UInt8(ascii: "["): escape = .csi; sequence = []
            case UInt8(ascii: "O"): escape = .ss3
            case 0x1B: break
            default: escape = .none  // Alt-<key>: ignored
            }
            return .none
        case .csi:
            if (0x40...0x7E).contains(byte) {
                escape = .none
                if byte == UInt8(ascii: "~") {
                    if sequence == Array("200".utf8) { pasting = true }
                    if sequence == Array("201".utf8) { pasting = false }
                }
                return .none
            }
            if (0x20...0x3F).contains(byte), sequence.count < 32 {
                sequence.append(byte)
                return .none
            }
            escape = .none  // malformed: drop it and read this byte afresh
        case .ss3:
            escape = .none
            return .none
        case .none:
            break
        }
        if expected > 0 {
            if (0x80...0xBF).contains(byte) {
                utf8.append(byte)
                guard utf8.count == expected else { return .none }
                let bytes = utf8
                utf8 = []
                expected = 0
                guard let decoded = String(validating: bytes, as: UTF8.self), let scalar = decoded.unicodeScalars.first else { return .none }
                return insert(scalar)
            }
            utf8 = []  // an incomplete sequence: drop it
            expected = 0
        }
        switch byte {
        case 0x1B:
            escape = .escape
            return .none
        case 0x03:
            return .interrupt
        case 0x04:
            return text.isEmpty ? .endOfInput : .bell
        case 0x08, 0x7F:
            guard let last = text.popLast() else { return .bell }
            scalars -= last.unicodeScalars.count
            return .redraw
        case 0x15:
            guard !text.isEmpty else { return .none }
            clear()
            return .redraw
        case 0x17:
            guard !text.isEmpty else { return .none }
            while let last = text.last, last == " " || last == "\t" { text.removeLast() }
            while let last = text.last, last != " ", last != "\t" { text.removeLast() }
            scalars = text.unicodeScalars.count
            return .redraw
        case 0x0C:
            return .refresh
        case 0x09:
            return insert("\t")
        case 0x0A where wasAfterCR:
            return .none
        case 0x0D, 0x0A:
            afterCarriageReturn = byte == 0x0D
            if pasting, !pastedNewlinesEndLines {
                return text.isEmpty || text.last == " " ? .none : insert(" ")
            }
            let line = text
            clear()
            return .submit(line)
        case 0x00...0x1F:
            return .none
        case 0x20...0x7E:
            return insert(Unicode.Scalar(byte))
        case 0xC2...0xDF:
            expected = 2; utf8 = [byte]; return .none
        case 0xE0...0xEF:
            expected = 3; utf8 = [byte]; return .none
        case 0xF0...0xF4:
            expected = 4; utf8 = [byte]; return .none
        default:
            return .none  // a stray continuation byte or an invalid lead byte
        }
    }

    private mutating func insert(_ scalar: Unicode.Scalar) -> Effect {
        if scalar.properties.generalCategory == .control, scalar != "\t" { return .none }
        if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) { return .none }
        guard scalars < maxScalars else { return .bell }
        text.unicodeScalars.append(scalar)
        scalars += 1
        return .insert(String(scalar))
    }
}
