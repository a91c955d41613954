import Psychometrics
import Testing

@Suite("Classical item analysis of sparse responses")
struct SparseItemAnalysisTests {
    /// 8 persons × 6 items, complete; item 4 (index 3) is a single-choice item keyed B (1).
    static let complete: [[Double]] = [
        [1, 1, 1, 0, 1, 0], [1, 1, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], [1, 0, 1, 1, 1, 0],
        [0, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 0],
    ]
    static let chosen: [Int?] = [0, 0, 2, 1, 1, 1, 1, 1]

    @Test("on complete data it gives the hand-computed values, the same as the complete-data analysis")
    func completeData() throws {
        let sparse = Self.complete.map { row in Dictionary(uniqueKeysWithValues: row.enumerated().map { ($0, $1) }) }
        let choices = [3: ChoiceResponses(key: 1, optionCount: 3, chosen: Self.chosen)]
        let result = try ClassicalItemAnalysis.analyze(sparseScores: sparse, maximumPoints: Array(repeating: 1, count: 6), choices: choices)
        // Hand-computed: facility = mean; r = Pearson(x_i, T − x_i); alpha = 6/5 (1 − Σ p q / var T), var T = 0.609375, Σ p q = 0.953125.
        let facilities = [0.625, 0.5, 0.375, 0.625, 1, 0]
        let correlations: [Double?] = [0.2581989, -0.1796053, 0.4472136, -0.8082904, nil, nil]
        for i in 0..<6 {
            #expect(abs(result.items[i].facility - facilities[i]) < 1e-9)
            if let expected = correlations[i] {
                #expect(abs((result.items[i].correctedPointBiserial ?? 99) - expected) < 1e-6, "item \(i)")
            } else {
                #expect(result.items[i].correctedPointBiserial == nil)
            }
        }
        #expect(abs((result.cronbachAlpha ?? 99) - (-0.6769231)) < 1e-6)
        #expect(result.groupSize == 2)
        let options = try #require(result.items[3].options)
        #expect(options.map(\.proportionAll) == [0.25, 0.625, 0.125])
        #expect(options.map(\.proportionTop) == [1, 0, 0])
        #expect(options.map(\.proportionBottom) == [0, 1, 0])
        #expect(result.items[1].flags == [.negativeDiscrimination])
        #expect(result.items[3].flags == [.negativeDiscrimination, .distractorAttractsTopGroup(option: 0)])
        #expect(result.items[4].flags == [.tooEasy])
        #expect(result.items[5].flags == [.tooHard])
        #expect(result.items[0].flags.isEmpty && result.items[2].flags.isEmpty)
        // The complete-data analysis agrees.
        let reference = try ClassicalItemAnalysis.analyze(scores: Self.complete, maximumPoints: Array(repeating: 1, count: 6), choices: choices)
        #expect(abs((reference.cronbachAlpha ?? 0) - (result.cronbachAlpha ?? 1)) < 1e-12)
        for (a, b) in zip(reference.items, result.items) {
            #expect(a.flags == b.flags)
            #expect(abs((a.correctedPointBiserial ?? 0) - (b.correctedPointBiserial ?? 0)) < 1e-12)
        }
    }

    @Test("on sparse data facility is over respondents only, and alpha is nil when a pair of items was never answered together")
    func sparseData() throws {
        let scores: [[Int: Double]] = [[0: 1, 1: 1], [0: 0, 1: 1], [1: 0, 2: 2], [2: 1]]
        let result = try ClassicalItemAnalysis.analyze(sparseScores: scores, maximumPoints: [1, 1, 2])
        #expect(result.items.map(\.facility) == [0.5, 2.0 / 3.0, 0.75])
        #expect(result.cronbachAlpha == nil)
        #expect(throws: PsychometricsError.self) { _ = try ClassicalItemAnalysis.analyze(sparseScores: scores, maximumPoints: [1, 1, 2, 1]) }
    }
}
