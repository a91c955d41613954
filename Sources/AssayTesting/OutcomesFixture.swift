import Foundation
public import Postgres

/// A pool whose members' work quality depends on a known true ability, for the outcomes and
/// validity tests: candidates with scored screens on a synced bank (item credit driven by
/// ability, one item reversed so that it predicts the wrong way), those at or above the pass
/// mark promoted, and an outcomes file whose values follow the same ability.
///
/// Written with plain SQL in one transaction; needs the bank synced first (`assay bank sync`).
public struct OutcomesFixture: Sendable {
    /// One candidate.
    public struct Candidate: Sendable {
        /// The expert's id.
        public let expertID: Int
        /// The expert's email.
        public let email: String
        /// The evidence screen's id.
        public let screenID: Int
        /// The true ability the fixture drew.
        public let ability: Double
        /// The screen's percent.
        public let percent: Double
        /// Whether they passed and joined the pool.
        public let member: Bool
    }

    /// Every candidate, in creation order.
    public let candidates: [Candidate]
    /// The bank's domain.
    public let domain: String
    /// The item keys used, in order.
    public let itemKeys: [String]
    /// The item whose credit goes against ability.
    public let reversedItem: String

    /// The pool members.
    public var members: [Candidate] { candidates.filter(\.member) }

    /// Builds the fixture.
    ///
    /// - Parameters:
    ///   - connection: a migrated database with the bank synced.
    ///   - bankSlug: the bank (its current version is used).
    ///   - candidates: how many candidates sit the screen.
    ///   - items: how many of the bank's items each screen shows.
    ///   - passMark: the percent at or above which a candidate joins the pool.
    ///   - tag: makes the emails unique in a shared database.
    ///   - seed: the generator's seed.
    /// - Throws: ``PostgresError``.
    public static func build(on connection: Connection, bankSlug: String, candidates count: Int = 150, items: Int = 12,
                             passMark: Double = 60, tag: String, seed: UInt64 = 1) throws -> OutcomesFixture {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Double(state >> 11) * 0x1p-53
        }
        func normal() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        return try connection.withTransaction { tx in
            let bank = try tx.query("SELECT id, domain FROM banks WHERE slug = $1 AND is_current", [bankSlug]).one()
            let bankID: Int = try bank.decode("id")
            let domain: String = try bank.decode("domain")
            let itemRows = try tx.query("""
                SELECT i.id, i.item_key FROM bank_items bi JOIN items i ON i.id = bi.item_id
                WHERE bi.bank_id = $1 ORDER BY bi.position LIMIT $2
                """, [bankID, items])
            let itemIDs: [Int] = try itemRows.map { try $0.decode("id") }
            let keys: [String] = try itemRows.map { try $0.decode("item_key") }
            let difficulty = itemIDs.indices.map { -1.0 + 2.0 * Double($0) / Double(max(itemIDs.count - 1, 1)) }
            let reversed = itemIDs.count - 1
            var made: [Candidate] = []
            for n in 0..<count {
                let ability = normal()
                var credits: [Double] = []
                for j in itemIDs.indices {
                    let logit = j == reversed ? -3 * (ability - 0.7) : 1.7 * (ability - difficulty[j] * 0.6) + 0.3
                    credits.append(uniform() < 1 / (1 + exp(-logit)) ? 1 : 0)
                }
                let percent = credits.reduce(0, +) / Double(credits.count) * 100
                let member = percent >= passMark
                let email = "fx\(n)-\(tag)@example.org"
                let expertID: Int = try tx.query("""
                    INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                    VALUES ($1, $2, 'FR', ARRAY['fr','en'], 'md', 8) RETURNING id
                    """, [email, "Fixture \(n)"]).one().decode("id")
                let screenID: Int = try tx.query("""
                    INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by,
                                         invite_expires_at, scored_at, points_awarded, points_possible, score_percent, passed, theta)
                    VALUES ($1, $2, $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'), 'scored', 1, 30, 'fixture',
                            now() + interval '1 day', now(), $5, $6, $7, $8, $9) RETURNING id
                    """, [expertID, bankID, bankSlug, email, credits.reduce(0, +), Double(credits.count), percent, member,
                          ((ability + 0.3 * normal()) * 1000).rounded() / 1000]).one().decode("id")
                for (j, item) in itemIDs.enumerated() {
                    try tx.execute("""
                        INSERT INTO screen_items (screen_id, position, item_id, max_points, points, correct) VALUES ($1, $2, $3, 1, $4, $5)
                        """, [screenID, j + 1, item, credits[j], credits[j] == 1])
                }
                if member {
                    try tx.execute("""
                        INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, expires_at)
                        VALUES ($1, $2, 'contributor', 1, $3, ARRAY[$4::bigint], 'fixture', now() + interval '365 days')
                        """, [expertID, domain, percent, screenID])
                }
                made.append(Candidate(expertID: expertID, email: email, screenID: screenID, ability: ability, percent: percent, member: member))
            }
            return OutcomesFixture(candidates: made, domain: domain, itemKeys: keys, reversedItem: keys[reversed])
        }
    }

    /// An outcomes CSV for every member: the value rises with true ability (plus noise), tasks
    /// vary from 5 to 44.
    ///
    /// - Parameters:
    ///   - metric: the metric.
    ///   - project: the project.
    ///   - periodEnd: the period's end, `YYYY-MM-DD`.
    ///   - reference: how each member is named (default: the email).
    /// - Returns: the file's text, with a header.
    public func outcomesCSV(metric: String = "gold_accuracy", project: String = "p1", periodEnd: String = "2026-09-30",
                            reference: (Candidate) -> String = { $0.email }) -> String {
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func noise() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Double(state >> 11) * 0x1p-53 - 0.5
        }
        var text = "expert,domain,project,period_end,metric,value,tasks\n"
        for (n, member) in members.enumerated() {
            let value = min(1, max(0, 0.80 + 0.06 * member.ability + 0.08 * noise()))
            text += "\(reference(member)),\(domain),\(project),\(periodEnd),\(metric),\((value * 1000).rounded() / 1000),\(5 + (n * 7) % 40)\n"
        }
        return text
    }
}
