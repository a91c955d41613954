import ArgumentParser
import AssayCore
import Banks
import Foundation

/// `assay bank export-gift SLUG|FILE`: a bank as Moodle GIFT.
struct ExportGiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-gift",
        abstract: "Write a bank as Moodle GIFT (with its answer keys: staff only).",
        discussion: """
            SLUG exports the current version loaded in the database; a path to a .yaml bank file exports \
            that file (it must lint without errors). What GIFT cannot express (ordering items, \
            all-or-nothing select-all and matching, regular-expression answers) is left out and named \
            on stderr; exit code 1 when anything was left out (the file is still written), 2 for bad input.

            Example:
              assay bank export-gift medicine-core --out medicine.gift
            """)
    @Argument(help: "A bank's slug, or the path of a bank file.") var bank: String
    @Option(help: "Where to write the GIFT text (default: standard output); never an existing file, a folder or a link.") var out: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // Checked before anything is read: an existing file is never replaced.
        let inputs = bank.hasSuffix(".yaml") || bank.hasSuffix(".yml") || bank.contains("/") ? [bank] : []
        let output = try out.map { try OutputFile(path: $0, inputs: inputs, personalData: false, replacing: false, field: "--out") }
        defer { output?.discard() }
        let source: Bank
        if bank.hasSuffix(".yaml") || bank.hasSuffix(".yml") || bank.contains("/") {
            let collection = BankLinter.lint(path: bank)
            let errors = collection.diagnostics.filter { $0.severity == .error }
            for diagnostic in errors { Assay.printError(diagnostic.description) }
            guard errors.isEmpty, let first = collection.banks.first?.bank else {
                throw AssayError(.badInput, "\(bank) does not lint clean (assay bank lint \(bank) shows why); fix it before exporting")
            }
            source = first
        } else {
            source = try Catalog(connection: try database.migratedConnection()).bank(slug: bank).bank
        }
        let export = GIFTExporter.export(source)
        for note in export.notes { Assay.printError("assay: \(note.description)") }
        if let output {
            try output.write(export.text)
            try output.commit()
            Assay.printError("wrote \(export.exportedItemIDs.count) of \(source.items.count) item(s) to \(output.path)")
        } else {
            print(export.text, terminator: "")
        }
        if export.notes.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
