import ArgumentParser
import AssayCore

/// `assay db migrate`: apply the schema migrations.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations that are not applied yet.",
        discussion: """
            Example:
              assay db migrate --database-url postgresql://assay@db.internal/assay
            """)
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let applied = try Migrator.shipped().migrate(try database.connection())
        if applied.isEmpty {
            print("schema is up to date")
        } else {
            for migration in applied { print("applied \(migration.label)") }
        }
    }
}
