import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay irt calibrate`: item parameters from a long-format response file.
struct IRTCalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit 2PL or Rasch item parameters to 0/1 responses (marginal maximum likelihood, EM).",
        discussion: """
            Reads person,item,score rows (a header is required; persons may answer any subset of
            the items) and writes item,a,b,c,se_a,se_b,n,status, items in order of first
            appearance. status is estimated, at-bound (an estimate ended on a bound: review the
            item), all-correct, all-wrong or too-few-responses (those three have no parameters).
            Bad rows are reported as FILE:LINE with the field, and nothing is written (exit 2).
            A summary goes to stderr.

            Example:
              assay irt calibrate --responses responses.csv --model 2pl --out items.csv
            """)

    @Option(help: "The response file (CSV: person,item,score).") var responses: String
    @Option(help: "Model: 2pl or rasch.") var model: IRTCommand.Model = .twoParameter
    @Option(help: "Where to write the item parameters (default: standard output).") var out: String?
    @Option(name: .customLong("min-responses"), help: "Items with fewer responses are reported, not estimated.")
    var minimumResponses: Int = 20
    @Option(name: .customLong("max-iterations"), help: "EM cycle limit.") var maximumIterations: Int = 500

    func validate() throws {
        guard minimumResponses >= 1 else { throw ValidationError("--min-responses must be at least 1, is \(minimumResponses)") }
        guard maximumIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1, is \(maximumIterations)") }
    }

    func run() throws {
        // Checked first: never a folder, a link or the response file.
        let outputFile = try out.map { try OutputFile(path: $0, inputs: [responses], personalData: false, field: "--out") }
        defer { outputFile?.discard() }
        let clock = ContinuousClock()
        let started = clock.now
        let file = try ResponseFile.read(path: responses)
        let read = clock.now
        let calibrator = try Calibrator(model: model.irtModel, maximumIterations: maximumIterations, minimumResponses: minimumResponses)
        let result: CalibrationResult
        do {
            result = try calibrator.calibrate(file.matrix)
        } catch let error as PsychometricsError where error.code == .invalidData {
            throw AssayError(.badInput, "nothing to calibrate: \(error.message)", file: responses)
        }
        let fitted = clock.now

        var output = CSVOutput(header: ["item", "a", "b", "c", "se_a", "se_b", "n", "status"])
        for item in result.items {
            let id = file.itemIDs[item.item]
            let status = item.status == .estimated && item.atBound ? "at-bound" : item.status.rawValue
            guard let parameters = item.parameters else {
                output.append([id, "", "", "", "", "", String(item.responseCount), status])
                continue
            }
            output.append([
                id, CSVOutput.number(parameters.a), CSVOutput.number(parameters.b), CSVOutput.number(parameters.c),
                item.standardErrorA.map { CSVOutput.number($0) } ?? "", item.standardErrorB.map { CSVOutput.number($0) } ?? "",
                String(item.responseCount), status,
            ])
        }
        try output.write(to: outputFile)

        let estimated = result.items.filter { $0.status == .estimated }.count
        let ending = result.converged
            ? "converged in \(result.iterations) EM cycles"
            : "did NOT converge in \(result.iterations) EM cycles (largest change \(String(format: "%.2g", result.lastChange))); raise --max-iterations"
        Assay.printError("calibrated \(estimated) of \(file.itemIDs.count) items (\(model.rawValue)) from \(file.matrix.observationCount) responses of \(file.personIDs.count) persons: \(ending); "
                         + "read \(Self.seconds(read - started)) s, fit \(Self.seconds(fitted - read)) s")
        let flagged = result.flaggedItems.count
        if flagged > 0 { Assay.printError("\(flagged) item(s) not estimated or at a bound: see the status column") }
    }

    /// A duration in seconds with three decimals.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        return String(format: "%.3f", Double(whole) + Double(attoseconds) * 1e-18)
    }
}
