public import AssayCore
import Foundation

/// The candidate's side of a screen at a terminal: `assay screen take`, and the same prompt
/// behind any other door (SSH).
///
/// It talks to the screen only through ``CandidateScreenService`` (it never sees a key) and to
/// the candidate only through a ``Terminal``, so it runs unchanged on a local window, on pipes
/// and over a remote byte stream, and is tested against a fake service and a scripted terminal.
///
/// What the candidate can rely on:
/// - **Text fits the window**: everything is wrapped to the window's width, at most 100 columns
///   (``TextWrapper``), and drawn again at the new width when the window changes size.
/// - **Time**: the time left is shown with every question, after every saved answer and in
///   every input prompt; a one-line warning comes at 10, 5 and 1 minutes left, even while the
///   candidate types (the line being typed is redrawn under it). When time runs out while an
///   answer is being typed, the candidate has the server's grace (30 seconds) to finish it.
///   Essays are saved as drafts line by line, so a killed terminal loses at most the line
///   being typed.
/// - **Pausing**: Ctrl-C (and Ctrl-D on an empty line, or the end of the input) pauses: the
///   prompt says that the answers are saved, the time left, and the exact command to resume.
/// - **A lost database** is retried for up to 30 seconds with one "reconnecting…" line; the
///   answer being entered is kept and saved once the database is back, and shown to the
///   candidate if it never comes back.
/// - **Rules up front**, and in `?`; every invalid input is named and asked again.
///
/// The clock it measures waits with is a ``TerminalClock``; the deadline itself is the
/// server's, re-read with every reply. Not `Sendable`: one thread runs it.
public final class CandidatePrompt {
    /// How a session ended.
    public enum Outcome: Sendable, Equatable {
        /// The screen was submitted (by the candidate, the last answer or the time).
        case submitted
        /// The candidate did not start the clock.
        case notStarted
        /// The screen was already closed.
        case alreadyClosed
        /// The candidate left a screen in progress; it resumes with the same command.
        case paused(PauseReason)
    }

    /// Why a screen in progress was left.
    public enum PauseReason: Sendable, Equatable {
        /// Ctrl-C.
        case interrupt
        /// Ctrl-D on an empty line, or the input ended.
        case endOfInput
        /// The database could not be reached for ``CandidatePrompt/reconnectSeconds``.
        case connectionLost
    }

    /// Seconds left at which a warning is shown.
    public static let warningThresholds = [600, 300, 60]
    /// How long a lost database is retried before the prompt pauses.
    public static let reconnectSeconds = 30.0
    /// The widest text, in columns, however wide the window.
    public static let maxTextWidth = 100

    let service: any CandidateScreenService
    let code: String
    let terminal: any Terminal
    let clock: any TerminalClock
    let resumeCommand: String
    let parser = AnswerParser()

    var adaptive = false
    var questionCount = 0
    var graceSeconds = 30
    var answered: Set<Int> = []
    /// When the server's deadline falls on ``clock``; nil before the clock starts.
    var deadline: Double?
    /// When the grace for the answer being typed ends on ``clock``, once time is up.
    var graceEndsAt: Double?
    var warningsLeft: [Int] = []
    /// Whether the essay on screen has a saved draft.
    var draftKept = false

    /// A prompt for the screen of `code`.
    ///
    /// - Parameters:
    ///   - service: the screen service.
    ///   - code: the invite code as the candidate gave it.
    ///   - terminal: where to write and read.
    ///   - clock: the clock to measure waits with.
    ///   - resumeCommand: what the candidate runs to resume (`assay screen take`, which asks for
    ///     the code again: never the code itself, which other users could read in `ps`; or an
    ///     `ssh` command), shown when the screen is paused.
    public init(service: any CandidateScreenService, code: String, terminal: any Terminal, clock: any TerminalClock = SystemClock(),
                resumeCommand: String) {
        self.service = service
        self.code = code
        self.terminal = terminal
        self.clock = clock
        self.resumeCommand = resumeCommand
    }

