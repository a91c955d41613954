import AssayCore
import Foundation

extension CandidatePrompt {
    /// What the candidate did at a question.
    enum Response {
        case answer(CandidateAnswer, typed: String)
        case skip
        case submit
        case pause(PauseReason)
        case timeUp
    }

    /// What came of reading one line.
    enum Reading {
        case line(String)
        case pause(PauseReason, partial: String)
        case timeUp(partial: String)
    }

    /// A yes-or-no answer.
    enum Reply {
        case yes, no
        case pause(PauseReason)
        case timeUp
    }

    /// Shows `question` and reads until the candidate answers, skips, submits, pauses or time
    /// is up. Invalid input is named and asked again; an essay is collected line by line, each
    /// line saved as a draft.
    func respond(to question: CandidateQuestion) throws -> Response {
        let essay = question.kind == .essay
        terminal.pastedNewlinesEndLines = essay
        var lines: [String] = question.draft.map { $0.components(separatedBy: "\n") } ?? []
        draftKept = question.draft != nil
        show(question, essay: lines)
        while true {
            let reading = read(prompt: { self.inputPrompt() }, essay: essay,
                               redraw: { self.show(question, essay: lines) }, typing: { !lines.isEmpty })
            let raw: String
            switch reading {
            case .pause(let reason, let partial):
                if essay { keepDraft(question, lines: lines + (partial.isEmpty ? [] : [partial])) }
                return .pause(reason)
            case .timeUp:
                return .timeUp
            case .line(let line):
                raw = line
            }
            if let scalar = AnswerLimits.forbiddenCharacter(in: raw, multiline: false) {
                say("That line holds a control character (U+\(String(format: "%04X", scalar.value))), which cannot be saved. Please type it again.")
                continue
            }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if essay, !lines.isEmpty {
                if line == "." {
                    let text = lines.joined(separator: "\n")
                    return .answer(.text(text), typed: text)
                }
                guard fitsEssay(lines + [raw], question) else { continue }
                lines.append(raw)
                guard try saveDraft(question, lines: lines) else { return .timeUp }
                continue
            }
            switch line.lowercased() {
            case "?", "help":
                help(question)
                continue
            case "skip" where adaptive:
                say("In this screen each question is chosen from your previous answers, so it cannot be skipped. " + instructions(question))
                continue
            case "skip":
                return .skip
            case "submit":
                return .submit
            case "":
                say((adaptive ? "Please answer. " : "Please answer, or type skip. ") + instructions(question))
                continue
            default:
                break
            }
            if essay {
                if line == "." {
                    say("Your answer is empty: write it first, then end it with a line holding a single '.'.")
                    continue
                }
                guard fitsEssay([raw], question) else { continue }
                lines = [raw]
                guard try saveDraft(question, lines: lines) else { return .timeUp }
                continue
            }
            if raw.count > AnswerLimits.lineCharacters {
                say("That answer is \(raw.count) characters long; the limit is \(AnswerLimits.lineCharacters). Please shorten it.")
                continue
            }
            switch parser.parse(line, for: question) {
            case .success(let answer): return .answer(answer, typed: line)
            case .failure(let problem): say(problem.message + " " + instructions(question))
            }
        }
    }

    /// Whether an essay of `lines` is within its limits; says why not when it is not.
    private func fitsEssay(_ lines: [String], _ question: CandidateQuestion) -> Bool {
        let text = lines.joined(separator: "\n")
        let words = AnswerLimits.words(in: text), limit = AnswerLimits.essayWordLimit(question.maxWords)
        let retry = "Type it again, shorter, or end your answer with a line holding a single '.'."
        if words > limit {
            say("That line was not added: with it your answer would be \(words) words long, and the limit is \(limit). \(retry)")
            return false
        }
        if text.count > AnswerLimits.essayCharacters {
            say("That line was not added: with it your answer would be \(text.count) characters long, and the limit is \(AnswerLimits.essayCharacters). \(retry)")
            return false
        }
        return true
    }

