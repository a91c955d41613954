/// Aligned columns for people to read: a header row, then one row per record, each column as
/// wide as its widest cell measured in terminal columns (``Swift/String/displayWidth``), so that
/// names in any script line up.
///
/// Cells are printed as given: a cell holding text from outside must already have gone through
/// `visibleSafe`. A cell wider than its column's `maxWidth` is cut with `…`.
struct TextTable {
    /// One column: its title, which side it aligns to, and the widest it may get.
    struct Column {
        /// The header, upper-case by convention.
        var title: String
        /// Numbers align right.
        var alignRight = false
        /// Cells wider than this are cut (nil: never).
        var maxWidth: Int?
    }

    /// The columns, in order.
    var columns: [Column]
    /// The rows, one cell per column.
    var rows: [[String]] = []

    /// A table with these columns and no rows.
    init(_ columns: [Column]) { self.columns = columns }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    mutating func append(_ cells: [String]) {
        rows.append((0..<columns.count).map { $0 < cells.count ? cells[$0] : "" })
    }

    /// The table as lines: columns separated by two spaces, no trailing spaces.
    var lines: [String] {
        let cut = rows.map { row in
            row.enumerated().map { index, cell in columns[index].maxWidth.map { cell.truncated($0) } ?? cell }
        }
        let widths = columns.indices.map { index in
            max(columns[index].title.displayWidth, cut.map { $0[index].displayWidth }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                parts.append(columns[index].alignRight ? cell.leftPadded(widths[index]) : (last ? cell : cell.padded(widths[index])))
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return [line(columns.map(\.title))] + cut.map(line)
    }

    /// Prints the lines.
    func print() {
        for line in lines { Swift.print(line) }
    }
}

/// The line after a listing cut by its limit: `showing 50 of 200,024 (--limit)`; nil when
/// nothing was cut.
///
/// - Parameters:
///   - shown: rows printed.
///   - total: rows that matched.
func truncationNote(shown: Int, total: Int) -> String? {
    guard total > shown else { return nil }
    return "showing \(grouped(shown)) of \(grouped(total)) (--limit)"
}

/// A whole number with a comma every three digits (`200,024`), the same on every machine.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}