    /// Runs the screen to its end, or until the candidate pauses.
    ///
    /// - Returns: how it ended.
    /// - Throws: ``AssayError`` when the code cannot be used (unknown, expired, voided,
    ///   finished) or the service fails otherwise; a database that stays unreachable is not an
    ///   error but ``PauseReason/connectionLost``.
    public func run() throws -> Outcome {
        do {
            return try session()
        } catch let lost as ConnectionLost {
            terminal.abandonLine()
            say("")
            say("The screen service cannot be reached just now.", .bold)
            if let unsaved = lost.unsaved, !unsaved.isEmpty {
                say("This answer was not saved; here it is, to enter again when you resume:")
                say(unsaved.visibleSafeLines, indent: "  ")
            }
            if deadline == nil {
                say("Your screen has not started. Try again in a few minutes with:")
            } else {
                say("\(savedSentence()) The clock keeps running: \(Self.clock(remaining)) left. Try again in a few minutes with:")
            }
            sayCommand(resumeCommand)
            return .paused(.connectionLost)
        }
    }

    // MARK: The session

    private func session() throws -> Outcome {
        var overview = try call { try self.service.overview(code: self.code) }
        adaptive = overview.adaptive
        questionCount = overview.questionCount
        graceSeconds = overview.graceSeconds
        showIntroduction(overview)
        switch overview.state {
        case .closed:
            say("This screen is closed: its time ran out and your saved answers were submitted.")
            return .alreadyClosed
        case .notStarted:
            let introduction = overview
            switch ask("Begin now? The clock starts when you answer y. [y/n] ", redraw: { self.showIntroduction(introduction) }) {
            case .yes:
                break
            case .no, .pause, .timeUp:
                say("Not started. When you are ready, run:")
                sayCommand(resumeCommand)
                return .notStarted
            }
        case .inProgress:
            say("Resuming: \(overview.answered.count) of \(overview.questionCount) answered, \(Self.clock(overview.secondsLeft ?? 0)) left.")
        }
        overview = try call { try self.service.begin(code: self.code) }
        questionCount = overview.questionCount
        answered = Set(overview.answered)
        let secondsLeft = overview.secondsLeft ?? 0
        anchor(secondsLeft)
        warningsLeft = Self.warningThresholds.filter { $0 < secondsLeft }
        return try questions(from: overview.resumeAt ?? 1)
    }

    private func questions(from start: Int) throws -> Outcome {
        var cursor = start - 1
        while true {
            let unanswered = Array(1...max(questionCount, 1)).filter { !answered.contains($0) }
            guard let position = unanswered.first(where: { $0 > cursor }) ?? unanswered.first else {
                say("All \(questionCount) questions are answered.")
                return try finish()
            }
            if position <= cursor {
                say("")
                say("\(unanswered.count) skipped question\(unanswered.count == 1 ? "" : "s") left.", .bold)
                cursor = position - 1
            }
            let question = try call { try self.service.question(code: self.code, position: position) }
            questionCount = question.total
            if question.secondsLeft <= 0 {
                say("Time is up.", .bold)
                return try finish()
            }
            anchor(question.secondsLeft)
            switch try respond(to: question) {
            case .answer(let answer, let typed):
                let receipt: AnswerReceipt
                do {
                    receipt = try call(unsaved: typed) {
                        try self.service.answer(code: self.code, position: position, answer: answer, typed: typed)
                    }
                } catch let error as AssayError where error.isBadInput {
                    // The service refused this answer and saved nothing: the same question again.
                    say("That answer was not accepted: \(error.message). Please answer again.")
                    continue
                }
                if receipt.closed {
                    say("Time is up: this answer arrived after the deadline and its \(graceSeconds)-second grace, and was not saved.", .bold)
                    return try finish()
                }
                answered.insert(position)
                cursor = position
                draftKept = false
                if receipt.secondsLeft > 0 {
                    anchor(receipt.secondsLeft)
                    say("Saved. \(Self.clock(remaining)) left.", .dim)
                } else {
                    say("Saved (within the grace after the deadline).", .dim)
                }
                if receipt.complete {
                    say("No more questions are needed: your answers measure your level precisely enough.")
                    return try finish()
                }
            case .skip:
                cursor = position
                say("Skipped; it comes back after the other questions.", .dim)
            case .submit:
                let left = questionCount - answered.count
                guard left > 0 else { return try finish() }
                let question = adaptive
                    ? "Finish now, with \(answered.count) question\(answered.count == 1 ? "" : "s") answered? This question will score nothing. [y/n] "
                    : "\(left) question\(left == 1 ? " is" : "s are") unanswered and will score nothing. Submit anyway? [y/n] "
                switch ask(question, redraw: {}) {
                case .yes: return try finish()
                case .no: say("Not submitted: back to the question.", .dim)
                case .pause(let reason): return pause(reason)
                case .timeUp: return try finish()
                }
            case .pause(let reason):
                return pause(reason)
            case .timeUp:
                return try finish()
            }
        }
    }

