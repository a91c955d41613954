import ArgumentParser

/// `assay db …`: the database Assay runs on.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: the embedded cluster and the schema.",
        discussion: """
            Examples:
              assay db start
              psql "$(assay db url)"
              assay db status --format json
            """,
        subcommands: [StartCommand.self, StopCommand.self, StatusCommand.self, URLCommand.self, MigrateCommand.self]
    )
}
