import Foundation
import Testing
import Psychometrics

/// The reference values written by `scripts/testdata/validity_reference.py` (NumPy/SciPy on the
/// expanded data; see the script's header for why that is independent of Assay's code).
struct ValidityReference: Decodable {
    struct Unweighted: Decodable {
        let x: [Double], y: [Double], pearson: Double, spearman: Double
    }
    struct Interval: Decodable {
        let lower: Double, upper: Double, replicates: Int?
    }
    struct BootstrapSettings: Decodable {
        let replicates: Int, seed: UInt64, level: Double
    }
    struct Members: Decodable {
        let percent: [Double], theta: [Double], outcome: [Double], tasks: [Double]
        let pearson_percent: Double, spearman_percent: Double, pearson_theta: Double, spearman_theta: Double
        let weighted_mean_outcome: Double, weighted_sd_percent: Double, mid_ranks_percent: [Double]
        let bootstrap: BootstrapSettings
        let pearson_percent_interval: Interval, spearman_percent_interval: Interval
        let applicant_percent: [Double], unrestricted_sd_percent: Double
        let thorndike_pearson_percent: Double, thorndike_interval: Interval
    }
    struct ThorndikeCase: Decodable {
        let r: Double, restricted_sd: Double, unrestricted_sd: Double, corrected: Double
    }
    struct Item: Decodable {
        let name: String, members: [Int], credit: [Double], facility: Double
        let correlation: Double?, interval: Interval?, flag_higher: String?, flag_lower: String?
    }
    struct Items: Decodable {
        let bootstrap: BootstrapSettings, minimum_responses: Int, items: [Item]
    }
    struct AnalyticInterval: Decodable {
        let lower: Double, upper: Double, effective_size: Double
    }
    struct AnalyticItem: Decodable {
        let interval: AnalyticInterval?, flag_higher: String?, flag_lower: String?
    }
    struct AnalyticMembers: Decodable {
        let pearson_percent: AnalyticInterval, spearman_percent: AnalyticInterval, pearson_percent_90: AnalyticInterval
    }
    struct Analytic: Decodable {
        let from: Int, items: [AnalyticItem], members: AnalyticMembers
    }
    struct Band: Decodable {
        let lower: Double, upper: Double, members: Int, tasks: Double, mean_outcome: Double?
    }
    struct PassMarkCandidate: Decodable {
        let mark: Double, applicants: Int, members: Int, tasks: Double, expected_outcome: Double, feasible: Bool
    }
    struct PassMarkCurrent: Decodable {
        let mark: Double, applicants: Int, members: Int, expected_outcome: Double
    }
    struct PassMarks: Decodable {
        let pool_size: Int, current_mark: Double, minimum_members: Int
        let candidates: [PassMarkCandidate], best_mark: Double?, current: PassMarkCurrent
    }

    let tolerance: Double
    let unweighted: Unweighted
    let members: Members
    let thorndike_table: [ThorndikeCase]
    let items: Items
    let analytic: Analytic
    let expectancy: [Band]
    let pass_marks: [PassMarks]

    static func load() throws -> ValidityReference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/validity_reference.json")
        return try JSONDecoder().decode(ValidityReference.self, from: Data(contentsOf: url))
    }
}

/// Every validity statistic against the NumPy/SciPy reference, to 1e-9 unless stated (the two
/// implementations sum in different orders, so agreement is to rounding, far below 1e-9).
@Suite("Validity statistics agree with NumPy/SciPy")
struct ValidityReferenceTests {
    let reference: ValidityReference
    init() throws { reference = try ValidityReference.load() }

    var tolerance: Double { reference.tolerance }

    @Test("Unit weights give SciPy's Pearson r and Spearman ρ with ties averaged")
    func unweighted() throws {
        let data = reference.unweighted
        let ones = [Double](repeating: 1, count: data.x.count)
        let r = try #require(try WeightedCorrelation.pearson(data.x, data.y, weights: ones))
        let rho = try #require(try WeightedCorrelation.spearman(data.x, data.y, weights: ones))
        #expect(abs(r - data.pearson) < tolerance)
        #expect(abs(rho - data.spearman) < tolerance)
    }

