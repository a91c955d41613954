/// Which pass mark would have given the best work at the pool's current size.
///
/// For a candidate mark c the expected outcome is the task-weighted mean outcome of the members
/// who scored at least c (members below today's mark never worked, so only marks at or above the
/// lowest member score can be judged from data). A mark is *feasible* when at least as many
/// applicants scored c or more as the pool has members today (the pool could have been filled)
/// and at least ``minimumMembers`` members with outcomes scored c or more (the mean rests on
/// enough people). The best mark is the feasible candidate with the best expected outcome in the
/// metric's direction; ties go to the lower mark. Candidates are the distinct member scores.
public struct PassMarkAnalysis: Sendable, Hashable {
    /// The expected outcome at one mark.
    public struct Candidate: Sendable, Hashable {
        /// The pass mark (a score).
        public let mark: Double
        /// Applicants who scored at least the mark.
        public let applicants: Int
        /// Members with outcomes who scored at least the mark.
        public let members: Int
        /// Their total weight (tasks).
        public let tasks: Double
        /// Their weighted mean outcome; nil when none.
        public let expectedOutcome: Double?
        /// Whether the mark could have filled the pool and rests on enough members.
        public let feasible: Bool

        /// Creates a candidate.
        ///
        /// - Parameters:
        ///   - mark: the mark.
        ///   - applicants: applicants at or above it.
        ///   - members: members at or above it.
        ///   - tasks: their total weight.
        ///   - expectedOutcome: their weighted mean outcome.
        ///   - feasible: whether it fills the pool on enough evidence.
        public init(mark: Double, applicants: Int, members: Int, tasks: Double, expectedOutcome: Double?, feasible: Bool) {
            self.mark = mark
            self.applicants = applicants
            self.members = members
            self.tasks = tasks
            self.expectedOutcome = expectedOutcome
            self.feasible = feasible
        }
    }

    /// Every candidate mark, ascending.
    public let candidates: [Candidate]
    /// The same figures at today's mark.
    public let current: Candidate
    /// The feasible candidate with the best expected outcome; nil when none is feasible.
    public let best: Candidate?
    /// The pool size the marks were judged at.
    public let poolSize: Int
    /// The fewest members a feasible mark rests on.
    public let minimumMembers: Int

    /// Analyses the marks.
    ///
    /// - Parameters:
    ///   - memberScores: one screen score per member with an outcome.
    ///   - outcomes: one outcome per member.
    ///   - weights: one weight ≥ 0 per member.
    ///   - applicantScores: the score of every applicant who sat the screen (members included).
    ///   - poolSize: the pool's current size.
    ///   - currentMark: today's pass mark.
    ///   - direction: which way the outcome is better.
    ///   - minimumMembers: the fewest members a feasible mark must rest on (10 by default).
    /// - Throws: ``PsychometricsError/Code/invalidData`` when the inputs are invalid.
    public init(
        memberScores: [Double], outcomes: [Double], weights: [Double],
        applicantScores: [Double], poolSize: Int, currentMark: Double,
        direction: OutcomeDirection, minimumMembers: Int = 10
    ) throws {
        try WeightedCorrelation.validate(memberScores, outcomes, weights)
        guard applicantScores.allSatisfy(\.isFinite), currentMark.isFinite, poolSize >= 0 else {
            throw PsychometricsError(.invalidData, "applicant scores and the current mark must be finite numbers and the pool size at least 0")
        }
        let applicants = applicantScores.sorted()
        func applicantsAtOrAbove(_ mark: Double) -> Int {
            var low = 0
            var high = applicants.count
            while low < high {
                let middle = (low + high) / 2
                if applicants[middle] < mark { low = middle + 1 } else { high = middle }
            }
            return applicants.count - low
        }
        func candidate(_ mark: Double, members: Int, tasks: Double, sum: Double) -> Candidate {
            let count = applicantsAtOrAbove(mark)
            return Candidate(
                mark: mark, applicants: count, members: members, tasks: tasks,
                expectedOutcome: tasks > 0 ? sum / tasks : nil,
                feasible: count >= poolSize && members >= minimumMembers && tasks > 0
            )
        }
        let order = memberScores.indices.sorted { memberScores[$0] > memberScores[$1] }
        var found: [Candidate] = []
        var members = 0
        var tasks = 0.0
        var sum = 0.0
        var position = 0
        while position < order.count {
            let mark = memberScores[order[position]]
            while position < order.count, memberScores[order[position]] == mark {
                members += 1
                tasks += weights[order[position]]
                sum += weights[order[position]] * outcomes[order[position]]
                position += 1
            }
            found.append(candidate(mark, members: members, tasks: tasks, sum: sum))
        }
        candidates = found.reversed()
        var currentMembers = 0
        var currentTasks = 0.0
        var currentSum = 0.0
        for i in memberScores.indices where memberScores[i] >= currentMark {
            currentMembers += 1
            currentTasks += weights[i]
            currentSum += weights[i] * outcomes[i]
        }
        current = candidate(currentMark, members: currentMembers, tasks: currentTasks, sum: currentSum)
        var best: Candidate?
        for candidate in candidates where candidate.feasible {
            guard let value = candidate.expectedOutcome else { continue }
            if let leader = best?.expectedOutcome, value * direction.sign <= leader * direction.sign { continue }
            best = candidate
        }
        self.best = best
        self.poolSize = poolSize
        self.minimumMembers = minimumMembers
    }
}
