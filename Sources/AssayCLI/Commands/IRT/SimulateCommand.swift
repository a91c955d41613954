import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay irt simulate`: true parameters and simulated responses, for checks and benchmarks.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate abilities, item parameters and 0/1 responses, reproducibly from a seed.",
        discussion: """
            Writes DIR/true_items.csv (item,a,b,c), DIR/true_persons.csv (person,theta) and
            DIR/responses.csv (person,item,score; with --sparse, absent rows are items not
            presented). Abilities ~ N(0, 1); b ~ N(0, 1) clipped to [-2.5, 2.5]; 2PL a =
            exp(0.4 z) clipped to [0.3, 3]. Equal arguments give equal files.

            Example:
              assay irt simulate --persons 2000 --items 40 --seed 7 --out-dir sim
            """)

    @Option(help: "Number of persons (≥ 1).") var persons: Int
    @Option(help: "Number of items (≥ 1).") var items: Int
    @Option(help: "Probability that an item is not presented to a person, in [0, 1).") var sparse: Double = 0
    @Option(help: "Seed of the pseudo-random generator.") var seed: UInt64 = 1
    @Option(help: "Model: rasch or 2pl.") var model: IRTCommand.Model = .twoParameter
    @Option(name: .customLong("out-dir"), help: ArgumentHelp("Folder to write the three files into (created if missing).", valueName: "dir"))
    var outDir: String

    func validate() throws {
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, is \(persons)") }
        guard items >= 1 else { throw ValidationError("--items must be at least 1, is \(items)") }
        guard sparse >= 0, sparse < 1 else { throw ValidationError("--sparse must be in [0, 1), is \(sparse)") }
        let (cells, overflow) = persons.multipliedReportingOverflow(by: items)
        guard !overflow, cells <= 200_000_000 else {
            throw ValidationError("--persons × --items must be at most 200,000,000")
        }
    }

    func run() throws {
        let simulation = try ResponseSimulator.simulate(persons: persons, items: items, sparseFraction: sparse, seed: seed, model: model.irtModel)
        var trueItems = CSVOutput(header: ["item", "a", "b", "c"])
        let itemIDs = (0..<items).map { IRTCommand.identifier("i", $0, of: items) }
        for (index, parameters) in simulation.items.enumerated() {
            trueItems.append([itemIDs[index], CSVOutput.number(parameters.a), CSVOutput.number(parameters.b), CSVOutput.number(parameters.c)])
        }
        var truePersons = CSVOutput(header: ["person", "theta"])
        var responses = CSVOutput(header: ["person", "item", "score"])
        for (person, theta) in simulation.abilities.enumerated() {
            let id = IRTCommand.identifier("p", person, of: persons)
            truePersons.append([id, CSVOutput.number(theta)])
            for observation in simulation.responses.observations(ofPerson: person) {
                responses.append([id, itemIDs[observation.item], observation.correct ? "1" : "0"])
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        } catch {
            throw AssayError(.badInput, "cannot create the folder: \(error.localizedDescription)", file: outDir)
        }
        // All three are checked (never a folder or a link) before any is written, and named only
        // when complete.
        let folder = URL(fileURLWithPath: outDir)
        let files = try ["true_items.csv", "true_persons.csv", "responses.csv"].map {
            try OutputFile(path: folder.appendingPathComponent($0).path, personalData: false, field: "--out-dir")
        }
        defer { files.forEach { $0.discard() } }
        try trueItems.write(to: files[0])
        try truePersons.write(to: files[1])
        try responses.write(to: files[2])
        Assay.printError("wrote \(items) items, \(persons) persons and \(simulation.responses.observationCount) responses (\(model.rawValue), seed \(seed)) to \(outDir)")
    }
}
