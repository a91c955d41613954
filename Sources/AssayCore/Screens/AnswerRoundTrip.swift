import Banks
import Foundation
public import Postgres

/// The candidate's side of a screen with one round trip and one commit per answer: a
/// ``CandidateScreenService`` for servers that hold few connections for many candidates, and the
/// path `assay screen take` uses too.
///
/// An answer is one statement, `screen_door_answer` (migrations 013 and 016), run outside an
/// explicit transaction: it checks the code, the deadline and its grace
/// (`screen_accepts_answers`), saves the answer, drops the question's draft and returns the next
/// question, which the following ``question(code:position:)`` then serves without asking the
/// database again. Showing a question (`screen_door_question`, which returns its draft and
/// stamps the resume point) and saving an essay's draft (`screen_door_draft`) are one statement
/// each too. ``CandidateSession`` does the same work in three to nine round trips and a commit
/// each for the answer and the question.
///
/// The answer is checked (``AnswerMapping``, ``AnswerLimits``) and mapped to the item's original
/// indices here, before the database is asked, from the item and choice order of the question
/// as it was shown, which this object keeps for the screen it serves. The stored results are
/// those of ``CandidateSession``: same answer, same typed text, same drafts, same server times.
///
/// Everything else takes ``CandidateSession``'s path, with its exact semantics and messages:
/// the overview, beginning and submitting; adaptive screens (their next item is chosen by an
/// ability estimate computed in Swift, see ``CandidateSession``); and every case the SQL
/// functions decline without changing anything (an unknown code, a screen not in progress, a
/// deadline or grace that has passed, so that the screen must be closed and scored with its
/// drafts as answers, an answer that does not fit its question or its limits, a question this
/// object has not shown).
///
/// Uses one connection; not `Sendable`. A server whose calls run on whichever pooled connection
/// is free keeps a ``Memory`` per candidate and calls the static forms
/// ``question(code:position:memory:on:)``, ``answer(code:position:answer:typed:memory:on:)`` and
/// ``saveDraft(code:position:text:memory:on:)``.
public final class AnswerRoundTrip: CandidateScreenService {
    /// What a service remembers of the screen it serves between calls: the questions it has
    /// shown (their items and choice orders, to check and map answers) and the next question
    /// returned with the last answer. `Sendable`, so that a server can keep it between calls
    /// made on different connections.
    public struct Memory: Sendable {
        /// The normalized code whose questions are remembered.
        var code: String?
        /// Position → the item shown there and its choice order.
        var shown: [Int: ShownItem] = [:]
        /// The next question, returned with the last answer and not yet served.
        var prefetched: CandidateQuestion?

        /// An empty memory.
        public init() {}

        /// The question returned with the last answer, when it is the one asked for: served
        /// without asking the database (and forgotten). Any other request forgets it too.
        ///
        /// - Parameters:
        ///   - code: the invite code.
        ///   - position: the position asked for.
        /// - Returns: the question, or nil when the database must be asked.
        public mutating func takePrefetched(code: String, position: Int) -> CandidateQuestion? {
            defer { prefetched = nil }
            guard let question = prefetched, question.position == position, InviteCode.normalize(code) == self.code else { return nil }
            return question
        }

        /// Whether an answer or a draft for `position` can take the one-statement path: the
        /// question was shown through this memory (adaptive screens and questions shown
        /// elsewhere take ``CandidateSession``'s path of several statements). A server uses this
        /// to put the call in its lane for short jobs; the statement may still decline (a
        /// deadline passed) and fall back to the longer path.
        ///
        /// - Parameters:
        ///   - code: the invite code.
        ///   - position: the 1-based position answered.
        /// - Returns: true when the question at `position` of `code` is remembered.
        public func answersInOneStatement(code: String, position: Int) -> Bool {
            guard let normalized = InviteCode.normalize(code) else { return false }
            return normalized == self.code && shown[position] != nil
        }
    }

    /// An item as shown: what an answer to it is checked and mapped against.
    struct ShownItem: Sendable {
        var item: Item
        var order: [Int]?
    }

    /// The connection in use; replaced by a new one after it was lost.
    public var connection: Connection { session.connection }
    /// The slower path, and the owner of the connection: it reopens a lost one.
    private let session: CandidateSession
    private var memory = Memory()

