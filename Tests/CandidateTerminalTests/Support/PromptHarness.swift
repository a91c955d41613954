import AssayCore
import Foundation
@testable import CandidateTerminal

/// Runs the prompt on a scripted window: an ``EditingTerminal`` over a ``ScriptedInput``, its
/// output fed to a ``ScreenModel`` (or a ``PlainTerminal`` for the pipe behaviour).
final class PromptHarness {
    let clock: FakeClock
    let input: ScriptedInput
    private(set) var output = ""
    private(set) var model: ScreenModel
    private(set) var terminal: (any Terminal)!

    init(clock: FakeClock, columns: Int = 80, rows: Int = 30, plain: Bool = false, colour: Bool = false, _ steps: [ScriptedInput.Step]) {
        self.clock = clock
        self.input = ScriptedInput(steps, clock: clock)
        self.model = ScreenModel(columns: columns)
        let record: (String) -> Void = { [unowned self] text in
            self.output += text
            self.model.feed(text)
        }
        input.onResize = { [unowned self] size in self.model.columns = size.columns }
        terminal = plain
            ? PlainTerminal(input: input, clock: clock, output: record)
            : EditingTerminal(input: input, size: TerminalSize(columns: columns, rows: rows), colour: colour, clock: clock, output: record)
    }

    /// Runs a prompt for `service` to its end.
    func run(_ service: any CandidateScreenService, code: String = "CODE-1") throws -> CandidatePrompt.Outcome {
        try CandidatePrompt(service: service, code: code, terminal: terminal, clock: clock, resumeCommand: "assay screen take \(code)").run()
    }

    /// The output without escape sequences, lines ending in LF.
    var text: String { TextStyle.visible(output).replacingOccurrences(of: "\r\n", with: "\n") }
    /// ``text`` with every run of white space (line breaks and hanging indents of wrapped
    /// sentences included) made one space: for finding a sentence whatever the width.
    var flat: String { text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" }).joined(separator: " ") }
}
