import ArgumentParser
import AssayCore
import Foundation

/// `assay bank calibrate SLUG`: IRT parameters from the bank's stored responses.
struct BankCalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the bank's items from stored responses and store them as a new calibration.",
        discussion: """
            Uses every answered item of every scored screen of the bank (all its versions; an
            item whose content changed is a different item). A response counts as right when
            it earned at least half the item's points. Fits 2PL or Rasch by marginal maximum
            likelihood (EM) and stores the parameters, their standard errors and the fit
            (log-likelihood, AIC, BIC) as a new calibration; earlier calibrations are kept.
            Adaptive screens invited afterwards use it for every item it estimated, so a
            calibration whose fit did not converge, or that estimated under 80% of the items of
            the bank's current version, is not stored (exit 2, saying why) unless --force.
            Exit code 2 too when there are too few responses.

            Examples:
              assay bank calibrate medicine-core
              assay bank calibrate medicine-core --model rasch --min-responses 50 --format json
            """)

    @Argument(help: "The bank's slug.") var slug: String
    @Option(name: .customLong("min-responses"), help: "Items with fewer responses are reported, not estimated (default 20).")
    var minimumResponses: Int = 20
    @Option(help: "Model: 2pl or rasch.") var model: IRTCommand.Model = .twoParameter
    @Flag(help: "Store the calibration even if the fit did not converge or estimated under 80% of the items.") var force = false
    /// The EM cycle limit; tests lower it to make a fit stop before it converges.
    @Option(name: .customLong("max-iterations"), help: ArgumentHelp("EM cycle limit (default 500).", visibility: .hidden))
    var maximumIterations: Int = 500
    @Option(help: "Who calibrates, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["model": "--model", "minimumResponses": "--min-responses", "maximumIterations": "--max-iterations"]

    func validate() throws {
        guard minimumResponses >= 1 else { throw ValidationError("--min-responses must be at least 1, is \(minimumResponses)") }
        guard maximumIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1, is \(maximumIterations)") }
    }

    func run() throws {
        let calibration = try namingFlags(Self.flags) {
            let service = BankCalibration(connection: try database.migratedConnection())
            return try service.calibrate(bank: slug, model: model.irtModel, minimumResponses: minimumResponses, force: force,
                                         maximumIterations: maximumIterations, actor: actor ?? ActorName.current)
        }
        if !calibration.forcedDespite.isEmpty {
            Assay.printError("assay: warning: stored with --force although " + calibration.forcedDespite.joined(separator: "; and ")
                             + "; adaptive screens invited from now on use it")
        }
        switch format.value {
        case .json:
            try printJSON(calibration)
        default:
            print("calibration \(calibration.id) of \(calibration.bankSlug): \(calibration.model), \(calibration.persons) screens, \(calibration.responses) responses, "
                  + "\(calibration.itemsEstimated) of \(calibration.items.count) items estimated, "
                  + "\(calibration.converged ? "converged" : "NOT converged") after \(calibration.iterations) EM cycles")
            print(String(format: "log-likelihood %.2f, AIC %.2f, BIC %.2f", calibration.logLikelihood, calibration.aic, calibration.bic))
            print(Self.table(calibration.items))
        }
    }

    /// The items as an aligned table.
    static func table(_ items: [BankCalibration.CalibratedBankItem]) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
        let width = max(4, items.map(\.itemKey.count).max() ?? 4)
        var lines = ["ITEM".padding(toLength: width, withPad: " ", startingAt: 0) + "       a    se(a)        b    se(b)      n  p-right  status"]
        for item in items {
            let fields = [number(item.a), number(item.seA), number(item.b), number(item.seB)].map { $0.leftPadded(8) }
            lines.append(item.itemKey.padding(toLength: width, withPad: " ", startingAt: 0) + " " + fields.joined(separator: " ")
                         + " " + String(item.n).leftPadded(6) + " " + (item.n > 0 ? String(format: "%.3f", item.pCorrect) : "-").leftPadded(8)
                         + "  " + item.status + (item.atBound ? " (at a bound: review)" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
