import ArgumentParser
import AssayCore
import Foundation

/// The `assay` command: recruit, screen, score and pool expert annotators.
@main
struct Assay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Recruit, screen, score and pool expert annotators.",
        discussion: """
            With no DATABASE_URL, --database-url or PG* variables, assay uses a private PostgreSQL
            cluster in $ASSAY_HOME (default ./.assay), created and started on demand.
            Exit codes: 0 ok, 1 failure, 2 bad usage or bad input.
            """,
        subcommands: [DBCommand.self, IntakeCommand.self, ExpertsCommand.self, BankCommand.self, ScreenCommand.self, ServeCommand.self, ReviewCommand.self, PoolCommand.self, RosterCommand.self, DemoCommand.self, IRTCommand.self]
    )

    /// Parses the arguments and runs the command, turning every error into one line on stderr
    /// and an exit code: 2 for bad usage or input, 1 for failures.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withStatus: report(error))
        }
    }

    /// Prints the error and returns the exit code for it.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as any ReportableError:
            printError("assay: error: \(error.userMessage)")
            if let hint = error.hint { printError("assay: hint: \(hint)") }
            return error.exitStatus
        case let error as ExitCode:
            return error.rawValue
        default:
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            printError(fullMessage(for: error))
            // ArgumentParser's usage errors (EX_USAGE, 64) become our 2.
            return code.rawValue == 64 || error is ValidationError ? 2 : code.rawValue
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func exit(withStatus status: Int32) -> Never {
        Foundation.exit(status)
    }
}
