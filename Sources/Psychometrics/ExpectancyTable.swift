/// An expectancy table: the mean work outcome of the members in each band of screen score.
///
/// Bands are of equal width over a fixed range (by default 0–100 percent in steps of 10); band k
/// covers [low + k·width, low + (k+1)·width), the last band also its upper end. The mean is
/// weighted by tasks, as every other statistic of the validity report.
public struct ExpectancyTable: Sendable, Hashable {
    /// One score band.
    public struct Band: Sendable, Hashable {
        /// The band's lower bound (included).
        public let lower: Double
        /// The band's upper bound (excluded, except for the last band).
        public let upper: Double
        /// Members whose score falls in the band.
        public let members: Int
        /// The sum of their weights (tasks).
        public let tasks: Double
        /// Their weighted mean outcome; nil when the band is empty or weighs nothing.
        public let meanOutcome: Double?

        /// Creates a band.
        ///
        /// - Parameters:
        ///   - lower: lower bound.
        ///   - upper: upper bound.
        ///   - members: members in the band.
        ///   - tasks: their total weight.
        ///   - meanOutcome: their weighted mean outcome.
        public init(lower: Double, upper: Double, members: Int, tasks: Double, meanOutcome: Double?) {
            self.lower = lower
            self.upper = upper
            self.members = members
            self.tasks = tasks
            self.meanOutcome = meanOutcome
        }
    }

    /// The bands, lowest first (empty bands included).
    public let bands: [Band]

    /// Builds the table.
    ///
    /// - Parameters:
    ///   - scores: one score per member.
    ///   - outcomes: one outcome per member.
    ///   - weights: one weight ≥ 0 per member.
    ///   - range: the range the scores lie in (0...100 by default).
    ///   - bandWidth: the width of a band (10 by default); the range is cut into
    ///     ⌈(upper − lower) / width⌉ bands.
    /// - Throws: ``PsychometricsError/Code/invalidData`` when a score lies outside the range or
    ///   the inputs are invalid; ``PsychometricsError/Code/invalidOption`` when the width is not
    ///   above 0 or the range is empty.
    public init(scores: [Double], outcomes: [Double], weights: [Double], range: ClosedRange<Double> = 0...100, bandWidth: Double = 10) throws {
        guard bandWidth.isFinite, bandWidth > 0, range.upperBound > range.lowerBound else {
            throw PsychometricsError(.invalidOption, "an expectancy table needs a band width above 0 and a non-empty range")
        }
        try WeightedCorrelation.validate(scores, outcomes, weights)
        let count = Int(((range.upperBound - range.lowerBound) / bandWidth).rounded(.up))
        var members = [Int](repeating: 0, count: count)
        var tasks = [Double](repeating: 0, count: count)
        var sums = [Double](repeating: 0, count: count)
        for i in scores.indices {
            guard range.contains(scores[i]) else {
                throw PsychometricsError(.invalidData, "score \(scores[i]) of member \(i + 1) lies outside \(range.lowerBound)...\(range.upperBound)")
            }
            let band = min(Int(((scores[i] - range.lowerBound) / bandWidth).rounded(.down)), count - 1)
            members[band] += 1
            tasks[band] += weights[i]
            sums[band] += weights[i] * outcomes[i]
        }
        bands = (0..<count).map { k in
            let lower = range.lowerBound + Double(k) * bandWidth
            return Band(
                lower: lower, upper: min(lower + bandWidth, range.upperBound),
                members: members[k], tasks: tasks[k],
                meanOutcome: tasks[k] > 0 ? sums[k] / tasks[k] : nil
            )
        }
    }
}
