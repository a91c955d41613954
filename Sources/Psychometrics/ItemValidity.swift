/// The predictive validity of one screen item: whether answering it correctly goes with better
/// work later.
///
/// The coefficient is the task-weighted point-biserial correlation, i.e. the weighted Pearson
/// correlation between the item's credit (1 correct, 0 wrong, a fraction for partial credit)
/// and the outcome, over the pool members who were shown the item; its interval is a percentile
/// bootstrap over those members, or, for an item shown to at least ``analyticThreshold`` members,
/// Fisher's z interval with the Kish effective sample size
/// (``WeightedCorrelation/fisherInterval(_:weights:level:varianceFactor:)``): 50 items' bootstraps
/// of 1000 replicates over 100,000 members are 5·10⁹ weighted terms, minutes of CPU, while at
/// that size the two intervals agree to the second decimal.
///
/// The ``flag`` reads the correlation in the direction of better work (r × ``OutcomeDirection/sign``,
/// its interval likewise):
/// - ``Flag/insufficientData``: fewer than the minimum responses, no spread in the item's credit
///   or the outcome, or no interval;
/// - ``Flag/wrongWay``: the interval's upper bound is at or below 0: the data rule out, at the
///   interval's level, that answering right goes with better work;
/// - ``Flag/noSignal``: the interval reaches 0 or below and the estimate is below 0.10 (Cohen's
///   "small" correlation): the item predicts nothing detectable;
/// - no flag otherwise: the interval lies above 0, or the estimate is at least 0.10.
public struct ItemValidity: Sendable, Hashable {
    /// Why an item's predictive validity needs attention.
    public enum Flag: String, Sendable, Hashable, CaseIterable, Codable {
        /// Too few responses, no spread, or no interval: nothing can be said yet.
        case insufficientData = "insufficient_data"
        /// The interval lies at or below zero: right answers go with worse work.
        case wrongWay = "wrong_way"
        /// The interval reaches zero and the estimate is below 0.10: the item predicts nothing.
        case noSignal = "no_signal"
    }

    /// The smallest oriented correlation that counts as a signal (Cohen 1988, "small").
    public static let smallEffect = 0.10

    /// The response count from which an item's interval is Fisher's z with the Kish effective
    /// sample size instead of the percentile bootstrap (documented in `docs/validity.md`).
    public static let analyticThreshold = 20_000

    /// The item's position in the analysis's input.
    public let item: Int
    /// Members who were shown the item (and have an outcome).
    public let responses: Int
    /// The weighted mean credit on the item among those members.
    public let facility: Double?
    /// The weighted point-biserial correlation with the outcome; nil when undefined.
    public let correlation: Double?
    /// Its percentile bootstrap interval; nil when undefined.
    public let interval: ConfidenceInterval?
    /// The item's flag; nil when its validity needs no attention.
    public let flag: Flag?

    /// Creates an item's result.
    ///
    /// - Parameters:
    ///   - item: the item's position.
    ///   - responses: members shown the item.
    ///   - facility: weighted mean credit.
    ///   - correlation: the point-biserial correlation.
    ///   - interval: its interval.
    ///   - flag: the flag.
    public init(item: Int, responses: Int, facility: Double?, correlation: Double?, interval: ConfidenceInterval?, flag: Flag?) {
        self.item = item
        self.responses = responses
        self.facility = facility
        self.correlation = correlation
        self.interval = interval
        self.flag = flag
    }

    /// The flag for a correlation and its interval, by the rule in the type's discussion.
    ///
    /// - Parameters:
    ///   - correlation: the raw correlation, nil when undefined.
    ///   - interval: its raw interval, nil when undefined.
    ///   - direction: which way the outcome is better.
    /// - Returns: the flag, or nil.
    public static func flag(correlation: Double?, interval: ConfidenceInterval?, direction: OutcomeDirection) -> Flag? {
        guard let correlation, let interval else { return .insufficientData }
        let r = correlation * direction.sign
        let lower = min(interval.lower * direction.sign, interval.upper * direction.sign)
        let upper = max(interval.lower * direction.sign, interval.upper * direction.sign)
        if upper <= 0 { return .wrongWay }
        if lower <= 0, r < smallEffect { return .noSignal }
        return nil
    }