    /// Saves the essay so far as a draft. Returns false when the screen has closed.
    private func saveDraft(_ question: CandidateQuestion, lines: [String]) throws -> Bool {
        let text = lines.joined(separator: "\n")
        let receipt: AnswerReceipt
        do {
            receipt = try call(unsaved: text) { try self.service.saveDraft(code: self.code, position: question.position, text: text) }
        } catch let error as AssayError where error.isBadInput {
            say("Your draft was not saved: \(error.message).")
            return true
        }
        if receipt.closed {
            say("Time is up: the screen has closed. The lines you entered before are kept as your answer.", .bold)
            return false
        }
        anchor(receipt.secondsLeft)
        draftKept = true
        return true
    }

    /// On a pause: one attempt to save the essay with the line being typed.
    private func keepDraft(_ question: CandidateQuestion, lines: [String]) {
        let text = lines.joined(separator: "\n")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              AnswerLimits.problem(with: text, kind: .essay, maxWords: question.maxWords) == nil,
              let receipt = try? service.saveDraft(code: code, position: question.position, text: text), receipt.saved else { return }
        draftKept = true
    }

    /// Asks a yes-or-no question until the answer is y, yes, n or no. The question is wrapped to
    /// the window: its last line is the input prompt.
    func ask(_ question: String, redraw: @escaping () -> Void) -> Reply {
        terminal.pastedNewlinesEndLines = false
        let lines = { self.wrapper.lines(question) }
        let head = { for line in lines().dropLast() { self.terminal.write(line + "\n") } }
        head()
        while true {
            switch read(prompt: { (lines().last ?? "") + " " }, essay: false, redraw: { redraw(); head() }, typing: { false }) {
            case .pause(let reason, _):
                return .pause(reason)
            case .timeUp:
                return .timeUp
            case .line(let line):
                switch line.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return .yes
                case "n", "no": return .no
                default:
                    say("Please answer y (yes) or n (no).")
                    head()
                }
            }
        }
    }

    /// Reads one line while keeping time: warns at the thresholds (above the line being typed),
    /// ends the wait when time is up (giving the grace when something is being typed), and draws
    /// the screen again when the window changes.
    ///
    /// - Parameters:
    ///   - prompt: the input prompt, made afresh at each redraw (it shows the time left).
    ///   - essay: whether an essay is being written (for the grace message).
    ///   - redraw: draws the current question again, after the window was cleared.
    ///   - typing: whether an answer is under way beyond the line being edited (essay lines).
    func read(prompt: () -> String, essay: Bool, redraw: () -> Void, typing: () -> Bool) -> Reading {
        while true {
            let now = clock.now()
            if let deadline {
                if let graceEnd = graceEndsAt {
                    if now >= graceEnd {
                        let partial = terminal.abandonLine()
                        say("The \(graceSeconds) seconds after the deadline are over.", .bold)
                        return .timeUp(partial: partial)
                    }
                } else if now >= deadline + 1 {
                    guard typing() || !terminal.pendingInput.isEmpty else {
                        let partial = terminal.abandonLine()
                        say("Time is up.", .bold)
                        return .timeUp(partial: partial)
                    }
                    graceEndsAt = deadline + Double(graceSeconds) - 2
                    notice(essay
                        ? "Time is up. End your answer now with a line holding a single '.': it is accepted for \(graceSeconds) more seconds, and the lines you entered are saved."
                        : "Time is up. Press Enter now to save the answer you are typing: it is accepted for \(graceSeconds) more seconds.", .bold)
                    continue
                } else {
                    var crossed: Int?
                    while let threshold = warningsLeft.first, now >= deadline - Double(threshold) {
                        warningsLeft.removeFirst()
                        crossed = threshold
                    }
                    if let crossed {
                        let minutes = crossed / 60
                        notice("\(minutes) minute\(minutes == 1 ? "" : "s") left.", .bold)
                    }
                }
            }
            let wake: Double? = deadline.map { deadline in
                graceEndsAt ?? warningsLeft.first.map { deadline - Double($0) } ?? deadline + 1
            }
            switch terminal.readLine(prompt: prompt(), timeout: wake.map { max(0, $0 - now) }) {
            case .line(let line):
                return .line(line)
            case .interrupt:
                return .pause(.interrupt, partial: terminal.abandonLine())
            case .endOfInput:
                return .pause(.endOfInput, partial: terminal.abandonLine())
            case .timeout:
                continue
            case .resize, .redraw:
                terminal.clearScreen()
                redraw()
            }
        }
    }

    /// The input prompt: the time left, then `>`.
    func inputPrompt() -> String {
        style.dim("[\(Self.clock(remaining))]") + " > "
    }
}
