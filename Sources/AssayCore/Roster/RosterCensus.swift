public import Postgres

/// How many members a roster export would write, counted before the export runs: an export
/// that matches nobody is almost always a typo, and `assay roster export` refuses it unless
/// told that an empty roster is wanted.
///
/// The count applies the export's filters with the export's meaning (active members only; a
/// minimum tier keeps, in each domain, that tier and the higher ones, and leaves out domains
/// whose policy has no such tier), as bound parameters. Uses one connection; not `Sendable`.
public struct RosterCensus {
    /// The connection used.
    public let connection: Connection

    /// A census over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// How many active members the filters select (nil means any).
    ///
    /// - Parameters:
    ///   - domain: only this domain's pool.
    ///   - language: only members speaking this ISO 639-1 language.
    ///   - country: only members in this ISO 3166-1 country.
    ///   - minTier: only this tier and higher, by name in each domain's policy.
    /// - Throws: ``PostgresError``.
    public func count(domain: String?, language: String?, country: String?, minTier: String?) throws -> Int {
        try connection.query("""
            SELECT count(*)::int FROM pool_roster r
            WHERE r.status = $5
              AND ($1::text IS NULL OR r.domain = $1)
              AND ($2::text IS NULL OR lower($2) = ANY (r.languages))
              AND ($3::text IS NULL OR r.country = upper($3))
              AND ($4::text IS NULL OR r.tier_rank <= (
                    SELECT t.rank FROM domains d, jsonb_array_elements(d.policy -> 'tiers') WITH ORDINALITY AS t(tier, rank)
                    WHERE d.slug = r.domain AND t.tier ->> 'name' = $4))
            """, [domain, language, country, minTier, PoolMemberStatus.active.rawValue]).one().decode(0)
    }
}
