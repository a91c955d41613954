public import Banks
public import Foundation
public import Postgres

/// The question banks in the database: sync from files, list, and read back (staff only: a
/// ``Bank`` holds its answer keys).
///
/// Uses one connection; not `Sendable`.
public struct Catalog {
    /// The connection used.
    public let connection: Connection

    /// A catalog over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// What a sync did.
    public struct SyncReport: Sendable, Codable {
        /// Banks that were not in the database.
        public var added: [String] = []
        /// Banks whose content changed: a new version was made current (`slug v2`).
        public var changed: [String] = []
        /// Banks whose content is already the current version.
        public var unchanged: [String] = []
        /// Domains added or whose name or description changed.
        public var domainsUpdated: [String] = []
    }

    /// Loads banks and domains into the database in one transaction. Unchanged content is a
    /// no-op; changed content becomes a new bank version (identified by its content hash) made
    /// current; item versions already stored are reused and never changed.
    ///
    /// - Parameters:
    ///   - collection: what ``BankLinter/lint(path:)`` read; it must have no errors.
    ///   - actor: who syncs, for the audit trail.
    /// - Returns: what was added, changed and unchanged.
    /// - Throws: ``AssayError`` when the collection has errors; ``PostgresError`` (nothing is
    ///   written then).
    @discardableResult
    public func sync(_ collection: BankCollection, actor: String) throws -> SyncReport {
        guard !collection.hasErrors else {
            throw AssayError(.badInput, "the banks have errors; run assay bank lint and fix them first")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try connection.withRetryingTransaction { tx in
            var report = SyncReport()
            // Serialize concurrent syncs: versions are numbered max + 1.
            try tx.execute("SELECT pg_advisory_xact_lock($1)", [0x6173_7361_792D_626B])
            for domain in collection.domains {
                let policy = try domain.policy.map { try PostgresJSON(encoding: $0) }
                let changed = try tx.query("""
                    INSERT INTO domains (slug, name, description, policy) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                        policy = EXCLUDED.policy, synced_at = now()
                    WHERE (domains.name, domains.description, domains.policy) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.policy)
                    RETURNING slug
                    """, [domain.slug, domain.name, domain.description, policy])
                if !changed.isEmpty { report.domainsUpdated.append(domain.slug) }
            }
            for (file, bank) in collection.banks {
                let json = String(decoding: try encoder.encode(bank), as: UTF8.self)
                let hash: String = try tx.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS h", [json]).one().decode("h")
                let current = try tx.query("SELECT id, version, content_hash FROM banks WHERE slug = $1 AND is_current", [bank.slug])
                if let row = current.first, try row.decode("content_hash", as: String.self) == hash {
                    report.unchanged.append(bank.slug)
                    continue
                }
                try tx.execute("UPDATE banks SET is_current = false WHERE slug = $1 AND is_current", [bank.slug])
                // Content seen before (a file reverted to an earlier version): make that version current.
                let earlier = try tx.query("UPDATE banks SET is_current = true WHERE slug = $1 AND content_hash = $2 RETURNING version", [bank.slug, hash])
                if let row = earlier.first {
                    report.changed.append("\(bank.slug) v\(try row.decode("version", as: Int.self))")
                    continue
                }
                let version: Int = try tx.query("SELECT coalesce(max(version), 0) + 1 AS v FROM banks WHERE slug = $1", [bank.slug]).one().decode("v")
                let bankID: Int = try tx.query("""
                    INSERT INTO banks (slug, version, content_hash, domain, title, language, description, settings, source_file)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """, [bank.slug, version, hash, bank.domain, bank.title, bank.language, bank.description,
                          try PostgresJSON(encoding: bank.settings), file]).one().decode("id")
                let insertItem = try tx.prepare("assay_sync_item", """
                    WITH new AS (
                        INSERT INTO items (bank_slug, item_key, content_hash, type, topic, difficulty, points, content)
                        VALUES ($1, $2, encode(sha256(convert_to($3::text, 'UTF8')), 'hex'), $4, $5, $6, $7, $3::jsonb)
                        ON CONFLICT (bank_slug, item_key, content_hash) DO NOTHING
                        RETURNING id
                    )
                    SELECT id FROM new
                    UNION ALL
                    SELECT id FROM items WHERE bank_slug = $1 AND item_key = $2
                        AND content_hash = encode(sha256(convert_to($3::text, 'UTF8')), 'hex')
                    """)
                for (index, item) in bank.items.enumerated() {
                    let itemJSON = String(decoding: try encoder.encode(item), as: UTF8.self)
                    let itemID: Int = try tx.query(insertItem, [bank.slug, item.id, itemJSON, item.type.rawValue, item.topic, item.difficulty.rawValue, item.points]).one().decode("id")
                    try tx.execute("INSERT INTO bank_items (bank_id, item_id, position) VALUES ($1, $2, $3)", [bankID, itemID, index + 1])
                }
                if current.isEmpty && version == 1 {
                    report.added.append(bank.slug)
                } else {
                    report.changed.append("\(bank.slug) v\(version)")
                }
            }
            try AuditTrail(tx).record(.bankSync, actor: actor, details: report)
            return report
        }
    }

    /// One bank version as listed.
    public struct Summary: Sendable, Codable {
        /// The bank's slug.
        public var slug: String
        /// The current version number.
        public var version: Int
        /// The first 12 hex digits of the content hash.
        public var contentHash: String
        /// The domain.
        public var domain: String
        /// The title.
        public var title: String
        /// The number of items.
        public var items: Int
        /// When this version was stored.
        public var createdAt: Date
    }

    /// The current version of every bank.
    ///
    /// - Throws: ``PostgresError``.
    public func list() throws -> [Summary] {
        try connection.query("""
            SELECT b.slug, b.version, left(b.content_hash, 12) AS hash, b.domain, b.title, b.created_at,
                   (SELECT count(*) FROM bank_items bi WHERE bi.bank_id = b.id)::int AS items
            FROM banks b WHERE b.is_current ORDER BY b.domain, b.slug
            """).map {
            Summary(slug: try $0.decode("slug"), version: try $0.decode("version"), contentHash: try $0.decode("hash"),
                    domain: try $0.decode("domain"), title: try $0.decode("title"), items: try $0.decode("items"),
                    createdAt: try $0.decode("created_at"))
        }
    }

    /// The current version of a bank, with its answer keys (for staff).
    ///
    /// - Throws: ``AssayError`` with code ``AssayError/Code/notFound`` for an unknown slug.
    public func bank(slug: String) throws -> (summary: Summary, bank: Bank) {
        guard let summary = try list().first(where: { $0.slug == slug }) else {
            throw AssayError(.notFound, "no bank '\(slug)'; run assay bank list to see the banks, or assay bank sync to load them")
        }
        let row = try connection.query("SELECT title, language, description, settings FROM banks WHERE slug = $1 AND is_current", [slug]).one()
        let items = try connection.query("""
            SELECT i.content FROM bank_items bi JOIN items i ON i.id = bi.item_id
            JOIN banks b ON b.id = bi.bank_id WHERE b.slug = $1 AND b.is_current ORDER BY bi.position
            """, [slug]).map { try $0.decode("content", as: PostgresJSON.self).decode(Item.self) }
        let bank = Bank(slug: slug, title: try row.decode("title"), domain: summary.domain, language: try row.decode("language"),
                        description: try row.decode("description"), settings: try row.decode("settings", as: PostgresJSON.self).decode(BankSettings.self),
                        items: items)
        return (summary, bank)
    }
}
