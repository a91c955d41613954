import Foundation
public import Postgres

/// Scored screens written straight into the database with SQL, for calibration and statistics
/// tests: taking hundreds of screens through the service would make those tests slow, and they
/// test what is done with stored responses, not how screens store them.
public enum StoredResponsesFixture {
    /// One scored screen: the points earned per item key (absent: not shown), and optionally the
    /// chosen option per item key (stored as a `choice` answer).
    public struct Sitting: Sendable {
        /// Points per item key.
        public var points: [String: Double]
        /// Chosen option (original index) per item key, for single-choice items.
        public var choices: [String: Int]

        /// Creates a sitting.
        public init(points: [String: Double], choices: [String: Int] = [:]) {
            self.points = points
            self.choices = choices
        }
    }

    /// Inserts one expert and one scored screen per sitting on the current version of a bank
    /// already synced; every shown item is answered.
    ///
    /// - Parameters:
    ///   - sittings: the screens.
    ///   - bank: the bank's slug.
    ///   - connection: a migrated database.
    /// - Returns: the screen ids, in order.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public static func insert(_ sittings: [Sitting], bank: String, on connection: Connection) throws -> [Int] {
        try connection.withTransaction { tx in
            let bankRow = try tx.query("SELECT id FROM banks WHERE slug = $1 AND is_current", [bank]).one()
            let bankID: Int = try bankRow.decode("id")
            var itemIDs: [String: (id: Int, points: Double)] = [:]
            for row in try tx.query("""
                SELECT i.id, i.item_key, i.points FROM bank_items bi JOIN items i ON i.id = bi.item_id WHERE bi.bank_id = $1
                """, [bankID]) {
                itemIDs[try row.decode("item_key")] = (try row.decode("id"), try row.decode("points"))
            }
            let email = "fixture-\(UUID().uuidString.prefix(8).lowercased())@example.org"
            let expert: Int = try tx.query("""
                INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                VALUES ($1, 'Fixture Person', 'FR', '{fr}', 'phd', 5) RETURNING id
                """, [email]).one().decode("id")
            var screens: [Int] = []
            for sitting in sittings {
                var keys: [String] = [], ids: [Int] = [], maxima: [Double] = [], points: [Double] = [], answers: [String] = []
                var awarded = 0.0, possible = 0.0
                for (key, earned) in sitting.points.sorted(by: { $0.key < $1.key }) {
                    guard let item = itemIDs[key] else { continue }
                    keys.append(key)
                    ids.append(item.id)
                    maxima.append(item.points)
                    points.append(earned)
                    answers.append(sitting.choices[key].map { #"{"choice":{"_0":\#($0)}}"# } ?? #"{"text":{"_0":"fixture"}}"#)
                    awarded += earned
                    possible += item.points
                }
                let percent = possible > 0 ? 100 * awarded / possible : 0
                let screen: Int = try tx.query("""
                    INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at,
                                         started_at, deadline, submitted_at, submitted_by, scored_at, points_awarded, points_possible, score_percent, passed)
                    VALUES ($1, $2, $3, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'), 'scored', 1, 30, 'fixture', now(),
                            now(), now() + interval '30 minutes', now(), 'candidate', now(), $4, $5, $6, $6 >= 50)
                    RETURNING id
                    """, [expert, bankID, bank, awarded, possible, percent]).one().decode("id")
                try tx.execute("""
                    INSERT INTO screen_items (screen_id, position, item_id, max_points, answer, answered_at, points, correct)
                    SELECT $1, position, item_id, max_points, answer::jsonb, now(), points, points >= max_points
                    FROM unnest($2::bigint[], $3::float8[], $4::text[], $5::float8[]) WITH ORDINALITY AS t(item_id, max_points, answer, points, position)
                    """, [screen, ids, maxima, answers, points])
                screens.append(screen)
            }
            return screens
        }
    }
}
