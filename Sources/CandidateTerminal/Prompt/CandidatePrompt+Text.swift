import AssayCore
import Foundation

extension CandidatePrompt {
    /// How a line looks.
    enum Look { case plain, bold, dim }

    var style: TextStyle { TextStyle(enabled: terminal.supportsColour) }

    /// The wrapper for the window now: its width, at most ``maxTextWidth``; none on pipes.
    var wrapper: TextWrapper { TextWrapper(width: terminal.size.map { min($0.columns, Self.maxTextWidth) }) }

    /// Writes `text` wrapped to the window.
    func say(_ text: String, _ look: Look = .plain, indent: String = "", hanging: String? = nil) {
        let lines = text.isEmpty ? [""] : wrapper.lines(text, indent: indent, hanging: hanging)
        terminal.write(lines.map { styled($0, look) }.joined(separator: "\n") + "\n")
    }

    /// Writes `text` wrapped to the window above the line being typed.
    func notice(_ text: String, _ look: Look) {
        terminal.notice(wrapper.lines(text).map { styled($0, look) }.joined(separator: "\n"))
    }

    /// Writes a shell command to copy: on one line when it fits, else broken between words with
    /// a trailing `\` (which a shell reads as one line).
    func sayCommand(_ raw: String) {
        let command = raw.visibleSafe
        guard let width = wrapper.width else {
            terminal.write("  \(command)\n")
            return
        }
        let lines = TextWrapper.fill(command, first: "  ", rest: "      ", width: width - 2)
        terminal.write(lines.enumerated().map { index, line in index < lines.count - 1 ? line + " \\" : line }.joined(separator: "\n") + "\n")
    }

    private func styled(_ line: String, _ look: Look) -> String {
        switch look {
        case .plain: line
        case .bold: style.bold(line)
        case .dim: style.dim(line)
        }
    }

    /// The title, description, size and rules of the screen. Text from the bank and from the
    /// candidate goes through `VisibleText` everywhere: it cannot act on the terminal.
    func showIntroduction(_ overview: ScreenOverview) {
        say(overview.title.visibleSafe, .bold)
        if let description = overview.description?.trimmingCharacters(in: .whitespacesAndNewlines), !description.isEmpty {
            say(description.visibleSafeLines)
        }
        if overview.adaptive {
            say("At most \(overview.questionCount) questions, \(overview.timeLimitMinutes) minutes in all; the screen ends as soon as your answers measure your level precisely enough.")
        } else {
            say("\(overview.questionCount) questions, \(overview.timeLimitMinutes) minutes in all.")
        }
        say("How it works:")
        say(rules())
    }

    /// The rules, as a list.
    func rules() -> String {
        var rules = [
            "- The clock is the server's: it keeps running while you are away, and while you are paused.",
        ]
        if adaptive {
            rules.append("- Each question is chosen from your previous answers, so answer each as it comes: questions cannot be skipped, and there is no going back to change an answer.")
            rules.append("- Each answer is saved the moment you enter it. The screen is submitted by itself when no more questions are needed, after the last question, or when time runs out.")
        } else {
            rules.append("- Each answer is saved the moment you enter it, and there is no going back: an answered question does not come again and its answer cannot be changed.")
            rules.append("- Type skip to leave a question for later: skipped questions come back after the others.")
            rules.append("- The screen is submitted by itself after your last answer, or when time runs out.")
        }
        rules.append("- An answer you are typing when time runs out is still accepted if you finish it within \(graceSeconds) seconds. Essays are saved line by line as you write them.")
        rules.append("- Ctrl-C pauses: your answers are kept, and the same command resumes while time remains.")
        rules.append("- Type ? at any question for help, or submit to finish early.")
        return rules.joined(separator: "\n")
    }

    /// The question, its options and how to answer; an essay's lines so far.
    func show(_ question: CandidateQuestion, essay lines: [String]) {
        say("")
        let header = adaptive ? "Question \(question.position) (at most \(question.total))" : "Question \(question.position) of \(question.total)"
        say(header + "  ·  \(Self.clock(remaining)) left", .bold)
        say(question.prompt.trimmingCharacters(in: .whitespacesAndNewlines).visibleSafeLines)
        for (index, prompt) in (question.matchPrompts ?? []).enumerated() {
            say(prompt.visibleSafeLines, indent: "  \(index + 1). ")
        }
        for (index, choice) in question.choices.enumerated() {
            say(choice.visibleSafeLines, indent: "  \(AnswerParser.letter(index))) ")
        }
        say(instructions(question), .dim)
        if !lines.isEmpty {
            say("Your answer so far (saved as a draft):", .dim)
            for line in lines { say(line.visibleSafeLines, indent: "  ") }
        }
    }

    /// `?`: how to answer, the commands and the rules.
    func help(_ question: CandidateQuestion) {
        say(instructions(question))
        say(adaptive
            ? "Commands: ? shows this help, submit finishes the screen. Ctrl-C pauses."
            : "Commands: ? shows this help, skip leaves the question for later, submit finishes the screen. Ctrl-C pauses.")
        say(rules())
    }

    /// How to answer `question`. No example can be the key: the ordering and matching examples
    /// have another number of letters than the question asks for.
    func instructions(_ question: CandidateQuestion) -> String {
        let count = question.choices.count
        let last = count == 0 ? "" : AnswerParser.letter(count - 1)
        switch question.kind {
        case .singleChoice:
            return "Answer with one letter, A to \(last)."
        case .multipleResponse:
            return "Select all that apply: letters separated by commas or spaces (e.g. A,C)."
        case .trueFalse:
            return "Answer true or false (t or f)."
        case .numeric:
            return "Answer with a number (use a point for decimals)\(question.unit.map { ", in \($0)" } ?? "")."
        case .shortText:
            return "Answer with a word or short phrase (at most \(AnswerLimits.lineCharacters) characters)."
        case .ordering:
            let example = count == 3 ? ("BDAC", "four") : ("CAB", "three")
            return "Give all \(count) letters, A to \(last), in the right order, each once (as in \(example.0) for a question with \(example.1) steps)."
        case .essay:
            let limit = AnswerLimits.essayWordLimit(question.maxWords)
            return "Write your answer over several lines (at most \(limit) words); end it with a line holding a single '.'. Each line is saved as you go."
        case .matching:
            let items = question.matchPrompts?.count ?? 0
            let example = items == 2 ? ("CAC", "three") : ("CA", "two")
            return "Give one letter, A to \(last), for each of the \(items) numbered items, in order (as in \(example.0) for a question with \(example.1) items); a letter may be used more than once."
        }
    }
}
