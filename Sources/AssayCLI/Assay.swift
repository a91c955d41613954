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
            Exit codes: 0 ok, 1 failure, 2 bad usage or bad input. Every command's help
            (assay help COMMAND) explains its flags and gives an example. Shell completion:
            assay --generate-completion-script bash|zsh|fish.

            Examples:
              assay demo
              assay intake import applicants.csv --rejects rejects.csv
              assay pool promote --dry-run
            """,
        version: AssayVersion.current,
        subcommands: [DBCommand.self, IntakeCommand.self, ExpertsCommand.self, BankCommand.self, ScreenCommand.self, ServeCommand.self, ReviewCommand.self, PoolCommand.self, RosterCommand.self, OutcomesCommand.self, ValidityCommand.self, DemoCommand.self, IRTCommand.self]
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
    ///
    /// Messages quote what the user or a file gave (a path, a field's value, an email): every
    /// line is printed visible-safe, so that nothing in it acts on the terminal or starts a line
    /// of its own.
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
            // Help and usage text span several lines: their line breaks are kept, the rest escaped.
            if code == .success {
                print(fullMessage(for: error).visibleSafeLines)
                return 0
            }
            FileHandle.standardError.write(Data((fullMessage(for: error).visibleSafeLines + "\n").utf8))
            // ArgumentParser's usage errors (EX_USAGE, 64) become our 2.
            return code.rawValue == 64 || error is ValidationError ? 2 : code.rawValue
        }
    }

    /// Prints one line on standard error, visible-safe: control, bidirectional and invisible
    /// characters (line breaks and tabs included) are shown as `\u{…}` escapes, never obeyed.
    ///
    /// - Parameter line: the line, which may quote outside text.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line.visibleSafe + "\n").utf8))
    }

    static func exit(withStatus status: Int32) -> Never {
        Foundation.exit(status)
    }
}
