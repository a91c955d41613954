public import AssayCore
import Postgres

/// The door's check of the database schema, once at start: a long-running server does not
/// migrate per candidate (issue 14: 200 simultaneous starts waited up to 4.6 s on the migration
/// lock), and under its least-privilege role it could not.
public enum DoorSchema {
    /// Makes sure every migration is applied: when none is missing, only reads
    /// `schema_migrations`; when some are, applies them if the role may, else says what to run.
    ///
    /// - Parameters:
    ///   - conninfo: the database.
    ///   - migrator: the shipped migrations.
    /// - Returns: the labels of the migrations applied now (usually none).
    /// - Throws: ``AssayError`` (migration) when a migration is missing and cannot be applied
    ///   with this role, or an applied one was changed; `PostgresError` when the database cannot
    ///   be reached.
    public static func prepare(conninfo: String, migrator: Migrator) throws -> [String] {
        let connection = try Connection(conninfo)
        let missing = try migrator.pending(on: connection)
        guard !missing.isEmpty else { return [] }
        do {
            return try migrator.migrate(connection).map(\.label)
        } catch let error as PostgresError {
            throw AssayError(.migration, "the database lacks migration\(missing.count == 1 ? "" : "s") \(missing.map(\.label).joined(separator: ", ")), and this role cannot apply \(missing.count == 1 ? "it" : "them") (\(error.message))",
                             hint: "run assay db migrate as the database's owner, then start assay serve again")
        }
    }
}