    private func finish() throws -> Outcome {
        let completion = try call { try self.service.submit(code: self.code) }
        say("Thank you: your screen is submitted (\(completion.answered) of \(completion.total) answered).", .bold)
        if completion.awaitingReview {
            say("Some answers are read by a reviewer; you will hear about the result.")
        } else if let score = completion.scorePercent {
            say(String(format: "Your score: %.0f%%.", score))
        } else {
            say("You will hear about the result.")
        }
        return .submitted
    }

    private func pause(_ reason: PauseReason) -> Outcome {
        say("")
        let opening = reason == .interrupt ? "Paused." : "Input ended."
        say("\(opening) \(savedSentence()) The clock keeps running: \(Self.clock(remaining)) left. To resume, run:", .bold)
        sayCommand(resumeCommand)
        return .paused(reason)
    }

    private func savedSentence() -> String {
        let count = answered.count
        let answers = count == 0 ? "You have no saved answers yet" : "Your \(count) answer\(count == 1 ? " is" : "s are") saved"
        return answers + (draftKept ? ", and so is the essay you were writing." : ".")
    }

    // MARK: Time

    /// The server reported `seconds` left: the deadline is that far from now. A report of 0
    /// (past the deadline) keeps the estimate, so that the grace is not moved.
    func anchor(_ seconds: Int) {
        guard seconds > 0 || deadline == nil else { return }
        deadline = clock.now() + Double(seconds)
    }

    /// Seconds left on the screen's clock, by this side's estimate.
    var remaining: Int {
        guard let deadline else { return 0 }
        return max(0, Int((deadline - clock.now()).rounded(.up)))
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    ///
    /// - Parameter seconds: seconds (negative counts as 0).
    /// - Returns: the time as a clock shows it.
    public static func clock(_ seconds: Int) -> String {
        let s = max(0, seconds)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    // MARK: The database

    /// The database could not be reached for ``reconnectSeconds``.
    struct ConnectionLost: Error {
        /// What the candidate had entered that was not saved.
        var unsaved: String?
    }

    /// Runs a service call; while the database is unreachable, says so once and tries again
    /// every second for up to ``reconnectSeconds``, keeping `unsaved` (what the call saves).
    func call<T>(unsaved: String? = nil, _ body: () throws -> T) throws -> T {
        var since: Double?
        while true {
            do {
                let value = try body()
                if since != nil { say("Reconnected.", .dim) }
                return value
            } catch let error as AssayError where error.code == .unavailable {
                let now = clock.now()
                if since == nil {
                    since = now
                    say("The connection to the screen service was lost; reconnecting…", .dim)
                }
                if let since, now - since >= Self.reconnectSeconds { throw ConnectionLost(unsaved: unsaved) }
                clock.sleep(seconds: 1)
            }
        }
    }
}