    /// A service over a migrated database (migration 016 applied).
    ///
    /// When the connection is lost a call throws ``AssayError`` with code
    /// ``AssayError/Code/unavailable`` and the next call opens a new one with the same settings,
    /// as ``CandidateSession`` does; a question returned with the last answer is still served.
    ///
    /// - Parameter connection: the connection to use; not inside a transaction.
    public init(connection: Connection) {
        self.session = CandidateSession(connection: connection)
    }

    /// What the screen is and where the candidate stands (``CandidateSession``'s path).
    ///
    /// - Throws: ``AssayError`` when the code is unknown, expired, voided or used up, or the
    ///   database cannot be reached.
    public func overview(code: String) throws -> ScreenOverview {
        try session.overview(code: code)
    }

    /// Starts the clock (server time) if it has not started; idempotent (``CandidateSession``'s path).
    ///
    /// - Throws: ``AssayError`` when the code cannot be used, or the database cannot be reached.
    public func begin(code: String) throws -> ScreenOverview {
        try session.begin(code: code)
    }

    /// One question as the candidate sees it, with its draft, recording when it was shown: the
    /// one returned with the last answer when it is the one asked for, else one statement.
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, the position does not exist, or the
    ///   database cannot be reached.
    public func question(code: String, position: Int) throws -> CandidateQuestion {
        if let prefetched = memory.takePrefetched(code: code, position: position) { return prefetched }
        return try session.withDatabase { connection in
            try Self.question(code: code, position: position, memory: &memory, on: connection)
        }
    }

    /// Saves an answer, stamped with the server's time, in one statement and one commit, and
    /// keeps the next question for the prompt. Accepted until the deadline, and during the grace
    /// for a question shown before it; otherwise nothing is saved and the screen is closed and
    /// scored on what it has.
    ///
    /// - Throws: ``AssayError`` when the answer does not fit the question or ``AnswerLimits``,
    ///   the screen has not begun, or the database cannot be reached.
    public func answer(code: String, position: Int, answer: CandidateAnswer, typed: String) throws -> AnswerReceipt {
        try session.withDatabase { connection in
            try Self.answer(code: code, position: position, answer: answer, typed: typed, memory: &memory, on: connection)
        }
    }

    /// Saves the essay being written at `position` as its draft, in one statement, under the same
    /// time rule as an answer; an empty text removes the draft.
    ///
    /// - Throws: ``AssayError`` when the question is not an unanswered essay, the text is outside
    ///   ``AnswerLimits``, the screen has not begun, or the database cannot be reached.
    public func saveDraft(code: String, position: Int, text: String) throws -> AnswerReceipt {
        try session.withDatabase { connection in
            try Self.saveDraft(code: code, position: position, text: text, memory: &memory, on: connection)
        }
    }

    /// Ends the screen and scores it (``CandidateSession``'s path).
    ///
    /// - Throws: ``AssayError`` when the screen has not begun, or was voided or expired, or the
    ///   database cannot be reached.
    public func submit(code: String) throws -> ScreenCompletion {
        memory.prefetched = nil
        return try session.submit(code: code)
    }

    /// ``question(code:position:)`` with the memory kept by the caller, on any connection.
    ///
    /// - Parameters:
    ///   - code: the invite code.
    ///   - position: the 1-based position.
    ///   - memory: what the caller's service remembers of the screen; updated.
    ///   - connection: a connection outside a transaction.
    /// - Throws: ``AssayError`` when the screen has not begun or the position does not exist.
    public static func question(code: String, position: Int, memory: inout Memory, on connection: Connection) throws -> CandidateQuestion {
        guard let normalized = InviteCode.normalize(code) else {
            return try CandidateSession(connection: connection).question(code: code, position: position)
        }
        if normalized == memory.code, let question = memory.prefetched, question.position == position {
            memory.prefetched = nil
            return question
        }
        memory.prefetched = nil
        let row = try connection.query("SELECT * FROM screen_door_question($1, $2::integer)", [normalized, position]).one()
        guard try row.decode("outcome", as: String.self) == "shown" else {
            return try CandidateSession(connection: connection).question(code: code, position: position)
        }
        return try remember(row, code: normalized, in: &memory)
    }