    @Test("Task weights give the statistics of the data with each row repeated once per task")
    func weighted() throws {
        let m = reference.members
        #expect(abs(try #require(try WeightedCorrelation.pearson(m.percent, m.outcome, weights: m.tasks)) - m.pearson_percent) < tolerance)
        #expect(abs(try #require(try WeightedCorrelation.spearman(m.percent, m.outcome, weights: m.tasks)) - m.spearman_percent) < tolerance)
        #expect(abs(try #require(try WeightedCorrelation.pearson(m.theta, m.outcome, weights: m.tasks)) - m.pearson_theta) < tolerance)
        #expect(abs(try #require(try WeightedCorrelation.spearman(m.theta, m.outcome, weights: m.tasks)) - m.spearman_theta) < tolerance)
        #expect(abs(try #require(WeightedCorrelation.mean(m.outcome, weights: m.tasks)) - m.weighted_mean_outcome) < tolerance)
        #expect(abs(try #require(WeightedCorrelation.standardDeviation(m.percent, weights: m.tasks)) - m.weighted_sd_percent) < tolerance)
    }

    @Test("Weighted mid-ranks are the expanded data's average ranks less one half")
    func midRanks() {
        let m = reference.members
        let ranks = WeightedCorrelation.midRanks(m.percent, weights: m.tasks)
        for (mine, theirs) in zip(ranks, m.mid_ranks_percent) { #expect(abs(mine - theirs) < tolerance) }
    }

    @Test("Seeded percentile bootstrap intervals repeat the reference's replicates exactly")
    func bootstrapIntervals() throws {
        let m = reference.members
        let bootstrap = try PercentileBootstrap(replicates: m.bootstrap.replicates, seed: m.bootstrap.seed, level: m.bootstrap.level)
        let pearson = try #require(try WeightedCorrelation.pearsonInterval(m.percent, m.outcome, weights: m.tasks, bootstrap: bootstrap))
        let spearman = try #require(try WeightedCorrelation.spearmanInterval(m.percent, m.outcome, weights: m.tasks, bootstrap: bootstrap))
        #expect(abs(pearson.lower - m.pearson_percent_interval.lower) < tolerance)
        #expect(abs(pearson.upper - m.pearson_percent_interval.upper) < tolerance)
        #expect(pearson.replicates == m.pearson_percent_interval.replicates)
        #expect(abs(spearman.lower - m.spearman_percent_interval.lower) < tolerance)
        #expect(abs(spearman.upper - m.spearman_percent_interval.upper) < tolerance)
        #expect(pearson.contains(m.pearson_percent))
        // Reproducible: the same seed twice gives the same interval.
        #expect(try WeightedCorrelation.pearsonInterval(m.percent, m.outcome, weights: m.tasks, bootstrap: bootstrap) == pearson)
    }

    @Test("Pearson and Spearman intervals of several predictors with shared draws equal each interval computed alone")
    func sharedDrawIntervals() throws {
        let m = reference.members
        let bootstrap = try PercentileBootstrap(replicates: m.bootstrap.replicates, seed: m.bootstrap.seed, level: m.bootstrap.level)
        let both = try WeightedCorrelation.correlationIntervals([m.percent, m.theta], m.outcome, weights: m.tasks, bootstrap: bootstrap)
        #expect(both.count == 2)
        let percent = try #require(both[0].pearson)
        #expect(abs(percent.lower - m.pearson_percent_interval.lower) < tolerance)
        #expect(abs(percent.upper - m.pearson_percent_interval.upper) < tolerance)
        let rho = try #require(both[0].spearman)
        #expect(abs(rho.lower - m.spearman_percent_interval.lower) < tolerance)
        #expect(abs(rho.upper - m.spearman_percent_interval.upper) < tolerance)
        #expect(both[1].pearson == (try WeightedCorrelation.pearsonInterval(m.theta, m.outcome, weights: m.tasks, bootstrap: bootstrap)))
        #expect(both[1].spearman == (try WeightedCorrelation.spearmanInterval(m.theta, m.outcome, weights: m.tasks, bootstrap: bootstrap)))
        #expect(both[1].pearson != nil && both[1].spearman != nil)
    }

    @Test("Fisher's z intervals with the Kish effective sample size match the reference (r, ρ, two levels)")
    func fisherIntervals() throws {
        let m = reference.members
        let a = reference.analytic.members
        let cases: [(Double, Double, Double, ValidityReference.AnalyticInterval)] = [
            (m.pearson_percent, 0.95, 1, a.pearson_percent),
            (m.spearman_percent, 0.95, WeightedCorrelation.spearmanVarianceFactor, a.spearman_percent),
            (m.pearson_percent, 0.9, 1, a.pearson_percent_90),
        ]
        for (r, level, factor, expected) in cases {
            let interval = try #require(WeightedCorrelation.fisherInterval(r, weights: m.tasks, level: level, varianceFactor: factor))
            #expect(abs(interval.lower - expected.lower) < tolerance && abs(interval.upper - expected.upper) < tolerance, "level \(level), factor \(factor)")
            #expect(abs(try #require(interval.effectiveSize) - expected.effective_size) < tolerance)
            #expect(interval.method == .fisherZ && interval.replicates == 0 && interval.level == level)
        }
        // Undefined where the transformation is: |r| = 1, or too few effective observations.
        #expect(WeightedCorrelation.fisherInterval(1, weights: m.tasks, level: 0.95) == nil)
        #expect(WeightedCorrelation.fisherInterval(0.3, weights: [1, 1, 1], level: 0.95) == nil)
        #expect(WeightedCorrelation.fisherInterval(0.3, weights: [100, 1, 1, 1, 1], level: 0.95) == nil)
    }

    /// The reference's items analysed with its bootstrap settings and minimum responses.
    private func referenceItems(direction: OutcomeDirection, analyticFrom: Int = ItemValidity.analyticThreshold) throws -> [ItemValidity] {
        let settings = reference.items.bootstrap
        let bootstrap = try PercentileBootstrap(replicates: settings.replicates, seed: settings.seed, level: settings.level)
        let input = reference.items.items.map { item in zip(item.members, item.credit).map { (member: $0, credit: $1) } }
        return try ItemValidity.analyse(items: input, outcomes: reference.members.outcome, weights: reference.members.tasks, direction: direction,
                                        bootstrap: bootstrap, minimumResponses: reference.items.minimum_responses, analyticFrom: analyticFrom)
    }

    @Test("From the analytic threshold on, items get Fisher's z intervals and flags that match the reference", arguments: OutcomeDirection.allCases)
    func analyticItems(direction: OutcomeDirection) throws {
        let results = try referenceItems(direction: direction, analyticFrom: reference.analytic.from)
        var analytic = 0
        for ((result, expected), item) in zip(zip(results, reference.analytic.items), reference.items.items) {
            if let interval = expected.interval {
                let mine = try #require(result.interval, "\(item.name)")
                #expect(mine.method == .fisherZ, "\(item.name)")
                #expect(abs(mine.lower - interval.lower) < tolerance && abs(mine.upper - interval.upper) < tolerance, "\(item.name)")
                #expect(abs(try #require(mine.effectiveSize) - interval.effective_size) < tolerance, "\(item.name)")
                analytic += 1
            } else {
                #expect(result.interval == nil, "\(item.name)")
            }
            #expect(result.flag?.rawValue == (direction == .higherIsBetter ? expected.flag_higher : expected.flag_lower), "\(item.name)")
        }
        #expect(analytic >= 6)
        // Below the threshold the same items keep their bootstrap intervals.
        let below = try referenceItems(direction: direction)
        #expect(below.compactMap(\.interval).allSatisfy { $0.method == .percentileBootstrap && $0.replicates > 0 })
    }

    @Test("Thorndike case II matches the reference, for the members and a table of cases")
    func thorndike() throws {
        let m = reference.members
        let restricted = try #require(WeightedCorrelation.standardDeviation(m.percent, weights: m.tasks))
        let applicants = try #require(WeightedCorrelation.standardDeviation(m.applicant_percent, weights: m.applicant_percent.map { _ in 1 }))
        #expect(abs(applicants - m.unrestricted_sd_percent) < tolerance)
        let corrected = try RangeRestriction.thorndikeCaseII(m.pearson_percent, restrictedSD: restricted, unrestrictedSD: applicants)
        #expect(abs(corrected - m.thorndike_pearson_percent) < tolerance)
        let interval = ConfidenceInterval(lower: m.pearson_percent_interval.lower, upper: m.pearson_percent_interval.upper, level: 0.95, replicates: 500)
        let mapped = try interval.mapped { try RangeRestriction.thorndikeCaseII($0, restrictedSD: restricted, unrestrictedSD: applicants) }
        #expect(abs(mapped.lower - m.thorndike_interval.lower) < tolerance)
        #expect(abs(mapped.upper - m.thorndike_interval.upper) < tolerance)
        for row in reference.thorndike_table {
            let value = try RangeRestriction.thorndikeCaseII(row.r, restrictedSD: row.restricted_sd, unrestrictedSD: row.unrestricted_sd)
            #expect(abs(value - row.corrected) < tolerance, "r \(row.r), s \(row.restricted_sd), S \(row.unrestricted_sd)")
        }
    }

    @Test("Per-item point-biserials, their intervals and flags match the reference", arguments: OutcomeDirection.allCases)
    func items(direction: OutcomeDirection) throws {
        let results = try referenceItems(direction: direction)
        #expect(results.count == reference.items.items.count)
        for (result, expected) in zip(results, reference.items.items) {
            #expect(result.responses == expected.members.count, "\(expected.name)")
            #expect(abs(try #require(result.facility) - expected.facility) < tolerance, "\(expected.name)")
            if let r = expected.correlation {
                #expect(abs(try #require(result.correlation) - r) < tolerance, "\(expected.name)")
            } else {
                #expect(result.correlation == nil, "\(expected.name)")
            }
            if let interval = expected.interval {
                let mine = try #require(result.interval, "\(expected.name)")
                #expect(abs(mine.lower - interval.lower) < tolerance, "\(expected.name)")
                #expect(abs(mine.upper - interval.upper) < tolerance, "\(expected.name)")
            } else {
                #expect(result.interval == nil, "\(expected.name)")
            }
            let flag = direction == .higherIsBetter ? expected.flag_higher : expected.flag_lower
            #expect(result.flag?.rawValue == flag, "\(expected.name)")
        }
        // The fixture exercises every flag: read as lower-is-better, its good items go the wrong
        // way and its weak ones show no signal; read as higher-is-better, its reversed item goes
        // the wrong way.
        let flags = Set(results.compactMap(\.flag))
        let expected: Set<ItemValidity.Flag> = direction == .lowerIsBetter ? [.wrongWay, .noSignal, .insufficientData] : [.wrongWay, .insufficientData]
        #expect(flags == expected)
    }

    @Test("The expectancy table's bands match the reference")
    func expectancy() throws {
        let m = reference.members
        let table = try ExpectancyTable(scores: m.percent, outcomes: m.outcome, weights: m.tasks)
        #expect(table.bands.count == reference.expectancy.count)
        for (band, expected) in zip(table.bands, reference.expectancy) {
            #expect(band.lower == expected.lower && band.upper == expected.upper)
            #expect(band.members == expected.members)
            #expect(band.tasks == expected.tasks)
            if let mean = expected.mean_outcome {
                #expect(abs(try #require(band.meanOutcome) - mean) < tolerance)
            } else {
                #expect(band.meanOutcome == nil)
            }
        }
    }

    @Test("The best pass mark at the pool's size matches the reference", arguments: 0..<4)
    func passMarks(index: Int) throws {
        let m = reference.members
        let expected = try #require(reference.pass_marks.indices.contains(index) ? reference.pass_marks[index] : nil)
        // The reference's second case is the same data read as "lower is better".
        let direction: OutcomeDirection = index == 1 ? .lowerIsBetter : .higherIsBetter
        let analysis = try PassMarkAnalysis(
            memberScores: m.percent, outcomes: m.outcome, weights: m.tasks,
            applicantScores: m.applicant_percent, poolSize: expected.pool_size, currentMark: expected.current_mark,
            direction: direction, minimumMembers: expected.minimum_members
        )
        #expect(analysis.candidates.count == expected.candidates.count)
        for (candidate, row) in zip(analysis.candidates, expected.candidates) {
            #expect(candidate.mark == row.mark)
            #expect(candidate.applicants == row.applicants)
            #expect(candidate.members == row.members)
            #expect(candidate.tasks == row.tasks)
            #expect(candidate.feasible == row.feasible)
            #expect(abs(try #require(candidate.expectedOutcome) - row.expected_outcome) < tolerance)
        }
        #expect(analysis.best?.mark == expected.best_mark)
        #expect(analysis.current.applicants == expected.current.applicants)
        #expect(analysis.current.members == expected.current.members)
        #expect(abs(try #require(analysis.current.expectedOutcome) - expected.current.expected_outcome) < tolerance)
    }
}

/// Behaviour of the validity statistics beyond the reference values: edge cases and errors.
@Suite("Validity statistics: edge cases and errors")
struct ValidityStatisticsEdgeTests {
    @Test("A variable with no spread has no correlation, not a trap or NaN")
    func noSpread() throws {
        #expect(try WeightedCorrelation.pearson([70, 70, 70], [0.1, 0.5, 0.9], weights: [1, 2, 3]) == nil)
        #expect(try WeightedCorrelation.spearman([60, 70, 80], [0.5, 0.5, 0.5], weights: [1, 2, 3]) == nil)
        // Only one observation carries weight.
        #expect(try WeightedCorrelation.pearson([60, 70, 80], [0.5, 0.6, 0.9], weights: [0, 5, 0]) == nil)
    }

