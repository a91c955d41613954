import ArgumentParser
import Psychometrics

/// `assay irt …`: item response theory on CSV files, with no database.
struct IRTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irt",
        abstract: "Simulate, calibrate and score with item response theory, on CSV files (no database).",
        discussion: """
            Response files are long format with a header: person,item,score (score 0 or 1, one row
            per answer; a missing answer is an absent row). All models use the logistic metric
            with D = 1.

            Examples:
              assay irt simulate --out-dir sim && assay irt calibrate --responses sim/responses.csv --out items.csv
              assay irt score --items items.csv --responses sim/responses.csv
            """,
        subcommands: [SimulateCommand.self, IRTCalibrateCommand.self, ScoreCommand.self, CatSimCommand.self]
    )

    /// The dichotomous models the offline commands fit and simulate.
    enum Model: String, ExpressibleByArgument, CaseIterable {
        /// Rasch / 1PL: a = 1.
        case rasch
        /// Two-parameter logistic.
        case twoParameter = "2pl"

        /// The Psychometrics model.
        var irtModel: IRTModel { self == .rasch ? .rasch : .twoParameter }
    }

    /// Identifiers `prefix` + a zero-padded 1-based number, e.g. `p00042` for 42 of 10 000.
    static func identifier(_ prefix: String, _ index: Int, of count: Int) -> String {
        let digits = String(count).count
        let number = String(index + 1)
        return prefix + String(repeating: "0", count: max(0, digits - number.count)) + number
    }
}
