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
    @Option(help: "Where to write the YAML (default: standard output); an existing file is replaced, never the GIFT file, a folder or a link.") var out: String?

    func run() throws {
        // Checked before the conversion: a refused --out costs nothing.
        let output = try out.map { try OutputFile(path: $0, inputs: [file], personalData: false, field: "--out") }
        defer { output?.discard() }
        let text: String
        do {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AssayError(.badInput, "cannot read \(file): no such file, or not readable")
            }
            guard let decoded = String(validating: data, as: UTF8.self) else {
                throw AssayError(.badInput, "\(file) is not valid UTF-8; convert it first (iconv -f latin1 -t utf-8)")
            }
            text = decoded
        }
        // Question by question: diagnostics are printed as they are found, items written as YAML
        // as they are converted (memory and time linear in the file).
        var errors = false
        let converted: (head: String, items: String, count: Int)
        do {
            converted = try GIFTImporter.bankFile(text, file: file, slug: bank.name, domain: domain.name) { diagnostic in
                if diagnostic.severity == .error { errors = true }
                Assay.printError(diagnostic.description)
            }
        } catch let error as BankError {
            throw AssayError(.badInput, "\(file): \(error.description)")
        }
        if let output {
            try output.write(converted.head)
            try output.write(converted.items)
            try output.commit()
            Assay.printError("wrote \(converted.count) item(s) to \(output.path); review title, language, settings, topics and difficulties before syncing")
        } else {
            print(converted.head, terminator: "")
            print(converted.items, terminator: "")
        }
        if errors { throw ExitCode(2) }
    }
}
