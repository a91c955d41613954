import Foundation
public import Postgres

/// Exports vetted rosters: one row per active (expert, domain) member, streamed from PostgreSQL
/// with COPY TO STDOUT, never collected in memory.
///
/// The rows come from `roster_entries`, which triggers keep equal to the pool and its members'
/// details with every cell already formatted (migration 011), so an export reads one table in
/// index order. Filters and the pseudonymization key travel as transaction-local settings read
/// by the query (`current_setting`), because COPY takes no bound parameters; no value is ever
/// written into the SQL text, and a filter not given is not in the query at all.
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

    /// The rows' query for a filter and format, reading `roster_entries` (the roster kept ready by
    /// migration 011's triggers). Shown by `assay roster export --show-sql` so that an auditor (or
    /// a benchmark) can run it as is.
    ///
    /// Only the filters given appear in the query, each comparing a column with a transaction-
    /// local setting (`current_setting('assay.roster_domain')` …) that ``export(format:filter:pseudonymKey:to:)``
    /// sets from a bound parameter: COPY takes no parameters, and no value is ever written into
    /// the SQL text. A filter left out is absent, so the planner sees the plain scan in index order.
    /// CSV cells are neutralised against spreadsheet formulas (`assay_csv_cell`, the rule of
    /// ``CSVText/field(_:)``); JSON keeps the text as it is. Pseudonymized rows are sorted by
    /// pseudonym within each domain and tier, so their order does not follow the real ids.
    ///
    /// - Parameters:
    ///   - filter: which members.
    ///   - pseudonymized: whether ids, names, emails and screen ids become keyed hashes (the key
    ///     is the setting `assay.roster_key`).
    ///   - format: the output format (CSV cells are neutralised; JSON ones are not).
    /// - Returns: one SELECT statement.
    public static func query(filter: Filter, pseudonymized: Bool, format: Format = .csv) -> String {
        let csv = format == .csv
        func cell(_ column: String) -> String { csv ? "coalesce(r.\(column)_csv, r.\(column))" : "r.\(column)" }
        let key = "current_setting('assay.roster_key')"
        let columns: [String]
        if pseudonymized {
            columns = [
                "left(encode(hmac('id:' || r.expert_id, \(key), 'sha256'), 'hex'), 20) AS expert_id",
                "'expert-' || left(encode(hmac(r.email, \(key), 'sha256'), 'hex'), 20) AS name",
                "left(encode(hmac('email:' || r.email, \(key), 'sha256'), 'hex'), 20) || '@pseudonym.invalid' AS email",
            ]
        } else {
            columns = ["r.expert_id", "\(cell("name")) AS name", "\(cell("email")) AS email"]
        }
        let screen = pseudonymized ? "left(encode(hmac('screen:' || r.screen_id, \(key), 'sha256'), 'hex'), 20) AS screen_id" : "r.screen_id"
        let languages = csv ? "coalesce(r.languages_csv, r.languages_text) AS languages" : "r.languages"
        var conditions = ["r.status = 'active'", "r.expires_at > now()"]
        var joins = ""
        if filter.domain != nil { conditions.append("r.domain = current_setting('assay.roster_domain')") }
        if filter.language != nil { conditions.append("r.languages @> ARRAY[current_setting('assay.roster_language')]") }
        if filter.country != nil { conditions.append("r.country = current_setting('assay.roster_country')") }
        if filter.minTier != nil {
            // The named tier's rank in each domain's policy; members of domains without that tier are left out.
            joins = """

                JOIN (SELECT d.slug, t.rank FROM domains d, jsonb_array_elements(d.policy -> 'tiers') WITH ORDINALITY AS t(tier, rank)
                      WHERE t.tier ->> 'name' = current_setting('assay.roster_min_tier')) lowest ON lowest.slug = r.domain AND r.tier_rank <= lowest.rank
                """
        }
        return """
            SELECT \(columns.joined(separator: ", ")),
                   r.country, \(languages), r.domain, \(csv ? "coalesce(r.tier_csv, r.tier)" : "r.tier") AS tier, r.score,
                   \(screen), r.bank_slug, r.bank_version, r.promoted_at_text AS promoted_at, r.expires_at_text AS expires_at
            FROM roster_entries r\(joins)
            WHERE \(conditions.joined(separator: "\n  AND "))
            ORDER BY r.domain, r.tier_rank, \(pseudonymized ? "1" : "r.expert_id")
            """
    }

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
            // Bound values only; a filter left out is absent from the query, not an empty setting.
            try tx.execute("""
                SELECT set_config('assay.roster_domain', $1, true), set_config('assay.roster_language', $2, true),
                       set_config('assay.roster_country', $3, true), set_config('assay.roster_min_tier', $4, true),
                       set_config('assay.roster_key', $5, true)
                """, [filter.domain ?? "", filter.language?.lowercased() ?? "", filter.country?.uppercased() ?? "", filter.minTier ?? "", pseudonymKey ?? ""])
            // The export reads roster_entries in index order: a plan without JIT compilation, whose
            // start-up costs more than it saves on a scan that does no computing.
            try tx.execute("SET LOCAL jit = off")
            let pseudonymized = pseudonymKey != nil
            switch format {
            case .csv:
                return try tx.copyOut("COPY (\(Self.query(filter: filter, pseudonymized: pseudonymized, format: .csv))) TO STDOUT WITH (FORMAT csv, HEADER true)", to: sink)
            case .jsonl:
                return try tx.copyOut(Self.jsonCopy(filter: filter, pseudonymized: pseudonymized), to: sink)
            case .json:
                var first = true
                try write("[", to: sink)
                let count = try tx.copyOut(Self.jsonCopy(filter: filter, pseudonymized: pseudonymized)) { chunk in
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
    private static func jsonCopy(filter: Filter, pseudonymized: Bool) -> String {
        """
        COPY (SELECT json_build_object('expert_id', to_json(q.expert_id),
                  'name', q.name, 'email', q.email, 'country', q.country,
                  'languages', q.languages, 'domain', q.domain, 'tier', q.tier, 'score', q.score,
                  'screen_id', to_json(q.screen_id), 'bank_slug', q.bank_slug, 'bank_version', q.bank_version,
                  'promoted_at', q.promoted_at, 'expires_at', q.expires_at)::text
              FROM (\(query(filter: filter, pseudonymized: pseudonymized, format: .jsonl))) q) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
        """
    }

    private func write(_ text: String, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var text = text
        try text.withUTF8 { try sink(UnsafeRawBufferPointer($0)) }
    }
}