    /// ``answer(code:position:answer:typed:)`` with the memory kept by the caller, on any
    /// connection.
    ///
    /// - Parameters:
    ///   - code: the invite code.
    ///   - position: the 1-based position answered.
    ///   - answer: the answer in shown positions.
    ///   - typed: what the candidate typed.
    ///   - memory: what the caller's service remembers of the screen; updated.
    ///   - connection: a connection outside a transaction.
    /// - Throws: ``AssayError`` when the answer does not fit the question or the screen has not
    ///   begun.
    public static func answer(code: String, position: Int, answer: CandidateAnswer, typed: String,
                              memory: inout Memory, on connection: Connection) throws -> AnswerReceipt {
        memory.prefetched = nil
        guard let normalized = InviteCode.normalize(code), normalized == memory.code, let shown = memory.shown[position],
              let stored = try? AnswerMapping.stored(answer, item: shown.item, order: shown.order, typed: typed),
              fitsLimits(answer, typed: typed, item: shown.item) else {
            // Not shown through this memory, or not an answer to it: the full path says why.
            return try CandidateSession(connection: connection).answer(code: code, position: position, answer: answer, typed: typed)
        }
        let row = try connection.query("SELECT * FROM screen_door_answer($1, $2::integer, $3, $4)",
                                       [normalized, position, try PostgresJSON(encoding: stored), typed]).one()
        guard try row.decode("outcome", as: String.self) == "saved" else {
            // Declined, nothing changed: the full path closes an overdue screen or says why.
            return try CandidateSession(connection: connection).answer(code: code, position: position, answer: answer, typed: typed)
        }
        if try !row.isNull("item_position") {
            memory.prefetched = try remember(row, code: normalized, in: &memory)
        }
        return AnswerReceipt(saved: true, secondsLeft: try row.decode("seconds_left"), closed: false)
    }

    /// ``saveDraft(code:position:text:)`` with the memory kept by the caller, on any connection.
    ///
    /// - Parameters:
    ///   - code: the invite code.
    ///   - position: the essay's 1-based position.
    ///   - text: the whole essay so far; empty removes the draft.
    ///   - memory: what the caller's service remembers of the screen.
    ///   - connection: a connection outside a transaction.
    /// - Throws: ``AssayError`` when the question is not an unanswered essay, the text is outside
    ///   ``AnswerLimits`` or the screen has not begun.
    public static func saveDraft(code: String, position: Int, text: String, memory: inout Memory, on connection: Connection) throws -> AnswerReceipt {
        guard let normalized = InviteCode.normalize(code), normalized == memory.code, let shown = memory.shown[position],
              case .essay(_, let maxWords) = shown.item.body,
              AnswerLimits.problem(with: text, kind: .essay, maxWords: maxWords) == nil else {
            return try CandidateSession(connection: connection).saveDraft(code: code, position: position, text: text)
        }
        let row = try connection.query("SELECT * FROM screen_door_draft($1, $2::integer, $3)", [normalized, position, text]).one()
        guard try row.decode("outcome", as: String.self) == "saved" else {
            return try CandidateSession(connection: connection).saveDraft(code: code, position: position, text: text)
        }
        return AnswerReceipt(saved: true, secondsLeft: try row.decode("seconds_left"), closed: false)
    }

    /// Whether the texts of an answer fit ``AnswerLimits`` (as ``CandidateSession`` checks them).
    private static func fitsLimits(_ answer: CandidateAnswer, typed: String, item: Item) -> Bool {
        let kind: CandidateQuestion.Kind = item.type == .essay ? .essay : .shortText
        var maxWords: Int?
        if case .essay(_, let limit) = item.body { maxWords = limit }
        let texts = [typed] + { if case .text(let value) = answer { [value] } else { [] } }()
        return texts.allSatisfy { AnswerLimits.problem(with: $0, kind: kind, maxWords: maxWords) == nil }
    }

    /// The candidate's view of a question row of the two functions, remembering its item and order.
    private static func remember(_ row: Row, code normalized: String, in memory: inout Memory) throws -> CandidateQuestion {
        if normalized != memory.code {
            memory = Memory()
            memory.code = normalized
        }
        let position: Int = try row.decode("item_position")
        let item = try row.decode("content", as: PostgresJSON.self).decode(Item.self)
        let order: [Int]? = try row.decode("choice_order")
        memory.shown[position] = ShownItem(item: item, order: order)
        var question = CandidateQuestion(showing: item, position: position, total: try row.decode("total"), order: order,
                                         secondsLeft: try row.decode("seconds_left"), answered: try row.decode("answered"))
        question.draft = try row.decode("draft")
        return question
    }
}
