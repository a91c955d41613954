import ArgumentParser
import AssayCore
import Foundation
import Psychometrics

/// `assay irt cat-sim`: does adaptive screening pay off? A simulation study on a 2PL bank.
struct CatSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat-sim",
        abstract: "Compare fixed and adaptive screens on a simulated calibrated 2PL bank.",
        discussion: """
            For lengths 5, 10, … up to --max-length: the RMSE of θ for a fixed screen (one random
            form, the same for everybody, EAP scoring) and for adaptive screens (maximum
            information with randomesque choice among the best k, EAP after every answer); the
            mean length an adaptive screen needs to reach SE ≤ --target-se (capped at
            --max-length); and the mean time of one item selection. The bank, abilities and
            answers are exactly those written by
            `assay irt simulate --persons P --items B --seed S` (2PL, complete), so other tools
            can be run on the same data.

            Example:
              assay irt cat-sim --bank-size 200 --persons 1000 --max-length 30
            """)

    @Option(name: .customLong("bank-size"), help: "Items in the simulated bank.") var bankSize: Int = 300
    @Option(help: "Simulated candidates.") var persons: Int = 2000
    @Option(name: .customLong("max-length"), help: "The longest screen, fixed and adaptive.") var maxLength: Int = 40
    @Option(name: .customLong("target-se"), help: "SE target of the variable-length adaptive screen.") var targetSE: Double = 0.3
    @Option(help: "Randomesque k: choose at random among the k most informative items.") var randomesque: Int = 5
    @Option(help: "Seed of the pseudo-random generator.") var seed: UInt64 = 1
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard

    func validate() throws {
        guard bankSize >= 1 else { throw ValidationError("--bank-size must be at least 1, is \(bankSize)") }
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, is \(persons)") }
        guard maxLength >= 1 else { throw ValidationError("--max-length must be at least 1, is \(maxLength)") }
        guard bankSize >= maxLength else { throw ValidationError("--bank-size (\(bankSize)) must be at least --max-length (\(maxLength))") }
        guard targetSE.isFinite, targetSE > 0 else { throw ValidationError("--target-se must be a number > 0, is \(targetSE)") }
        guard randomesque >= 1 else { throw ValidationError("--randomesque must be at least 1, is \(randomesque)") }
        let (cells, overflow) = persons.multipliedReportingOverflow(by: bankSize)
        guard !overflow, cells <= 200_000_000 else { throw ValidationError("--persons × --bank-size must be at most 200,000,000") }
    }

    func run() throws {
        let study = try AdaptiveTestStudy(bankSize: bankSize, persons: persons, maximumLength: maxLength,
                                          targetStandardError: targetSE, randomesque: randomesque, seed: seed)
        let result = try study.run()
        switch format.value {
        case .json:
            try printJSON(Report(bankSize: bankSize, persons: persons, maxLength: maxLength, targetSE: targetSE,
                                 randomesque: randomesque, seed: seed, result: result))
        default:
            print("bank \(bankSize) items (2PL), \(persons) candidates, seed \(seed); adaptive: max information, randomesque k=\(randomesque), EAP")
            print("length  fixed RMSE  adaptive RMSE")
            for point in result.lengths {
                print(String(format: "%6d  %10.3f  %13.3f", point.length, point.fixedRMSE, point.adaptiveRMSE))
            }
            if let matching = result.lengthMatchingFixedMaximum {
                print("adaptive reaches the \(maxLength)-item fixed RMSE (\(String(format: "%.3f", result.lengths.last?.fixedRMSE ?? .nan))) after \(matching) items")
            } else {
                print("adaptive does not reach the \(maxLength)-item fixed RMSE within \(maxLength) items")
            }
            print(String(format: "SE ≤ %.2f: mean length %.1f items (%.1f%% reached it within %d; RMSE at stop %.3f)",
                         targetSE, result.meanLengthToTarget, 100 * result.reachedTargetFraction, maxLength, result.rmseAtTargetStop))
            print(String(format: "item selection: %.2f µs mean over %d selections", result.meanSelectionMicroseconds, result.selections))
        }
    }

    /// The JSON form of a study and its settings.
    struct Report: Encodable {
        var bankSize: Int
        var persons: Int
        var maxLength: Int
        var targetSE: Double
        var randomesque: Int
        var seed: UInt64
        var result: AdaptiveTestStudyResult
    }
}
