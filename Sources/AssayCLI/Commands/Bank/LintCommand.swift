import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank lint [PATH]`: check bank files.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check bank files and report every problem as file:line:column.",
        discussion: """
            Exit code 2 when any error is found, 0 otherwise (warnings alone do not fail).

            Examples:
              assay bank lint
              assay bank lint interview-banks/law/core.yaml
            """)

    @Argument(help: "The banks folder, one domain's folder, or one bank file (default: the shipped banks).")
    var path: String?

    func run() throws {
        let path = self.path ?? BankCommand.defaultPath
        let collection = BankLinter.lint(path: path)
        for diagnostic in collection.diagnostics {
            Assay.printError(diagnostic.description)
        }
        let errors = collection.diagnostics.filter { $0.severity == .error }.count
        let warnings = collection.diagnostics.count - errors
        let items = collection.banks.reduce(0) { $0 + $1.bank.items.count }
        print("\(collection.filesRead) file(s), \(collection.banks.count) bank(s), \(items) item(s): \(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode(2) }
    }
}
