public import Postgres

/// What exists to filter on: the domains and banks loaded, the tiers of the domains' policies.
///
/// Listing and export commands check their filters here before they run, so that a typo
/// (`--domain astrology`, `--min-tier gold`) is a bad-input error that names what exists and the
/// nearest value, not an empty result. Uses one connection; not `Sendable`.
public struct KnownValues {
    /// The connection used.
    public let connection: Connection

    /// Known values over a migrated database.
    ///
    /// - Parameter connection: the connection to use.
    public init(connection: Connection) { self.connection = connection }

    /// The domains loaded, by slug.
    ///
    /// - Throws: ``PostgresError``.
    public func domains() throws -> [String] {
        try connection.query("SELECT slug FROM domains ORDER BY slug").map { try $0.decode("slug") }
    }

    /// The banks loaded, by slug.
    ///
    /// - Throws: ``PostgresError``.
    public func banks() throws -> [String] {
        try connection.query("SELECT DISTINCT slug FROM banks ORDER BY slug").map { try $0.decode("slug") }
    }

    /// The tier names of one domain's policy (highest first), or of every domain's (sorted).
    ///
    /// - Parameter domain: the domain, or nil for all.
    /// - Throws: ``PostgresError``.
    public func tiers(domain: String?) throws -> [String] {
        let rows = try connection.query("""
            SELECT t.tier ->> 'name' AS name, min(t.rank) AS rank
            FROM domains d, jsonb_array_elements(coalesce(d.policy -> 'tiers', '[]'::jsonb)) WITH ORDINALITY AS t(tier, rank)
            WHERE $1::text IS NULL OR d.slug = $1
            GROUP BY 1 ORDER BY CASE WHEN $1::text IS NULL THEN 0 ELSE min(t.rank) END, 1
            """, [domain])
        return try rows.map { try $0.decode("name") }
    }

    /// Checks that a domain exists.
    ///
    /// - Parameters:
    ///   - slug: the domain typed.
    ///   - field: the parameter's name, for the error (the CLI renames it to its flag).
    /// - Throws: ``AssayError`` (bad input, exit 2) naming the domains and the nearest.
    public func checkDomain(_ slug: String, field: String = "domain") throws {
        let known = try domains()
        guard !known.contains(slug) else { return }
        throw Suggestion.unknown("domain", slug, known: known, field: field, whenNone: "load the banks with assay bank sync")
    }

    /// Checks that a bank exists.
    ///
    /// - Parameters:
    ///   - slug: the bank typed.
    ///   - field: the parameter's name, for the error.
    /// - Throws: ``AssayError`` (bad input, exit 2) naming the banks and the nearest.
    public func checkBank(_ slug: String, field: String = "bank") throws {
        let known = try banks()
        guard !known.contains(slug) else { return }
        throw Suggestion.unknown("bank", slug, known: known, field: field, whenNone: "load the banks with assay bank sync")
    }

    /// Checks that a tier exists in a domain's policy, or in any domain's.
    ///
    /// - Parameters:
    ///   - name: the tier typed.
    ///   - domain: the domain whose policy must have it, or nil for any.
    ///   - field: the parameter's name, for the error.
    /// - Throws: ``AssayError`` (bad input, exit 2) naming the tiers and the nearest.
    public func checkTier(_ name: String, domain: String?, field: String = "tier") throws {
        let known = try tiers(domain: domain)
        guard !known.contains(name) else { return }
        throw Suggestion.unknown("tier", name, scope: domain.map { " in the \($0) policy" } ?? " in any domain's policy", known: known, field: field,
                                 whenNone: "tiers come from each domain's domain.yaml (policy.tiers), loaded by assay bank sync")
    }
}