    @Test("Mismatched lengths, non-finite values and negative weights are rejected")
    func invalidInput() {
        #expect(throws: PsychometricsError.self) { try WeightedCorrelation.pearson([1, 2], [1], weights: [1, 1]) }
        #expect(throws: PsychometricsError.self) { try WeightedCorrelation.pearson([1, .nan], [1, 2], weights: [1, 1]) }
        #expect(throws: PsychometricsError.self) { try WeightedCorrelation.spearman([1, 2], [1, 2], weights: [1, -1]) }
        #expect(throws: PsychometricsError.self) { try RangeRestriction.thorndikeCaseII(1.2, restrictedSD: 1, unrestrictedSD: 2) }
        #expect(throws: PsychometricsError.self) { try RangeRestriction.thorndikeCaseII(0.3, restrictedSD: 0, unrestrictedSD: 2) }
        #expect(throws: PsychometricsError.self) { try PercentileBootstrap(replicates: 1) }
        #expect(throws: PsychometricsError.self) { try PercentileBootstrap(level: 1) }
        #expect(throws: PsychometricsError.self) { try ExpectancyTable(scores: [101], outcomes: [0.5], weights: [1]) }
        #expect(throws: PsychometricsError.self) {
            try ItemValidity.analyse(items: [[(member: 3, credit: 1)]], outcomes: [0.5], weights: [1], direction: .higherIsBetter, bootstrap: PercentileBootstrap())
        }
        #expect(throws: PsychometricsError.self) {
            try ItemValidity.analyse(items: [[(member: 0, credit: 2)]], outcomes: [0.5], weights: [1], direction: .higherIsBetter, bootstrap: PercentileBootstrap())
        }
    }

    @Test("Weights scale nothing: doubling every weight leaves r and ρ unchanged")
    func weightScale() throws {
        let x: [Double] = [55, 60, 60, 72, 80, 91], y: [Double] = [0.6, 0.7, 0.65, 0.8, 0.78, 0.95], w: [Double] = [3, 1, 4, 1, 5, 9]
        let doubled = w.map { $0 * 2 }
        #expect(abs(try #require(try WeightedCorrelation.pearson(x, y, weights: w)) - (try #require(try WeightedCorrelation.pearson(x, y, weights: doubled)))) < 1e-12)
        #expect(abs(try #require(try WeightedCorrelation.spearman(x, y, weights: w)) - (try #require(try WeightedCorrelation.spearman(x, y, weights: doubled)))) < 1e-12)
    }

    @Test("Thorndike case II recovers the applicants' correlation after selecting the top third")
    func rangeRestrictionRecovers() throws {
        // Bivariate normal with ρ = 0.5; keep those with x above the 2/3 quantile.
        var rng = SplitMix64(seed: 11)
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<60_000 {
            let x = rng.nextStandardNormal()
            xs.append(x)
            ys.append(0.5 * x + (0.75).squareRoot() * rng.nextStandardNormal())
        }
        let cut = xs.sorted()[40_000]
        let kept = xs.indices.filter { xs[$0] >= cut }
        let keptX = kept.map { xs[$0] }, keptY = kept.map { ys[$0] }, ones = kept.map { _ in 1.0 }
        let restricted = try #require(try WeightedCorrelation.pearson(keptX, keptY, weights: ones))
        #expect(restricted < 0.35) // selection attenuates it clearly
        let corrected = try RangeRestriction.thorndikeCaseII(
            restricted,
            restrictedSD: try #require(WeightedCorrelation.standardDeviation(keptX, weights: ones)),
            unrestrictedSD: try #require(WeightedCorrelation.standardDeviation(xs, weights: xs.map { _ in 1 }))
        )
        #expect(abs(corrected - 0.5) < 0.03)
    }

    @Test("A bootstrap of a statistic that is never defined has no interval")
    func undefinedBootstrap() throws {
        let bootstrap = try PercentileBootstrap(replicates: 50, seed: 1)
        #expect(try WeightedCorrelation.pearsonInterval([1, 1, 1], [1, 2, 3], weights: [1, 1, 1], bootstrap: bootstrap) == nil)
        #expect(bootstrap.interval(count: 0) { _ in 1 } == nil)
    }

    @Test("No feasible pass mark when the applicants cannot fill the pool")
    func noFeasibleMark() throws {
        let analysis = try PassMarkAnalysis(
            memberScores: [70, 80, 90], outcomes: [0.7, 0.8, 0.9], weights: [1, 1, 1],
            applicantScores: [70, 80, 90], poolSize: 4, currentMark: 70, direction: .higherIsBetter, minimumMembers: 1
        )
        #expect(analysis.best == nil)
        #expect(analysis.candidates.allSatisfy { !$0.feasible })
    }

    @Test("Items analysed together get the intervals each gets alone (shared draws for equal response counts)")
    func itemsTogetherMatchAlone() throws {
        var state: UInt64 = 99
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 }
        let outcomes = (0..<60).map { _ in uniform() }
        let weights = (0..<60).map { _ in 1 + (uniform() * 20).rounded() }
        let items: [[(member: Int, credit: Double)]] = [
            (0..<60).map { ($0, uniform() < 0.3 + 0.5 * outcomes[$0] ? 1.0 : 0.0) },
            (0..<60).map { ($0, uniform() < 0.6 ? 1.0 : 0.0) },
            (0..<40).map { ($0 + 20, uniform() < 0.5 ? 1.0 : 0.5) },
            (0..<60).reversed().map { ($0, uniform() < 0.8 - 0.4 * outcomes[$0] ? 1.0 : 0.0) },
        ]
        let bootstrap = try PercentileBootstrap(replicates: 300, seed: 11)
        let together = try ItemValidity.analyse(items: items, outcomes: outcomes, weights: weights, direction: .higherIsBetter, bootstrap: bootstrap)
        for (index, item) in items.enumerated() {
            let alone = try ItemValidity.analyse(items: [item], outcomes: outcomes, weights: weights, direction: .higherIsBetter, bootstrap: bootstrap)[0]
            #expect(together[index].interval != nil)
            #expect(together[index].interval == alone.interval)
            #expect(together[index].correlation == alone.correlation && together[index].flag == alone.flag)
        }
    }
}
