public import Foundation
public import Postgres

/// One schema migration: a file `sql/NNN_name.sql`.
public struct Migration: Sendable, Hashable {
    /// The number, `NNN`.
    public var version: Int
    /// The name after the number, e.g. `core`.
    public var name: String
    /// The file's path.
    public var path: String
    /// The SQL text.
    public var sql: String

    /// `NNN_name`, as shown to users.
    public var label: String { String(format: "%03d_%@", version, name) }
}

/// Applies the numbered SQL migrations in order, each in its own transaction, recording each in
/// `schema_migrations` with the SHA-256 of its file.
///
/// A session-level advisory lock makes concurrent migrators safe: the second waits, then finds
/// nothing left to do. An applied migration whose file has changed is refused. `Sendable`.
public struct Migrator: Sendable {
    /// The folder holding `NNN_name.sql` files.
    public let directory: URL

    /// The advisory lock key that serializes migrators (an arbitrary constant: "assay-mg").
    static let lockKey: Int = 0x6173_7361_792D_6D67

    /// A migrator for the files in `directory`.
    public init(directory: URL) { self.directory = directory }

    /// A migrator for the shipped migrations: `$ASSAY_SQL_DIR` if set, else the `sql/` folder
    /// that ``ShippedData`` finds (beside the executable, in `PREFIX/share/assay` of an
    /// installed one, in a parent folder of a build inside the repository, or in the current
    /// folder).
    ///
    /// - Throws: ``AssayError`` when no such folder exists.
    public static func shipped(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Migrator {
        if let dir = environment["ASSAY_SQL_DIR"], !dir.isEmpty {
            return Migrator(directory: URL(fileURLWithPath: dir))
        }
        if let found = ShippedData.folder(holding: "sql/001_core.sql", environment: environment) {
            return Migrator(directory: found.appendingPathComponent("sql"))
        }
        throw AssayError(.migration, "cannot find the sql/ migrations folder beside the assay executable, in its ../share/assay, or in the current folder; reinstall with scripts/install.sh, or set ASSAY_SQL_DIR to it")
    }

    /// The migration files, in order.
    ///
    /// - Throws: ``AssayError`` for a file not named `NNN_name.sql`, or two files with one number.
    public func migrations() throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw AssayError(.migration, "cannot read the migrations folder \(directory.path): \(error.localizedDescription)")
        }
        var found: [Int: Migration] = [:]
        for name in names.sorted() where name.hasSuffix(".sql") {
            let path = directory.appendingPathComponent(name).path
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                  stem[..<underscore].count == 3, !stem[stem.index(after: underscore)...].isEmpty else {
                throw AssayError(.migration, "a migration file must be named NNN_name.sql (three digits, an underscore, a name)", file: path)
            }
            if let other = found[version] {
                throw AssayError(.migration, "two migrations have number \(version): \(other.path) and this one; renumber one", file: path)
            }
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw AssayError(.migration, "cannot read the file as UTF-8", file: path)
            }
            found[version] = Migration(version: version, name: String(stem[stem.index(after: underscore)...]), path: path, sql: sql)
        }
        return found.values.sorted { $0.version < $1.version }
    }

    /// A migration already recorded in the database.
    public struct Applied: Sendable, Hashable {
        /// Its number.
        public var version: Int
        /// Its name.
        public var name: String
        /// The SHA-256 (hex) of its file when it was applied.
        public var checksum: String
        /// When it was applied.
        public var appliedAt: Date
    }

    /// The migrations recorded in the database (none when `schema_migrations` does not exist).
    ///
    /// - Throws: ``PostgresError``.
    public func applied(on connection: Connection) throws -> [Applied] {
        let exists: Bool = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e").one().decode("e")
        guard exists else { return [] }
        return try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map {
            Applied(version: try $0.decode("version"), name: try $0.decode("name"), checksum: try $0.decode("checksum"), appliedAt: try $0.decode("applied_at"))
        }
    }

    /// Applies every migration not yet applied, in order, each in its own transaction.
    ///
    /// - Parameter connection: the database to migrate.
    /// - Returns: the migrations applied now (empty when the schema was up to date).
    /// - Throws: ``AssayError`` of code ``AssayError/Code/migration`` when an applied migration's
    ///   file changed or is missing, or the database has migrations this program does not know;
    ///   ``PostgresError`` when a migration's SQL fails (that migration is rolled back, earlier
    ///   ones stay).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Migration] {
        let files = try migrations()
        try connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT current_user
            )
            """)
        let applied = Dictionary(uniqueKeysWithValues: try self.applied(on: connection).map { ($0.version, $0) })
        let known = Set(files.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }), let record = applied[unknown] {
            throw AssayError(.migration, "the database has migration \(String(format: "%03d", unknown))_\(record.name), which is not in \(directory.path): this assay is older than the database; use a newer assay")
        }
        var done: [Migration] = []
        for migration in files {
            let checksum = try Self.checksum(of: migration.sql, on: connection)
            if let record = applied[migration.version] {
                guard record.checksum == checksum else {
                    throw AssayError(
                        .migration,
                        "migration \(migration.label) was changed after it was applied (applied sha256 \(record.checksum.prefix(12))…, file now \(checksum.prefix(12))…); restore the file and put the change in a new migration",
                        file: migration.path)
                }
                continue
            }
            try connection.withTransaction { tx in
                try tx.executeScript(migration.sql)
                try tx.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                               [migration.version, migration.name, checksum])
            }
            done.append(migration)
        }
        return done
    }

    /// The SHA-256 of a migration's text, in hex, computed by the server.
    static func checksum(of sql: String, on connection: Connection) throws -> String {
        try connection.query("SELECT encode(sha256($1), 'hex') AS h", [Data(sql.utf8)]).one().decode("h")
    }
}
