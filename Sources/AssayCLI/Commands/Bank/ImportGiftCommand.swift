import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank import-gift FILE`: a Moodle GIFT file as a bank file.
struct ImportGiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-gift",
        abstract: "Convert a Moodle GIFT file into a bank file in our YAML format.",
        discussion: """
            Anything that cannot be converted is reported with its line number. Exit code 2 when
            something could not be converted.

            Example:
              assay bank import-gift quiz.gift --domain physics --bank physics-quiz --out interview-banks/physics/quiz.yaml
            """)
    @Argument(help: "The GIFT file.") var file: String
    @Option(help: "The domain slug of the new bank.") var domain: Slug
    @Option(help: "The slug of the new bank.") var bank: Slug
    @Option(help: "Where to write the YAML (default: standard output).") var out: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw AssayError(.badInput, "cannot read \(file): no such file, or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AssayError(.badInput, "\(file) is not valid UTF-8; convert it first (iconv -f latin1 -t utf-8)")
        }
        let result = GIFTImporter.convert(text, file: file, bankSlug: bank.name)
        for diagnostic in result.diagnostics { Assay.printError(diagnostic.description) }
        let count = result.items.count
        let converted: Bank
        do {
            converted = try result.bank(slug: bank.name, domain: domain.name)
        } catch let error as BankError {
            throw AssayError(.badInput, "\(file): \(error.description)")
        }
        let yaml = try BankWriter.yaml(converted)
        if let out {
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: out))
            Assay.printError("wrote \(count) item(s) to \(out); review title, language, settings, topics and difficulties before syncing")
        } else {
            print(yaml, terminator: "")
        }
        if result.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
    }
}
