import ArgumentParser
import AssayCore
import CandidateTerminal
import Foundation

/// `assay screen take CODE`: the candidate's side, at a terminal prompt.
///
/// The prompt (`CandidateTerminal.CandidatePrompt`) runs on this process's terminal: a window in
/// raw mode with its own line editor, or plain lines on pipes. Exit status: 0 when the screen was
/// submitted, not started or already closed; 130 after Ctrl-C; 1 when the input ended or the
/// database stayed unreachable (the screen is paused, and the same command resumes it).
struct TakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take",
        abstract: "Take a screen (for candidates): one question at a time, answers saved as you go.",
        discussion: """
            Ctrl-C pauses; run the same command again with the same code to resume, while time remains.

            Example:
              assay screen take ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789
            """)
    @Argument(help: "The invite code.") var code: String
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // The same one-statement answers as `assay serve` (issue 14, item 4).
        let service = AnswerRoundTrip(connection: try database.migratedConnection())
        let terminal = LocalTerminal()
        defer { terminal.close() }
        let outcome = try CandidatePrompt(service: service, code: code, terminal: terminal, resumeCommand: Self.resumeCommand()).run()
        switch outcome {
        case .submitted, .notStarted, .alreadyClosed: return
        case .paused(.interrupt): throw ExitCode(130)
        case .paused: throw ExitCode(1)
        }
    }

    /// The command line this process was started with, to run again: the program by its name
    /// when that is what `PATH` finds, each argument quoted for a POSIX shell where needed.
    static func resumeCommand(arguments: [String] = CommandLine.arguments,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard var program = arguments.first else { return "assay screen take CODE" }
        let name = URL(fileURLWithPath: program).lastPathComponent
        if program.contains("/"), let path = environment["PATH"] {
            let resolved = URL(fileURLWithPath: program).resolvingSymlinksInPath().path
            for folder in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) {
                    if candidate.resolvingSymlinksInPath().path == resolved { program = name }
                    break
                }
            }
        }
        return ([program] + arguments.dropFirst()).map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: unchanged when it holds only safe characters,
    /// else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
