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
        if fast.count >= 3 { flags.append(["flag": "fast_answers", "positions": fast.joined(separator: ",")]) }
        if !gaps.isEmpty { flags.append(["flag": "long_gap", "positions": gaps.joined(separator: ",")]) }
        let shared = try tx.query("""
            SELECT other.screen_id, count(*)::int AS both_wrong, count(*) FILTER (WHERE other.answer = mine.answer)::int AS same
            FROM screen_items mine JOIN screen_items other ON other.item_id = mine.item_id AND other.screen_id <> mine.screen_id
            JOIN screens o ON o.id = other.screen_id AND o.status = ANY ($2)
            WHERE mine.screen_id = $1 AND mine.correct = false AND mine.answer IS NOT NULL
              AND other.correct = false AND other.answer IS NOT NULL
            GROUP BY other.screen_id
            HAVING count(*) >= 4 AND count(*) FILTER (WHERE other.answer = mine.answer) >= 0.8 * count(*)
            """, [screenID, ScreenStatus.submittedValues])
        for row in shared {
            flags.append(["flag": "shared_wrong_answers", "other_screen": String(try row.decode("screen_id", as: Int.self)),
                          "same": "\(try row.decode("same", as: Int.self)) of \(try row.decode("both_wrong", as: Int.self))"])
        }
        try tx.execute("UPDATE screens SET flags = $2 WHERE id = $1", [screenID, try PostgresJSON(encoding: flags)])
    }
}
