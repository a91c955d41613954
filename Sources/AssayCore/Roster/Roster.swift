import Foundation
public import Postgres

/// Exports vetted rosters: one row per active (expert, domain) member, streamed from PostgreSQL
/// with COPY TO STDOUT, never collected in memory.
///
/// Filters and the pseudonymization key travel as transaction-local settings read by the query
/// (`current_setting`), because COPY takes no bound parameters; no value is ever written into
/// the SQL text.
public struct Roster {
    /// The connection used.
    public let connection: Connection

    /// A roster over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// Output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// CSV with a header row (RFC 4180 quoting); languages separated by ';'.
        case csv
        /// One JSON object per line.
        case jsonl
        /// One JSON array (valid with zero rows).
        case json
    }

    /// Which members to export.
    public struct Filter: Sendable {
        /// Only members of this domain's pool.
        public var domain: String?
        /// Only members speaking this language (ISO 639-1).
        public var language: String?
        /// Only members in this country (ISO 3166-1 alpha-2).
        public var country: String?
        /// The lowest tier to include, by name in each domain's policy (members of domains
        /// without that tier are left out).
        public var minTier: String?

        /// Creates a filter.
        public init(domain: String? = nil, language: String? = nil, country: String? = nil, minTier: String? = nil) {
            self.domain = domain
            self.language = language
            self.country = country
            self.minTier = minTier
        }
    }

    /// The environment variable holding the pseudonymization key.
    public static let keyVariable = "ASSAY_PSEUDONYM_KEY"

    /// The rows' query, with filters read from `assay.roster_*` settings. Shown by
    /// `assay roster export --show-sql` so that an auditor (or a benchmark) can run it as is.
    public static let query = """
        SELECT CASE WHEN current_setting('assay.roster_key') = '' THEN r.expert_id::text
                    ELSE left(encode(hmac('id:' || r.expert_id, current_setting('assay.roster_key'), 'sha256'), 'hex'), 20) END AS expert_id,
               CASE WHEN current_setting('assay.roster_key') = '' THEN r.full_name
                    ELSE 'expert-' || left(encode(hmac(r.email, current_setting('assay.roster_key'), 'sha256'), 'hex'), 20) END AS name,
               CASE WHEN current_setting('assay.roster_key') = '' THEN r.email
                    ELSE left(encode(hmac('email:' || r.email, current_setting('assay.roster_key'), 'sha256'), 'hex'), 20) || '@pseudonym.invalid' END AS email,
               r.country, array_to_string(r.languages, ';') AS languages, r.domain, r.tier, round(r.score::numeric, 1) AS score,
               CASE WHEN current_setting('assay.roster_key') = '' THEN r.screen_id::text
                    ELSE left(encode(hmac('screen:' || r.screen_id, current_setting('assay.roster_key'), 'sha256'), 'hex'), 20) END AS screen_id,
               r.bank_slug, r.bank_version,
               to_char(r.promoted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS promoted_at,
               to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at
        FROM pool_roster r
        WHERE r.status = 'active'
          AND (current_setting('assay.roster_domain') = '' OR r.domain = current_setting('assay.roster_domain'))
          AND (current_setting('assay.roster_language') = '' OR current_setting('assay.roster_language') = ANY (r.languages))
          AND (current_setting('assay.roster_country') = '' OR r.country = current_setting('assay.roster_country'))
          AND (current_setting('assay.roster_min_tier') = '' OR r.tier_rank <= (
                SELECT t.rank FROM domains d, jsonb_array_elements(d.policy -> 'tiers') WITH ORDINALITY AS t(tier, rank)
                WHERE d.slug = r.domain AND t.tier ->> 'name' = current_setting('assay.roster_min_tier')))
        ORDER BY r.domain, r.tier_rank, r.expert_id
        """

    /// Streams the roster to `sink` in `format`.
    ///
    /// - Parameters:
    ///   - pseudonymKey: when given, the expert id, name, email and screen id become stable keyed
    ///     hashes (HMAC-SHA-256), so rosters made with different keys cannot be joined.
    ///   - sink: receives the output in chunks.
    /// - Returns: the number of members exported.
    /// - Throws: ``PostgresError``; the sink's error.
    @discardableResult
    public func export(format: Format, filter: Filter, pseudonymKey: String?, to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try connection.withTransaction { tx in
            try tx.execute("""
                SELECT set_config('assay.roster_domain', $1, true), set_config('assay.roster_language', $2, true),
                       set_config('assay.roster_country', $3, true), set_config('assay.roster_min_tier', $4, true),
                       set_config('assay.roster_key', $5, true)
                """, [filter.domain ?? "", filter.language?.lowercased() ?? "", filter.country?.uppercased() ?? "", filter.minTier ?? "", pseudonymKey ?? ""])
            switch format {
            case .csv:
                return try tx.copyOut("COPY (\(Self.query)) TO STDOUT WITH (FORMAT csv, HEADER true)", to: sink)
            case .jsonl:
                return try tx.copyOut(Self.jsonCopy, to: sink)
            case .json:
                var first = true
                try write("[", to: sink)
                let count = try tx.copyOut(Self.jsonCopy) { chunk in
                    try write(first ? "\n" : ",\n", to: sink)
                    first = false
                    try sink(UnsafeRawBufferPointer(rebasing: chunk[..<(chunk.count - 1)]))  // without its line break
                }
                try write(first ? "]\n" : "\n]\n", to: sink)
                return count
            }
        }
    }

    /// Streams the roster into a file through ``OutputFile``: written whole or not at all,
    /// created 0600 (it holds personal data), never replacing a folder or following a link, and
    /// leaving nothing behind when the export fails or is killed.
    ///
    /// - Returns: the number of members exported.
    /// - Throws: ``AssayError`` when the file cannot be written; as ``export(format:filter:pseudonymKey:to:)``.
    @discardableResult
    public func export(format: Format, filter: Filter, pseudonymKey: String?, toFile path: String) throws -> Int {
        let file = try OutputFile(path: path, personalData: true, field: "out")
        do {
            let count = try export(format: format, filter: filter, pseudonymKey: pseudonymKey) { chunk in
                try file.write(chunk)
            }
            try file.commit()
            return count
        } catch {
            file.discard()
            throw error
        }
    }

    /// Each row as one JSON object; CSV framing with quote and delimiter characters that JSON
    /// text never holds raw, so every line is exactly the object.
    private static let jsonCopy = """
        COPY (SELECT json_build_object('expert_id', CASE WHEN current_setting('assay.roster_key') = '' THEN to_json(q.expert_id::bigint) ELSE to_json(q.expert_id) END,
                  'name', q.name, 'email', q.email, 'country', q.country,
                  'languages', string_to_array(q.languages, ';'), 'domain', q.domain, 'tier', q.tier, 'score', q.score,
                  'screen_id', CASE WHEN current_setting('assay.roster_key') = '' THEN to_json(q.screen_id::bigint) ELSE to_json(q.screen_id) END, 'bank_slug', q.bank_slug, 'bank_version', q.bank_version,
                  'promoted_at', q.promoted_at, 'expires_at', q.expires_at)::text
              FROM (\(query)) q) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
        """

    private func write(_ text: String, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var text = text
        try text.withUTF8 { try sink(UnsafeRawBufferPointer($0)) }
    }
}
