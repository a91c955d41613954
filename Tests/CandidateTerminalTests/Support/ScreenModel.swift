import CandidateTerminal

/// What a VT100-like window shows after some output: enough of a terminal emulator to check
/// what the candidate sees (printable text with wide characters, CR, LF, BS, cursor up, erase
/// below, erase line, clear screen; colours ignored), and to count every time text ran past the
/// right edge and the window had to wrap it (which is where words get split).
struct ScreenModel {
    /// The window's width; a window change takes effect for what is written after it.
    var columns: Int
    /// Everything above a clear-screen, oldest first.
    private(set) var cleared: [String] = []
    private var lines: [[Character?]] = [[]]
    private var row = 0, column = 0, pendingWrap = false
    /// How many times output ran past the right edge.
    private(set) var autoWraps = 0
    /// The rows that ran past the right edge, as they were then.
    private(set) var wrapped: [String] = []
    /// How many times the screen was cleared.
    private(set) var clears = 0

    init(columns: Int) { self.columns = columns }

    /// The lines on the window now (since the last clear), trailing spaces trimmed.
    var screen: [String] { lines.map(Self.render) }
    /// Every line shown, cleared ones included.
    var all: [String] { cleared + screen }
    /// Whether any line of the window is wider than it.
    var widest: Int { all.map { DisplayWidth.of($0) }.max() ?? 0 }

    mutating func feed(_ text: String) {
        var scalars = Array(text.unicodeScalars)[...]
        var pending = ""
        func flush(_ model: inout ScreenModel) {
            for character in pending { model.put(character) }
            pending = ""
        }
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{1B}":
                flush(&self)
                guard scalars.first == "[" else { _ = scalars.popFirst(); continue }
                scalars.removeFirst()
                var parameters = ""
                while let next = scalars.popFirst() {
                    if (0x40...0x7E).contains(next.value) {
                        control(next, parameters)
                        break
                    }
                    parameters.unicodeScalars.append(next)
                }
            case "\r":
                flush(&self)
                column = 0
                pendingWrap = false
            case "\n":
                flush(&self)
                row += 1
                if row == lines.count { lines.append([]) }
                pendingWrap = false
            case "\u{08}":
                flush(&self)
                column = max(0, column - 1)
                pendingWrap = false
            case "\u{07}":
                flush(&self)
            default:
                pending.unicodeScalars.append(scalar)
            }
        }
        flush(&self)
    }

    private mutating func control(_ final: Unicode.Scalar, _ parameters: String) {
        let count = Int(parameters) ?? 1
        switch final {
        case "A":
            row = max(0, row - count)
            pendingWrap = false
        case "J":
            if parameters == "2" {
                cleared += screen
                lines = [[]]
                row = 0
                column = 0
                clears += 1
            } else {
                lines[row] = Array(lines[row].prefix(column))
                lines.removeSubrange((row + 1)...)
            }
        case "K":
            lines[row] = Array(lines[row].prefix(column))
        case "H":
            row = 0
            column = 0
        default:
            break  // colours, modes
        }
    }

    private mutating func put(_ character: Character) {
        let width = DisplayWidth.of(character)
        if width == 0 {
            // A combining mark joins the character before the cursor.
            var index = pendingWrap ? column : column - 1
            while index > 0, lines[row].indices.contains(index), lines[row][index] == nil { index -= 1 }
            if index >= 0, lines[row].indices.contains(index), let base = lines[row][index] {
                lines[row][index] = Character(String(base) + String(character))
            }
            return
        }
        if pendingWrap || column + width > columns {
            autoWraps += 1
            wrapped.append(Self.render(lines[row]))
            row += 1
            if row == lines.count { lines.append([]) }
            column = 0
            pendingWrap = false
        }
        while lines[row].count < column + width { lines[row].append(" ") }
        lines[row][column] = character
        if width == 2 { lines[row][column + 1] = nil }
        column += width
        if column == columns {
            column = columns - 1
            pendingWrap = true
        }
    }

    private static func render(_ cells: [Character?]) -> String {
        var text = String(cells.compactMap { $0 })
        while text.last == " " { text.removeLast() }
        return text
    }
}
