import AssayCore
import Foundation

/// An in-memory screen with the service's rules (the time limit on a ``FakeClock``, the grace
/// for questions shown before the deadline, drafts kept as answers at the end, answer limits),
/// recording every call, and able to fail calls as if the database were unreachable.
final class FakeScreenService: CandidateScreenService {
    struct Entry {
        var question: CandidateQuestion
        var answer: CandidateAnswer?
        var typed: String?
        var draft: String?
        var shownAt: Double?
        var lastShownAt: Double?
    }

    let clock: FakeClock
    var entries: [Entry]
    var limitSeconds: Double
    var grace = 30.0
    var adaptive = false
    var started: Double?
    var closed = false
    var submittedByDeadline = false
    /// Every call, as `name position`.
    private(set) var calls: [String] = []
    /// Drafts saved, in order.
    private(set) var drafts: [String] = []
    /// Calls (by name: answer, question, saveDraft, submit…) to fail as unreachable, each entry
    /// counting one failure; `always` fails every call from then on.
    var unavailable: [String: Int] = [:]
    var alwaysUnavailable = false

    init(clock: FakeClock, questions: [CandidateQuestion], minutes: Double = 40) {
        self.clock = clock
        self.limitSeconds = minutes * 60
        self.entries = questions.map { Entry(question: $0) }
    }

    private var deadline: Double? { started.map { $0 + limitSeconds } }
    private var secondsLeft: Int { deadline.map { max(0, Int(($0 - clock.now()).rounded(.up))) } ?? 0 }
    private var pastDeadline: Bool { deadline.map { clock.now() > $0 } ?? false }
    private var pastGrace: Bool { deadline.map { clock.now() > $0 + grace } ?? false }

    private func check(_ name: String, _ position: Int? = nil) throws {
        calls.append(position.map { "\(name) \($0)" } ?? name)
        if alwaysUnavailable || (unavailable[name] ?? 0) > 0 {
            unavailable[name, default: 0] -= 1
            throw AssayError(.unavailable, "the screen service cannot reach its database just now")
        }
        if closed, name != "overview", name != "submit" {
            throw AssayError(.badInput, "this screen is finished and the code can no longer be used; thank you")
        }
    }

    private func close() {
        guard !closed else { return }
        closed = true
        submittedByDeadline = pastDeadline
        for index in entries.indices where entries[index].answer == nil {
            if let draft = entries[index].draft { entries[index].answer = .text(draft); entries[index].typed = draft }
        }
    }

    func overview(code: String) throws -> ScreenOverview {
        try check("overview")
        if started != nil, pastGrace { close() }
        let state: ScreenOverview.State = closed ? .closed : started == nil ? .notStarted : .inProgress
        var resumeAt: Int?
        var latest = -Double.infinity
        for (index, entry) in entries.enumerated() {
            if let shown = entry.lastShownAt, shown >= latest {
                latest = shown
                resumeAt = index + 1
            }
        }
        return ScreenOverview(title: "Fake screen", description: "A screen for tests.", questionCount: entries.count,
                              timeLimitMinutes: Int(limitSeconds / 60), state: state, secondsLeft: state == .inProgress ? secondsLeft : nil,
                              answered: entries.indices.filter { entries[$0].answer != nil }.map { $0 + 1 }, adaptive: adaptive,
                              graceSeconds: Int(grace), resumeAt: state == .inProgress ? resumeAt : nil)
    }

    func begin(code: String) throws -> ScreenOverview {
        try check("begin")
        if started == nil { started = clock.now() }
        return try overview(code: code)
    }

    func question(code: String, position: Int) throws -> CandidateQuestion {
        try check("question", position)
        guard entries.indices.contains(position - 1) else { throw AssayError(.badInput, "there is no question \(position)") }
        if pastDeadline {
            close()
            var none = entries[position - 1].question
            none.secondsLeft = 0
            return none
        }
        entries[position - 1].shownAt = entries[position - 1].shownAt ?? clock.now()
        entries[position - 1].lastShownAt = clock.now()
        var question = entries[position - 1].question
        question.secondsLeft = secondsLeft
        question.answered = entries[position - 1].answer != nil
        question.draft = entries[position - 1].draft
        return question
    }

    private func accepts(_ position: Int) -> Bool {
        guard let deadline else { return false }
        return clock.now() <= deadline || (entries[position - 1].shownAt.map { $0 <= deadline } ?? false && clock.now() <= deadline + grace)
    }

    func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        try check("answer", position)
        let entry = entries[position - 1]
        if let problem = AnswerLimits.problem(with: typed, kind: entry.question.kind == .essay ? .essay : .shortText, maxWords: entry.question.maxWords) {
            throw AssayError(.badInput, problem)
        }
        guard accepts(position) else {
            close()
            return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
        }
        entries[position - 1].answer = answer
        entries[position - 1].typed = typed
        entries[position - 1].draft = nil
        return AnswerReceipt(saved: true, secondsLeft: secondsLeft, closed: false)
    }

    func saveDraft(code: String, position: Int, text: String) throws -> AnswerReceipt {
        try check("saveDraft", position)
        if let problem = AnswerLimits.problem(with: text, kind: .essay, maxWords: entries[position - 1].question.maxWords) {
            throw AssayError(.badInput, problem)
        }
        guard accepts(position) else {
            close()
            return AnswerReceipt(saved: false, secondsLeft: 0, closed: true)
        }
        entries[position - 1].draft = text.isEmpty ? nil : text
        drafts.append(text)
        return AnswerReceipt(saved: true, secondsLeft: secondsLeft, closed: false)
    }

    func submit(code: String) throws -> ScreenCompletion {
        try check("submit")
        close()
        let answered = entries.filter { $0.answer != nil }.count
        return ScreenCompletion(answered: answered, total: entries.count, scorePercent: nil, awaitingReview: false,
                                closedByDeadline: submittedByDeadline)
    }

    /// The text answer saved at `position`, if any.
    func text(at position: Int) -> String? {
        if case .text(let value)? = entries[position - 1].answer { return value }
        return nil
    }
}

extension CandidateQuestion {
    /// A single-choice question.
    static func choice(_ prompt: String, _ choices: [String]) -> CandidateQuestion {
        CandidateQuestion(position: 0, total: 0, kind: .singleChoice, prompt: prompt, choices: choices, unit: nil, maxWords: nil,
                          secondsLeft: 0, answered: false)
    }

    /// A short-answer question.
    static func short(_ prompt: String) -> CandidateQuestion {
        CandidateQuestion(position: 0, total: 0, kind: .shortText, prompt: prompt, choices: [], unit: nil, maxWords: nil,
                          secondsLeft: 0, answered: false)
    }

    /// An essay question.
    static func essay(_ prompt: String, maxWords: Int? = nil) -> CandidateQuestion {
        CandidateQuestion(position: 0, total: 0, kind: .essay, prompt: prompt, choices: [], unit: nil, maxWords: maxWords,
                          secondsLeft: 0, answered: false)
    }

    /// An ordering question.
    static func ordering(_ prompt: String, _ steps: [String]) -> CandidateQuestion {
        CandidateQuestion(position: 0, total: 0, kind: .ordering, prompt: prompt, choices: steps, unit: nil, maxWords: nil,
                          secondsLeft: 0, answered: false)
    }
}

extension Array where Element == CandidateQuestion {
    /// The questions numbered 1…n of n.
    var numbered: [CandidateQuestion] {
        enumerated().map { index, question in
            var question = question
            question.position = index + 1
            question.total = count
            return question
        }
    }
}
