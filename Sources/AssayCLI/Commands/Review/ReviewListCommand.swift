import ArgumentParser
import AssayCore
import Foundation

/// `assay review list`: essays waiting for a grade.
struct ReviewListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Essays waiting for a grade, with their rubric.")
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let pending = try Reviews(connection: try database.migratedConnection()).pending()
        if format.value == .json { try printJSON(pending); return }
        if pending.isEmpty { print("no essays are waiting"); return }
        for p in pending {
            // The answer is the candidate's and the prompt and rubric a bank file's: shown visible-safe,
            // several lines behind a gutter, so that none can forge the grade line below.
            print("screen \(p.screenID) item \(p.position) (\(p.bankSlug)/\(p.itemKey)), up to \(String(format: "%g", p.maxPoints)) points".visibleSafe)
            print(p.prompt.trimmingCharacters(in: .whitespacesAndNewlines).labelledBlock("prompt"))
            print(p.rubric.trimmingCharacters(in: .whitespacesAndNewlines).labelledBlock("rubric"))
            print(p.answer.labelledBlock("answer"))
            print("  grade with: assay review grade \(p.screenID) \(p.position) --points P --note \"…\"\n")
        }
    }
}
