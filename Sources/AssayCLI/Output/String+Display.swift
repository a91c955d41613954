import AssayCore

extension String {
    /// Outside text (a candidate's answer, a prompt, a rubric) as lines under a label, shown
    /// visible-safe: one line stays on the label's line (`  answer: text`); several lines go
    /// below it, each behind a `| ` gutter, so that no line of the text can pass for a line
    /// Assay printed (a forged `grade with:` line stays inside the gutter).
    ///
    /// - Parameters:
    ///   - label: the label, e.g. `answer`.
    ///   - indent: the label's indentation.
    /// - Returns: the lines to print, without a final line break.
    func labelledBlock(_ label: String, indent: String = "  ") -> String {
        // Only line feeds are trimmed: a carriage return or another break at either end is shown.
        var text = self[...]
        while text.first == "\n" { text = text.dropFirst() }
        while text.last == "\n" { text = text.dropLast() }
        let lines = String(text).visibleSafeLines.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return "\(indent)\(label): \(lines.first.map(String.init) ?? "")" }
        return "\(indent)\(label):\n" + lines.map { "\(indent)| \($0)" }.joined(separator: "\n")
    }
}
