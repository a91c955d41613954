import ArgumentParser
import AssayCore
import Foundation

/// `assay screen take CODE`: the candidate's side, at a terminal prompt.
struct TakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take",
        abstract: "Take a screen (for candidates): one question at a time, answers saved as you go.",
        discussion: "Run it again with the same code to resume after an interruption, while time remains.")
    @Argument(help: "The invite code.") var code: String
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let service = AnswerRoundTrip(connection: try database.migratedConnection())
        let outcome = try CandidatePrompt(service: service, code: code).run()
        if outcome == .inputEnded { throw ExitCode(1) }
    }
}
