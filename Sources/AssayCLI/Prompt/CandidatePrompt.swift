import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The candidate's terminal prompt for `assay screen take CODE`.
///
/// It talks to the screen only through ``CandidateScreenService``: it never sees an answer key,
/// and a remote transport can replace the local service without changing this type. One question
/// at a time; invalid input is re-prompted, never lost. Colour only on a terminal and without
/// `NO_COLOR`; otherwise plain lines, so it can be scripted.
struct CandidatePrompt {
    let service: any CandidateScreenService
    let code: String
    let style: TerminalStyle

    /// How the session ended.
    enum Outcome { case submitted, notStarted, inputEnded, alreadyClosed }

    init(service: any CandidateScreenService, code: String) {
        self.service = service
        self.code = code
        self.style = TerminalStyle()
    }

    private func say(_ text: String = "") { print(text); fflush(nil) }
    private func ask(_ text: String) -> String? {
        print(text, terminator: ""); fflush(nil)
        return readLine(strippingNewline: true)
    }

    static func clock(_ seconds: Int) -> String {
        let s = max(0, seconds)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    func run() throws -> Outcome {
        var overview = try service.overview(code: code)
        say(style.bold(overview.title))
        if let description = overview.description { say(description.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let adaptive = overview.adaptive
        if adaptive {
            say("At most \(overview.questionCount) questions, \(overview.timeLimitMinutes) minutes in all; the screen ends as soon as your answers measure your level precisely enough. The clock is the server's: it keeps running if you leave.")
            say("Each question is chosen from your previous answers, so answer each as it comes: questions cannot be skipped or changed. Each answer is saved the moment you enter it. Type ? for help, submit to finish early.")
        } else {
            say("\(overview.questionCount) questions, \(overview.timeLimitMinutes) minutes in all. The clock is the server's: it keeps running if you leave.")
            say("Each answer is saved the moment you enter it. Type ? for help, skip to come back to a question later, submit to finish early.")
        }
        switch overview.state {
        case .closed:
            say("This screen is closed: its time ran out and your saved answers were submitted.")
            return .alreadyClosed
        case .notStarted:
            guard let reply = ask("Begin now? The clock starts when you answer y. [y/N] ") else { return .inputEnded }
            guard ["y", "yes"].contains(reply.trimmingCharacters(in: .whitespaces).lowercased()) else {
                say("Not started. Run the same command again when you are ready.")
                return .notStarted
            }
        case .inProgress:
            say("Resuming: \(overview.answered.count) of \(overview.questionCount) answered, \(Self.clock(overview.secondsLeft ?? 0)) left.")
        }
        overview = try service.begin(code: code)
        var answered = Set(overview.answered)
        var cursor = 0
        while true {
            let unanswered = (1...overview.questionCount).filter { !answered.contains($0) }
            guard let position = unanswered.first(where: { $0 > cursor }) ?? unanswered.first else {
                say("All \(overview.questionCount) questions are answered.")
                return try finish()
            }
            cursor = position
            let question = try service.question(code: code, position: position)
            if question.secondsLeft <= 0 {
                say("Time is up.")
                return try finish(closed: true)
            }
            show(question, adaptive: adaptive)
            switch try read(question, adaptive: adaptive) {
            case .answer(let answer, let typed):
                let receipt: AnswerReceipt
                do {
                    receipt = try service.answer(code: code, position: position, answer: answer, typed: typed)
                } catch let error as AssayError where error.isBadInput {
                    // The service refused this answer (and saved nothing): ask again.
                    say("That answer was not accepted: \(error.message). Please answer again.")
                    cursor = position - 1
                    continue
                }
                if receipt.closed {
                    say("Time is up: this answer arrived after the deadline and was not saved. Your screen was submitted with the answers saved before it.")
                    return try finish(closed: true)
                }
                answered.insert(position)
                say(style.dim("Saved."))
                if receipt.complete {
                    say("No more questions are needed: your answers measure your level precisely enough.")
                    return try finish()
                }
            case .skip:
                say(style.dim("Skipped; it will come back."))
            case .submit:
                let left = overview.questionCount - answered.count
                if left > 0, adaptive {
                    guard let reply = ask("Finish now, with \(answered.count) question\(answered.count == 1 ? "" : "s") answered? This question will score nothing. [y/N] ") else { return .inputEnded }
                    guard ["y", "yes"].contains(reply.trimmingCharacters(in: .whitespaces).lowercased()) else { continue }
                } else if left > 0 {
                    guard let reply = ask("\(left) question\(left == 1 ? " is" : "s are") unanswered and will score nothing. Submit anyway? [y/N] ") else { return .inputEnded }
                    guard ["y", "yes"].contains(reply.trimmingCharacters(in: .whitespaces).lowercased()) else { continue }
                }
                return try finish()
            case .inputEnded:
                say("")
                say("Input ended. Your answers so far are saved; run the same command again to continue while time remains.")
                return .inputEnded
            }
        }
    }

    private func finish(closed: Bool = false) throws -> Outcome {
        let completion = try service.submit(code: code)
        say(style.bold("Thank you: your screen is submitted (\(completion.answered) of \(completion.total) answered)."))
        if completion.awaitingReview {
            say("Some answers are read by a reviewer; you will hear about the result.")
        } else if let score = completion.scorePercent {
            say(String(format: "Your score: %.0f%%.", score))
        } else {
            say("You will hear about the result.")
        }
        return .submitted
    }

    private func letter(_ index: Int) -> String { String(UnicodeScalar(UInt8(65 + index))) }

    private func show(_ question: CandidateQuestion, adaptive: Bool) {
        say()
        say(style.bold(adaptive ? "Question \(question.position) (at most \(question.total))" : "Question \(question.position) of \(question.total)") + style.dim("  ·  \(Self.clock(question.secondsLeft)) left") + (question.answered ? style.dim("  ·  answered (a new answer replaces it)") : ""))
        say(question.prompt.trimmingCharacters(in: .whitespacesAndNewlines))
        for (index, prompt) in (question.matchPrompts ?? []).enumerated() {
            say("  \(index + 1). \(prompt)")
        }
        for (index, choice) in question.choices.enumerated() {
            say("  \(letter(index))) \(choice)")
        }
        say(style.dim(instructions(question)))
    }

    private func instructions(_ question: CandidateQuestion) -> String {
        let last = question.choices.isEmpty ? "" : letter(question.choices.count - 1)
        switch question.kind {
        case .singleChoice: return "Answer with one letter, A to \(last)."
        case .multipleResponse: return "Select all that apply: letters separated by commas or spaces (e.g. A,C)."
        case .trueFalse: return "Answer true or false (t or f)."
        case .numeric: return "Answer with a number (use a point for decimals)\(question.unit.map { ", in \($0)" } ?? "")."
        case .shortText: return "Answer with a word or short phrase."
        case .ordering: return "Give all \(question.choices.count) letters in the right order (e.g. \(question.choices.indices.reversed().map(letter).joined()))."
        case .essay: return "Write your answer over several lines\(question.maxWords.map { " (at most \($0) words)" } ?? ""); end it with a line holding a single '.'."
        case .matching:
            let count = question.matchPrompts?.count ?? 0
            return "Give one letter, A to \(last), for each of the \(count) numbered items, in order (e.g. \(String(repeating: "A", count: count))); a letter may be used more than once."
        }
    }

    enum Reading { case answer(CandidateAnswer, String), skip, submit, inputEnded }

    private func read(_ question: CandidateQuestion, adaptive: Bool) throws -> Reading {
        while true {
            guard let raw = ask("> ") else { return .inputEnded }
            let line = raw.trimmingCharacters(in: .whitespaces)
            switch line.lowercased() {
            case "?", "help":
                say(instructions(question))
                say(adaptive ? "Commands: ? shows this help, submit finishes the screen." : "Commands: ? shows this help, skip leaves the question for later, submit finishes the screen.")
                continue
            case "skip" where adaptive:
                say("In this screen each question is chosen from your previous answers, so it cannot be skipped. " + instructions(question))
                continue
            case "skip": return .skip
            case "submit": return .submit
            case "": say((adaptive ? "Please answer. " : "Please answer, or type skip. ") + instructions(question)); continue
            default: break
            }
            if question.kind == .essay {
                var lines = [raw]
                while true {
                    guard let next = ask("") else { return .inputEnded }
                    if next.trimmingCharacters(in: .whitespaces) == "." { break }
                    lines.append(next)
                }
                let text = lines.joined(separator: "\n")
                let words = text.split(whereSeparator: { $0.isWhitespace }).count
                if let maxWords = question.maxWords, words > maxWords {
                    say("That is \(words) words; the limit is \(maxWords). Please shorten it and enter it again.")
                    continue
                }
                return .answer(.text(text), text)
            }
            switch parse(line, question) {
            case .success(let answer): return .answer(answer, line)
            case .failure(let problem): say(problem.message + " " + instructions(question))
            }
        }
    }

    struct InputProblem: Error { var message: String }

    func parse(_ line: String, _ question: CandidateQuestion) -> Result<CandidateAnswer, InputProblem> {
        func letters(_ text: String) -> [Int]? {
            let cleaned = text.uppercased().filter { !$0.isWhitespace && $0 != "," && $0 != ";" }
            var result: [Int] = []
            for character in cleaned {
                guard let ascii = character.asciiValue, ascii >= 65, Int(ascii - 65) < question.choices.count else { return nil }
                result.append(Int(ascii - 65))
            }
            return result
        }
        switch question.kind {
        case .singleChoice:
            guard let chosen = letters(line), chosen.count == 1 else {
                return .failure(InputProblem(message: "'\(line)' is not one of the letters shown."))
            }
            return .success(.choice(chosen[0]))
        case .multipleResponse:
            guard let chosen = letters(line), !chosen.isEmpty else {
                return .failure(InputProblem(message: "'\(line)' is not a list of the letters shown."))
            }
            return .success(.choices(Set(chosen)))
        case .trueFalse:
            switch line.lowercased() {
            case "t", "true", "v", "vrai": return .success(.boolean(true))
            case "f", "false", "faux": return .success(.boolean(false))
            default: return .failure(InputProblem(message: "'\(line)' is neither true nor false."))
            }
        case .numeric:
            var text = line
            if let unit = question.unit, text.hasSuffix(unit) { text = String(text.dropLast(unit.count)) }
            text = text.trimmingCharacters(in: .whitespaces)
            if text.contains(",") { return .failure(InputProblem(message: "Use a point for decimals (3.5) and no thousands separators.")) }
            guard let value = Double(text), value.isFinite else { return .failure(InputProblem(message: "'\(line)' is not a number.")) }
            return .success(.number(value))
        case .shortText:
            if line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return .failure(InputProblem(message: "The answer contains a control character."))
            }
            guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return .failure(InputProblem(message: "The answer is empty."))
            }
            return .success(.text(line))
        case .ordering:
            guard let order = letters(line), order.count == question.choices.count, Set(order).count == order.count else {
                return .failure(InputProblem(message: "'\(line)' does not list each of the \(question.choices.count) letters exactly once."))
            }
            return .success(.order(order))
        case .essay:
            return .success(.text(line))
        case .matching:
            let count = question.matchPrompts?.count ?? 0
            guard let chosen = letters(line), chosen.count == count else {
                return .failure(InputProblem(message: "'\(line)' is not \(count) of the letters shown, one for each numbered item."))
            }
            return .success(.matches(chosen))
        }
    }
}

/// ANSI styling on a terminal, plain text elsewhere or with `NO_COLOR`.
struct TerminalStyle {
    let enabled: Bool

    init() {
        enabled = isatty(1) == 1 && isatty(0) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
