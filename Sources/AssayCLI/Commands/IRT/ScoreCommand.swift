import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay irt score`: ability estimates from responses and known item parameters.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Estimate each person's ability θ and its standard error from item parameters and responses.",
        discussion: """
            Writes person,theta,se, persons in order of first appearance. eap: posterior mean and
            SD with a N(0, 1) prior (61 quadrature points). mle: Newton–Raphson with SE 1/√I(θ);
            an all-correct or all-wrong pattern has no finite maximum and gets the EAP estimate.
            Items listed in ITEMS.csv without parameters (not estimated) are left out; a response
            to an item not listed at all is an error.

            Example:
              assay irt score --items items.csv --responses responses.csv --method eap --out thetas.csv
            """)

    /// How θ is estimated.
    enum Method: String, ExpressibleByArgument, CaseIterable {
        /// Expected a posteriori.
        case eap
        /// Maximum likelihood.
        case mle
    }

    @Option(help: "The item parameters (CSV: item,a,b[,c], as written by assay irt calibrate).") var items: String
    @Option(help: "The response file (CSV: person,item,score).") var responses: String
    @Option(help: "Estimator: eap or mle.") var method: Method = .eap
    @Option(help: "Where to write the estimates (default: standard output); created 0600, as persons' estimates may be personal data.") var out: String?

    func run() throws {
        // Checked first: never a folder, a link or one of the two input files.
        let outputFile = try out.map { try OutputFile(path: $0, inputs: [items, responses], personalData: true, field: "--out") }
        defer { outputFile?.discard() }
        let parameterFile = try ItemParameterFile.read(path: items)
        let file = try ResponseFile.read(path: responses)
        var itemParameters: [ItemParameters?] = []
        var skippedItems = 0
        for (index, id) in file.itemIDs.enumerated() {
            if let parameters = parameterFile.parameters[id] {
                itemParameters.append(parameters)
            } else if parameterFile.unestimated.contains(id) {
                itemParameters.append(nil)
                skippedItems += 1
            } else {
                throw AssayError(.badInput, "item '\(id)' is not in \(items): add its parameters, or leave its responses out",
                                 file: responses, line: file.itemFirstLine[index])
            }
        }
        let estimator = try AbilityEstimator()
        var output = CSVOutput(header: ["person", "theta", "se"])
        var fallbacks = 0
        for (person, id) in file.personIDs.enumerated() {
            var answered: [ItemParameters] = []
            var correct: [Bool] = []
            for observation in file.matrix.observations(ofPerson: person) {
                guard let parameters = itemParameters[observation.item] else { continue }
                answered.append(parameters)
                correct.append(observation.correct)
            }
            let estimate = method == .eap
                ? try estimator.expectedAPosteriori(items: answered, responses: correct)
                : try estimator.maximumLikelihood(items: answered, responses: correct)
            if estimate.method == .expectedAPosterioriFallback { fallbacks += 1 }
            output.append([id, CSVOutput.number(estimate.theta), CSVOutput.number(estimate.standardError)])
        }
        try output.write(to: outputFile)
        var summary = "scored \(file.personIDs.count) persons (\(method.rawValue)) on \(file.itemIDs.count - skippedItems) items"
        if skippedItems > 0 { summary += "; \(skippedItems) item(s) without parameters left out" }
        if fallbacks > 0 { summary += "; \(fallbacks) all-correct, all-wrong or empty pattern(s) got the EAP estimate" }
        Assay.printError(summary)
    }
}
