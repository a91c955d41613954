@testable import CandidateTerminal
import Foundation
import Testing

@Suite("The line editor over a byte stream")
struct EditingTerminalTests {
    /// A terminal over `steps`, its output fed to a screen model.
    final class Window {
        let clock = FakeClock()
        let input: ScriptedInput
        var model: ScreenModel
        var terminal: EditingTerminal!

        init(columns: Int = 80, _ steps: [ScriptedInput.Step]) {
            input = ScriptedInput(steps, clock: clock)
            model = ScreenModel(columns: columns)
            terminal = EditingTerminal(input: input, size: TerminalSize(columns: columns, rows: 24), colour: false, clock: clock) { [unowned self] in
                self.model.feed($0)
            }
        }

        /// Lines read until the input ends (or something other than a line happens).
        func lines(prompt: String = "> ") -> ([String], TerminalEvent) {
            var lines: [String] = []
            while true {
                let event = terminal.readLine(prompt: prompt, timeout: nil)
                guard case .line(let line) = event else { return (lines, event) }
                lines.append(line)
            }
        }
    }

    @Test("typing is echoed; backspace, Ctrl-U and Ctrl-W edit the line and the window shows the result")
    func editing() {
        let window = Window([.type("abc\u{7F}d\r"), .type("wrong\u{15}right\r"), .type("hello big world\u{17}\r"), .type("x\u{08}y\r")])
        let (lines, end) = window.lines()
        #expect(lines == ["abd", "right", "hello big ", "y"])
        #expect(end == .endOfInput)
        #expect(window.model.screen.prefix(4) == ["> abd", "> right", "> hello big", "> y"])
    }

    @Test("UTF-8 split across reads, combining marks and wide characters arrive whole")
    func multibyte() {
        let bytes = Array("é漢字e\u{301}🙂\r".utf8)
        let window = Window(bytes.map { .bytes([$0]) })
        let (lines, _) = window.lines()
        #expect(lines == ["é漢字e\u{301}🙂"])
        #expect(window.model.screen[0] == "> é漢字e\u{301}🙂")
    }

    @Test("arrow keys, function keys, Alt-keys and other escape sequences are ignored; stray control bytes and invalid UTF-8 are dropped")
    func escapes() {
        let window = Window([.type("a\u{1B}[A\u{1B}[1;5Cb\u{1B}OPc\u{1B}xd\u{1B}[200~"), .bytes([0x01, 0xFF, 0x80, 0x65, 0x0D])])
        let (lines, _) = window.lines()
        #expect(lines == ["abcde"])
    }

    @Test("CR LF counts as one line end; pasted lines end lines in an essay and become spaces elsewhere")
    func pastes() {
        let window = Window([.type("one\r\ntwo\r"), .type("\u{1B}[200~first\r\nsecond\u{1B}[201~\r")])
        let (lines, _) = window.lines()
        #expect(lines == ["one", "two", "first", "second"])
        let single = Window([.type("\u{1B}[200~first\r\nsecond\nthird\u{1B}[201~\r")])
        single.terminal.pastedNewlinesEndLines = false
        let (joined, _) = single.lines()
        #expect(joined == ["first second third"])
    }

    @Test("Ctrl-C interrupts and Ctrl-D ends the input on an empty line only; the line stays open for the caller")
    func controlKeys() {
        let window = Window([.type("half\u{03}"), .type("\u{04}"), .type("more\u{04}\r")])
        #expect(window.terminal.readLine(prompt: "> ", timeout: nil) == .interrupt)
        #expect(window.terminal.abandonLine() == "half")
        #expect(window.terminal.readLine(prompt: "> ", timeout: nil) == .endOfInput)
        #expect(window.terminal.abandonLine() == "")
        #expect(window.terminal.readLine(prompt: "> ", timeout: nil) == .line("more"))
    }

    @Test("a line longer than the window wraps, and erasing back across the wrap redraws it in place", arguments: [10, 11])
    func wrappedLine(columns: Int) {
        let window = Window(columns: columns, [.type("abcdefghijklmnop"), .type(String(repeating: "\u{7F}", count: 9)), .type("XY\r")])
        let (lines, _) = window.lines()
        #expect(lines == ["abcdefgXY"])
        #expect(window.model.screen.filter { !$0.isEmpty && $0 != ">" }.joined() == "> abcdefgXY")
    }

