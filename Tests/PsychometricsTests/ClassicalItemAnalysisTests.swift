import Testing
import Psychometrics

/// Expected values computed by hand and checked with NumPy (`np.corrcoef`, population variances).
@Suite("Classical item statistics and review flags")
struct ClassicalItemAnalysisTests {
    /// 8 persons × 4 items; item 3 is worth 2 points. Totals 4 4 4 3 3 3 2 2, so with
    /// g = round(0.27 × 8) = 2 the top group is persons 0–1 and the bottom group persons 6–7.
    static let scores: [[Double]] = [
        [1, 0, 1, 2], [1, 0, 1, 2], [1, 1, 1, 1], [0, 0, 1, 2],
        [1, 1, 1, 0], [0, 1, 1, 1], [0, 1, 1, 0], [0, 1, 1, 0],
    ]
    static let choices: [Int: ChoiceResponses] = [
        0: ChoiceResponses(key: 0, optionCount: 3, chosen: [0, 0, 0, 1, 0, 2, 1, nil]),
        1: ChoiceResponses(key: 1, optionCount: 3, chosen: [2, 2, 1, 0, 1, 1, 1, 1]),
    ]

    static func analysis() throws -> ClassicalTestAnalysis {
        try ClassicalItemAnalysis.analyze(scores: scores, maximumPoints: [1, 1, 1, 2], choices: choices)
    }

    @Test("Facility is the mean proportion of the item's points")
    func facility() throws {
        let result = try Self.analysis()
        #expect(result.items.map(\.facility) == [0.5, 0.625, 1.0, 0.5])
    }

    @Test("The corrected point-biserial correlates the item with the rest of the test")
    func pointBiserial() throws {
        let result = try Self.analysis()
        #expect(abs(try #require(result.items[0].correctedPointBiserial) - 0.2581988897471611) < 1e-12)
        #expect(abs(try #require(result.items[1].correctedPointBiserial) - -0.8082903768654761) < 1e-12)
        #expect(result.items[2].correctedPointBiserial == nil) // constant item
        #expect(abs(try #require(result.items[3].correctedPointBiserial) - -0.48154341234307685) < 1e-12)
    }

    @Test("Distractor tables give each option's share overall and in the top and bottom 27 %")
    func distractorTable() throws {
        let result = try Self.analysis()
        #expect(result.groupSize == 2)
        let options = try #require(result.items[0].options)
        #expect(options == [
            OptionStatistics(option: 0, isKey: true, proportionAll: 0.5, proportionTop: 1, proportionBottom: 0),
            OptionStatistics(option: 1, isKey: false, proportionAll: 0.25, proportionTop: 0, proportionBottom: 0.5),
            OptionStatistics(option: 2, isKey: false, proportionAll: 0.125, proportionTop: 0, proportionBottom: 0),
        ])
        #expect(result.items[2].options == nil)
    }

    @Test("Review flags mark negative discrimination, extreme facility and a distractor the top group prefers")
    func flags() throws {
        let result = try Self.analysis()
        #expect(result.items[0].flags.isEmpty)
        #expect(result.items[1].flags == [.negativeDiscrimination, .distractorAttractsTopGroup(option: 2)])
        #expect(result.items[2].flags == [.tooEasy])
        #expect(result.items[3].flags == [.negativeDiscrimination])
        #expect(result.flaggedItems.map(\.item) == [1, 2, 3])
    }

    @Test("An item almost nobody gets right is flagged as too hard")
    func tooHard() throws {
        var rows = [[Double]](repeating: [0, 1], count: 11)
        rows[0] = [1, 1]
        let result = try ClassicalItemAnalysis.analyze(scores: rows, maximumPoints: [1, 1])
        #expect(abs(result.items[0].facility - 1.0 / 11) < 1e-15)
        #expect(result.items[0].flags == [.tooHard])
        #expect(result.items[1].flags == [.tooEasy])
        #expect(abs(try #require(result.cronbachAlpha)) < 1e-12) // both items' variances sum to the total's: no covariance
    }

    @Test("Cronbach's alpha matches a hand-computed example")
    func alpha() throws {
        let scores: [[Double]] = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 1, 1], [0, 1, 0]]
        let result = try ClassicalItemAnalysis.analyze(scores: scores, maximumPoints: [1, 1, 1])
        // α = 3/2 · (1 − (2/9 + 2/9 + 2/9) / (11/9)) = 0.681818…
        #expect(abs(try #require(result.cronbachAlpha) - 0.6818181818181817) < 1e-12)
        #expect(abs(try #require(result.items[2].correctedPointBiserial) - 0.6324555320336759) < 1e-12)
        #expect(abs(try Self.analysis().cronbachAlpha.map { $0 - -1.3675213675213673 } ?? 1) < 1e-12)
    }

    @Test("Alpha is undefined for a single item or constant totals")
    func alphaUndefined() throws {
        #expect(try ClassicalItemAnalysis.analyze(scores: [[1], [0]], maximumPoints: [1]).cronbachAlpha == nil)
        #expect(try ClassicalItemAnalysis.analyze(scores: [[1, 0], [0, 1]], maximumPoints: [1, 1]).cronbachAlpha == nil)
    }

    @Test("Malformed input is rejected")
    func invalid() {
        #expect(throws: PsychometricsError.self) { try ClassicalItemAnalysis.analyze(scores: [[1]], maximumPoints: [1]) }
        #expect(throws: PsychometricsError.self) { try ClassicalItemAnalysis.analyze(scores: [[1, 0], [1]], maximumPoints: [1, 1]) }
        #expect(throws: PsychometricsError.self) { try ClassicalItemAnalysis.analyze(scores: [[2], [0]], maximumPoints: [1]) }
        #expect(throws: PsychometricsError.self) { try ClassicalItemAnalysis.analyze(scores: [[1], [0]], maximumPoints: [0]) }
        #expect(throws: PsychometricsError.self) {
            try ClassicalItemAnalysis.analyze(scores: [[1], [0]], maximumPoints: [1], choices: [0: ChoiceResponses(key: 0, optionCount: 2, chosen: [0, 5])])
        }
        #expect(throws: PsychometricsError.self) {
            try ClassicalItemAnalysis.analyze(scores: [[1], [0]], maximumPoints: [1], choices: [3: ChoiceResponses(key: 0, optionCount: 2, chosen: [0, 1])])
        }
    }
}
