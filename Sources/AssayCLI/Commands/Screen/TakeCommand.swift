import ArgumentParser
import AssayCore
import CandidateTerminal
import Foundation

/// `assay screen take`: the candidate's side, at a terminal prompt.
///
/// The invite code never needs to be on the command line, where every local user sees it in
/// `ps` and where it lands in the shell's history: `take` asks for it on the terminal, or reads
/// `ASSAY_INVITE_CODE`, or the first line of standard input when that is not a terminal (the
/// answers follow on the next lines). A code still given as an argument works, with a warning on
/// stderr, so that scripts written before keep running. The resume command the prompt prints
/// never contains the code.
///
/// The prompt (`CandidateTerminal.CandidatePrompt`) runs on this process's terminal: a window in
/// raw mode with its own line editor, or plain lines on pipes. Exit status: 0 when the screen was
/// submitted, not started or already closed; 130 after Ctrl-C; 1 when the input ended or the
/// database stayed unreachable (the screen is paused, and the same command resumes it); 2 when
/// no code was given.
struct TakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take",
        abstract: "Take a screen (for candidates): one question at a time, answers saved as you go.",
        discussion: """
            Run it without the code: it asks for the code (on a terminal), or reads it from
            ASSAY_INVITE_CODE, or from the first line of standard input when that is not a
            terminal. A code given as an argument still works, but every user of the machine can
            read it in ps and it stays in your shell history: assay warns on stderr.
            Ctrl-C pauses; run the same command again and give the same code to resume, while
            time remains.

            Examples:
              assay screen take
              ASSAY_INVITE_CODE="$(cat code.txt)" assay screen take
            """)
    @Argument(help: ArgumentHelp(
        "The invite code: better left out (assay asks for it), because a code on the command line is visible to other users in ps.",
        valueName: "code"))
    var code: String?
    @OptionGroup var database: DatabaseOptions

    /// The environment variable a script may pass the code in.
    static let codeVariable = "ASSAY_INVITE_CODE"

    func run() throws {
        if code != nil {
            Assay.printError("assay: warning: an invite code on the command line is visible to every user of this machine (ps) and stays in your shell history; run assay screen take without it and type the code when asked, or set \(Self.codeVariable)")
        }
        // The same one-statement answers as `assay serve` (issue 14, item 4).
        let service = AnswerRoundTrip(connection: try database.migratedConnection())
        let terminal = LocalTerminal()
        defer { terminal.close() }
        let given = try code ?? Self.code(environment: ProcessInfo.processInfo.environment) ?? Self.askCode(on: terminal)
        let resume = Self.resumeCommand(leavingOut: code)
        let outcome = try CandidatePrompt(service: service, code: given, terminal: terminal, resumeCommand: resume).run()
        switch outcome {
        case .submitted, .notStarted, .alreadyClosed: return
        case .paused(.interrupt): throw ExitCode(130)
        case .paused: throw ExitCode(1)
        }
    }

    /// The code in ``codeVariable``, if set and not blank.
    ///
    /// - Parameter environment: the process's environment.
    static func code(environment: [String: String]) -> String? {
        guard let value = environment[codeVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Asks for the code on the terminal, or reads the first line of standard input when it is
    /// not a terminal (a blank line is asked again on a terminal, refused on a pipe).
    ///
    /// - Parameter terminal: the process's terminal.
    /// - Throws: `ExitCode(130)` after Ctrl-C; ``AssayError`` (bad input) when the input ends or
    ///   a pipe's first line is blank.
    static func askCode(on terminal: LocalTerminal) throws -> String {
        let missing = AssayError(.badInput, "no invite code: type it when assay screen take asks for it, set \(codeVariable), or give it as the first line of standard input")
        while true {
            switch terminal.readLine(prompt: "Invite code: ", timeout: nil) {
            case .line(let line):
                let code = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if !code.isEmpty { return code }
                if !terminal.editsLines { throw missing }
            case .interrupt:
                terminal.write("\n")
                throw ExitCode(130)
            case .endOfInput:
                throw missing
            case .timeout, .resize, .redraw:
                continue
            }
        }
    }

    /// The command line this process was started with, to run again, without the invite code
    /// (the command asks for it): the program by its name when that is what `PATH` finds, each
    /// argument quoted for a POSIX shell where needed.
    ///
    /// - Parameters:
    ///   - code: the code given as an argument, if any: left out.
    ///   - arguments: the command line.
    ///   - environment: the environment (`PATH`).
    static func resumeCommand(leavingOut code: String? = nil, arguments: [String] = CommandLine.arguments,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard var program = arguments.first else { return "assay screen take" }
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
        var rest = Array(arguments.dropFirst())
        if let code, let index = rest.lastIndex(of: code) {
            rest.remove(at: index)
            // `take -- CODE`: the separator has nothing left to separate.
            if index > 0, rest[index - 1] == "--", index == rest.count { rest.remove(at: index - 1) }
        }
        return ([program] + rest).map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: unchanged when it holds only safe characters,
    /// else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
