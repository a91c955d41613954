import Foundation
public import Postgres

extension Migrator {
    /// The migrations this program has that the database lacks, found without changing anything
    /// and without a lock: what a long-running server checks once at start, under a role that
    /// may read `schema_migrations` but not create or alter tables.
    ///
    /// - Parameter connection: the database to look at.
    /// - Returns: the migrations not yet applied, in order (empty when the schema is up to date).
    /// - Throws: ``AssayError`` of code ``AssayError/Code/migration`` when an applied migration's
    ///   file changed, or the database has migrations this program does not know;
    ///   ``PostgresError`` when the database cannot be read.
    public func pending(on connection: Connection) throws -> [Migration] {
        let files = try migrations()
        let applied = Dictionary(uniqueKeysWithValues: try self.applied(on: connection).map { ($0.version, $0) })
        let known = Set(files.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }), let record = applied[unknown] {
            throw AssayError(.migration, "the database has migration \(String(format: "%03d", unknown))_\(record.name), which is not in \(directory.path): this assay is older than the database; use a newer assay")
        }
        var missing: [Migration] = []
        for migration in files {
            guard let record = applied[migration.version] else {
                missing.append(migration)
                continue
            }
            let checksum = try Self.checksum(of: migration.sql, on: connection)
            guard record.checksum == checksum else {
                throw AssayError(
                    .migration,
                    "migration \(migration.label) was changed after it was applied (applied sha256 \(record.checksum.prefix(12))…, file now \(checksum.prefix(12))…); restore the file and put the change in a new migration",
                    file: migration.path)
            }
        }
        return missing
    }
}