    /// Analyses every item.
    ///
    /// - Parameters:
    ///   - items: per item, the members shown it and the credit each earned, as pairs of
    ///     (member index into `outcomes`, credit in [0, 1]).
    ///   - outcomes: one outcome value per member.
    ///   - weights: one weight (tasks) per member.
    ///   - direction: which way the outcome is better.
    ///   - bootstrap: replicates, seed and level (each item starts from the same seed).
    ///   - minimumResponses: the fewest members an item needs for a coefficient (10 by default).
    ///   - analyticFrom: the response count from which an item's interval is analytic (Fisher's z
    ///     with the Kish effective sample size, at the bootstrap's level); ``analyticThreshold``
    ///     by default.
    /// - Returns: one result per item, in the order given.
    /// - Throws: ``PsychometricsError/Code/invalidData`` when a member index is out of range, a
    ///   credit lies outside [0, 1], or outcomes and weights are invalid.
    public static func analyse(
        items: [[(member: Int, credit: Double)]],
        outcomes: [Double],
        weights: [Double],
        direction: OutcomeDirection,
        bootstrap: PercentileBootstrap,
        minimumResponses: Int = 10,
        analyticFrom: Int = analyticThreshold
    ) throws -> [ItemValidity] {
        try WeightedCorrelation.validate(outcomes, outcomes, weights)
        struct Prepared {
            var credit: [Double] = []
            var outcome: [Double] = []
            var weight: [Double] = []
            var facility: Double?
            var correlation: Double?
        }
        var prepared: [Prepared] = []
        prepared.reserveCapacity(items.count)
        for (index, responses) in items.enumerated() {
            var item = Prepared()
            item.credit.reserveCapacity(responses.count)
            item.outcome.reserveCapacity(responses.count)
            item.weight.reserveCapacity(responses.count)
            for response in responses {
                guard outcomes.indices.contains(response.member) else {
                    throw PsychometricsError(.invalidData, "item \(index + 1) names member \(response.member), who does not exist (\(outcomes.count) members)")
                }
                guard response.credit.isFinite, (0...1).contains(response.credit) else {
                    throw PsychometricsError(.invalidData, "item \(index + 1) has credit \(response.credit); credit must lie in [0, 1]")
                }
                item.credit.append(response.credit)
                item.outcome.append(outcomes[response.member])
                item.weight.append(weights[response.member])
            }
            item.facility = WeightedCorrelation.mean(item.credit, weights: item.weight)
            if responses.count >= minimumResponses { item.correlation = WeightedCorrelation.pearsonUnchecked(item.credit, item.outcome, item.weight) }
            prepared.append(item)
        }
        // Each item's interval is a bootstrap over its own responses from the same seed, so items
        // with the same number of responses draw the same multiplicities: draw them once per group.
        var intervals = [ConfidenceInterval?](repeating: nil, count: items.count)
        for index in prepared.indices where prepared[index].credit.count >= analyticFrom {
            if let r = prepared[index].correlation {
                intervals[index] = WeightedCorrelation.fisherInterval(r, weights: prepared[index].weight, level: bootstrap.level)
            }
        }
        let needing = prepared.indices.filter { prepared[$0].correlation != nil && prepared[$0].credit.count < analyticFrom }
        for (count, group) in Dictionary(grouping: needing, by: { prepared[$0].credit.count }) {
            var effective = [Double](repeating: 0, count: count)
            let results = bootstrap.intervals(count: count, statistics: group.count) { multiplicities, k in
                let item = prepared[group[k]]
                for i in effective.indices { effective[i] = item.weight[i] * multiplicities[i] }
                return WeightedCorrelation.pearsonUnchecked(item.credit, item.outcome, effective)
            }
            for (k, index) in group.enumerated() { intervals[index] = results[k] }
        }
        return prepared.enumerated().map { index, item in
            guard item.credit.count >= minimumResponses else {
                return ItemValidity(item: index, responses: item.credit.count, facility: item.facility, correlation: nil, interval: nil, flag: .insufficientData)
            }
            return ItemValidity(
                item: index, responses: item.credit.count, facility: item.facility, correlation: item.correlation, interval: intervals[index],
                flag: flag(correlation: item.correlation, interval: intervals[index], direction: direction)
            )
        }
    }
}
