import Foundation
import Postgres

/// Integrity flags, for staff: answers faster than a plausible reading time, a long gap before
/// an answer (a resume), a wrong-answer pattern shared with another screen.
///
/// Flags are signals for a person to look at, never an automatic verdict; they are stored as
/// JSON on the screen when it is submitted.
struct IntegrityFlags {
    /// The transaction the screen is scored in.
    let tx: Connection

    /// Computes and stores the flags of a submitted screen.
    func flag(screenID: Int) throws {
        var flags: [[String: String]] = []
        let timings = try tx.query("""
            SELECT si.position, si.seconds_taken, si.answered_at,
                   lag(si.answered_at) OVER (ORDER BY si.answered_at) AS previous,
                   array_length(regexp_split_to_array(btrim(i.content->>'prompt'), '\\s+'), 1) AS words
            FROM screen_items si JOIN items i ON i.id = si.item_id
            WHERE si.screen_id = $1 AND si.answered_at IS NOT NULL ORDER BY si.answered_at
            """, [screenID])
        var fast: [String] = []
        var gaps: [String] = []
        for row in timings {
            let position: Int = try row.decode("position")
            let seconds: Double = try row.decode("seconds_taken", as: Double?.self) ?? 0
            let words: Int = try row.decode("words", as: Int?.self) ?? 0
            // Reading at 400 words a minute plus two seconds to answer.
            if seconds < 2 + Double(words) * 0.15 { fast.append(String(position)) }
            if let previous = try row.decode("previous", as: Date?.self) {
                let answeredAt: Date = try row.decode("answered_at")
                if answeredAt.timeIntervalSince(previous) > 600 { gaps.append(String(position)) }
            }
        }
        if fast.count >= 3 {
            let items: Int = try tx.query("SELECT count(*)::int FROM screen_items WHERE screen_id = $1", [screenID]).one().decode(0)
            flags.append(["flag": "fast_answers", "positions": fast.joined(separator: ","), "items": String(items)])
        }
        if !gaps.isEmpty { flags.append(["flag": "long_gap", "positions": gaps.joined(separator: ",")]) }
        let shared = try tx.query(Self.sharedWrongAnswers, [screenID, ScreenStatus.submittedValues])
        for row in shared {
            flags.append(["flag": "shared_wrong_answers", "other_screen": String(try row.decode("screen_id", as: Int.self)),
                          "same": "\(try row.decode("same", as: Int.self)) of \(try row.decode("both_wrong", as: Int.self))"])
        }
        try tx.execute("UPDATE screens SET flags = $2 WHERE id = $1", [screenID, try PostgresJSON(encoding: flags)])
    }

    /// Other submitted screens whose wrong answers are mostly the same as this screen's: at least
    /// four items wrong on both, at least 80% of them with the same wrong answer. `$1` is the
    /// screen, `$2` the submitted statuses.
    ///
    /// Such a screen shares at least four identical wrong answers (80% of four or more is more
    /// than three), so the candidates are found first through `screen_items_wrong_answer_idx`
    /// (wrong answers by item and answer hash): only screens that gave one of this screen's
    /// wrong answers are visited, never every answer to the item, and the full comparison runs
    /// on the few that share four. The result is the same as comparing with every screen.
    static let sharedWrongAnswers = """
        WITH mine AS (
            SELECT item_id, answer, hashtextextended(answer::text, 0) AS answer_hash FROM screen_items
            WHERE screen_id = $1 AND correct = false AND answer IS NOT NULL),
        candidates AS (
            SELECT other.screen_id FROM mine
            JOIN screen_items other ON other.item_id = mine.item_id AND hashtextextended(other.answer::text, 0) = mine.answer_hash
                 AND other.correct = false AND other.answer IS NOT NULL
            WHERE other.screen_id <> $1 AND other.answer = mine.answer
            GROUP BY other.screen_id HAVING count(*) >= 4)
        SELECT other.screen_id, count(*)::int AS both_wrong, count(*) FILTER (WHERE other.answer = mine.answer)::int AS same
        FROM candidates c
        JOIN screens o ON o.id = c.screen_id AND o.status = ANY ($2)
        JOIN screen_items other ON other.screen_id = c.screen_id AND other.correct = false AND other.answer IS NOT NULL
        JOIN mine ON mine.item_id = other.item_id
        GROUP BY other.screen_id
        HAVING count(*) >= 4 AND count(*) FILTER (WHERE other.answer = mine.answer) >= 0.8 * count(*)
        ORDER BY other.screen_id
        """

    /// The check as it was before migration 011: every answer to each item this screen got wrong
    /// is compared. Kept for the test that shows ``sharedWrongAnswers`` finds the same screens,
    /// and for `scripts/bench-submit.sh`.
    static let sharedWrongAnswersByScan = """
        SELECT other.screen_id, count(*)::int AS both_wrong, count(*) FILTER (WHERE other.answer = mine.answer)::int AS same
        FROM screen_items mine JOIN screen_items other ON other.item_id = mine.item_id AND other.screen_id <> mine.screen_id
        JOIN screens o ON o.id = other.screen_id AND o.status = ANY ($2)
        WHERE mine.screen_id = $1 AND mine.correct = false AND mine.answer IS NOT NULL
          AND other.correct = false AND other.answer IS NOT NULL
        GROUP BY other.screen_id
        HAVING count(*) >= 4 AND count(*) FILTER (WHERE other.answer = mine.answer) >= 0.8 * count(*)
        ORDER BY other.screen_id
        """
}