    @Test("a wide character that does not fit at the end of a row goes to the next one, in the window and in the editor's count")
    func wideAtTheEdge() {
        let window = Window(columns: 10, [.type("漢漢漢漢漢"), .type("\u{7F}\u{7F}字\r")])
        let (lines, _) = window.lines()
        #expect(lines == ["漢漢漢字"])
        #expect(window.model.screen.filter { !$0.isEmpty && $0 != ">" } == ["> 漢漢漢字"])
    }

    @Test("a notice goes above the line being typed, which is drawn again under it with what was typed")
    func noticeWhileTyping() {
        let window = Window([.type("part"), .wait(10), .type("ial\r")])
        #expect(window.terminal.readLine(prompt: "[9:59] > ", timeout: 5) == .timeout)
        window.terminal.notice("5 minutes left.")
        #expect(window.terminal.readLine(prompt: "[9:54] > ", timeout: nil) == .line("partial"))
        #expect(window.model.screen.prefix(2) == ["5 minutes left.", "[9:54] > partial"])
    }

    @Test("a window change ends the read with the new size; the next read shows the prompt and the text again")
    func resize() {
        let window = Window([.type("abc"), .resize(columns: 40, rows: 10), .resize(columns: 50, rows: 12), .type("d\r")])
        #expect(window.terminal.readLine(prompt: "> ", timeout: nil) == .resize(TerminalSize(columns: 50, rows: 12)))
        #expect(window.terminal.size == TerminalSize(columns: 50, rows: 12))
        window.terminal.clearScreen()
        #expect(window.terminal.readLine(prompt: "> ", timeout: nil) == .line("abcd"))
        #expect(window.model.screen.first == "> abcd")
    }

    @Test("the queue a remote door feeds from another thread hands over input in order and times out when empty")
    func queuedInput() async {
        let queue = QueuedInput()
        #expect(queue.next(timeout: 0) == nil)
        let pusher = Task.detached {
            queue.push(.bytes(Array("hi".utf8)))
            queue.push(.resize(TerminalSize(columns: 70, rows: 20)))
            queue.push(.end)
        }
        await pusher.value
        #expect(queue.next(timeout: 1) == .bytes(Array("hi".utf8)))
        #expect(queue.next(timeout: 1) == .resize(TerminalSize(columns: 70, rows: 20)))
        #expect(queue.next(timeout: 1) == .end)
        #expect(queue.next(timeout: nil) == .end)
    }
}

@Suite("Plain lines on pipes")
struct PlainTerminalTests {
    @Test("lines end at LF (a CR before it is dropped), the last may end with the input, and the prompt is written once per line")
    func lines() {
        let clock = FakeClock()
        var output = ""
        let terminal = PlainTerminal(input: ScriptedInput([.type("a\r\nb"), .type("c\nlast")], clock: clock), clock: clock) { output += $0 }
        #expect(terminal.readLine(prompt: "> ", timeout: nil) == .line("a"))
        #expect(terminal.readLine(prompt: "> ", timeout: nil) == .line("bc"))
        #expect(terminal.readLine(prompt: "> ", timeout: nil) == .line("last"))
        #expect(terminal.readLine(prompt: "> ", timeout: nil) == .endOfInput)
        #expect(output == "> > > > ")
    }

    @Test("a line longer than the limit is cut there and the rest of it dropped; the next line is intact")
    func overlong() {
        let clock = FakeClock()
        let long = String(repeating: "x", count: PlainTerminal.maxLineBytes + 5_000)
        let terminal = PlainTerminal(input: ScriptedInput([.type(String(long.prefix(60_000))), .type(String(long.dropFirst(60_000)) + "\nnext\n")], clock: clock), clock: clock) { _ in }
        guard case .line(let cut) = terminal.readLine(prompt: "", timeout: nil) else { Issue.record("no line"); return }
        #expect(cut.count == PlainTerminal.maxLineBytes + 1)
        #expect(terminal.readLine(prompt: "", timeout: nil) == .line("next"))
    }

    @Test("waiting longer than the timeout returns a timeout; a notice repeats the prompt; SIGINT interrupts")
    func timeoutsAndNotices() {
        let clock = FakeClock()
        var output = ""
        let terminal = PlainTerminal(input: ScriptedInput([.wait(100), .interrupt], clock: clock), clock: clock) { output += $0 }
        #expect(terminal.readLine(prompt: "> ", timeout: 30) == .timeout)
        terminal.notice("Time check.")
        #expect(terminal.readLine(prompt: "> ", timeout: nil) == .interrupt)
        #expect(output == "> \nTime check.\n> ")
    }
}
