/// Dichotomous (0/1) responses of many persons to many items, stored sparsely: each person
/// answered any subset of the items (sparse and linked designs are allowed).
///
/// Internally the responses are kept person by person in flat arrays (compressed rows), which
/// is what calibration's E-step reads. Build it from observations or from dense rows with
/// `nil` for "not presented".
public struct ResponseMatrix: Sendable, Hashable {
    /// One scored response: person `person` answered item `item`, correctly or not.
    public struct Observation: Sendable, Hashable {
        /// Zero-based person index, < ``ResponseMatrix/personCount``.
        public let person: Int
        /// Zero-based item index, < ``ResponseMatrix/itemCount``.
        public let item: Int
        /// Whether the answer was correct (score 1) or not (score 0).
        public let correct: Bool

        /// Creates an observation.
        ///
        /// - Parameters:
        ///   - person: zero-based person index.
        ///   - item: zero-based item index.
        ///   - correct: whether the answer was correct.
        public init(person: Int, item: Int, correct: Bool) {
            self.person = person
            self.item = item
            self.correct = correct
        }
    }

    /// Number of persons (rows).
    public let personCount: Int
    /// Number of items (columns).
    public let itemCount: Int
    /// Offsets: person p's responses are at `rowStart[p]..<rowStart[p + 1]`.
    let rowStart: [Int]
    /// Item index of each stored response.
    let itemIndex: [Int32]
    /// 1 for correct, 0 for wrong, per stored response.
    let score: [UInt8]

    /// Creates a matrix from observations in any order.
    ///
    /// - Parameters:
    ///   - personCount: number of persons (≥ 0).
    ///   - itemCount: number of items (≥ 0).
    ///   - observations: the responses; each (person, item) pair at most once.
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` for an
    ///   index out of range or a repeated (person, item) pair.
    public init(personCount: Int, itemCount: Int, observations: [Observation]) throws {
        guard personCount >= 0, itemCount >= 0, itemCount <= Int(Int32.max) else {
            throw PsychometricsError(.invalidData, "counts must be ≥ 0 (persons \(personCount), items \(itemCount))")
        }
        var counts = [Int](repeating: 0, count: personCount + 1)
        for observation in observations {
            guard (0..<personCount).contains(observation.person), (0..<itemCount).contains(observation.item) else {
                throw PsychometricsError(.invalidData, "observation (person \(observation.person), item \(observation.item)) is outside \(personCount) persons × \(itemCount) items")
            }
            counts[observation.person + 1] += 1
        }
        for p in 0..<personCount { counts[p + 1] += counts[p] }
        var next = counts
        var items = [Int32](repeating: 0, count: observations.count)
        var scores = [UInt8](repeating: 0, count: observations.count)
        for observation in observations {
            let slot = next[observation.person]
            next[observation.person] += 1
            items[slot] = Int32(observation.item)
            scores[slot] = observation.correct ? 1 : 0
        }
        var seen = [Int](repeating: -1, count: itemCount)
        for p in 0..<personCount {
            for slot in counts[p]..<counts[p + 1] {
                let item = Int(items[slot])
                guard seen[item] != p else {
                    throw PsychometricsError(.invalidData, "person \(p) has more than one response to item \(item)")
                }
                seen[item] = p
            }
        }
        self.personCount = personCount
        self.itemCount = itemCount
        self.rowStart = counts
        self.itemIndex = items
        self.score = scores
    }

    /// Creates a matrix from dense rows: `rows[p][i]` is person p's response to item i, or nil
    /// when item i was not presented to person p.
    ///
    /// - Parameters:
    ///   - rows: one row per person, all of the same length (the item count).
    /// - Throws: ``PsychometricsError`` with code ``PsychometricsError/Code/invalidData`` for
    ///   ragged rows.
    public init(rows: [[Bool?]]) throws {
        let itemCount = rows.first?.count ?? 0
        var observations: [Observation] = []
        observations.reserveCapacity(rows.count * itemCount)
        for (p, row) in rows.enumerated() {
            guard row.count == itemCount else {
                throw PsychometricsError(.invalidData, "row \(p) has \(row.count) entries, expected \(itemCount)")
            }
            for (i, value) in row.enumerated() {
                if let value { observations.append(Observation(person: p, item: i, correct: value)) }
            }
        }
        try self.init(personCount: rows.count, itemCount: itemCount, observations: observations)
    }

    /// Creates a matrix directly from compressed rows already known to be valid.
    init(personCount: Int, itemCount: Int, rowStart: [Int], itemIndex: [Int32], score: [UInt8]) {
        self.personCount = personCount
        self.itemCount = itemCount
        self.rowStart = rowStart
        self.itemIndex = itemIndex
        self.score = score
    }

    /// The number of stored responses.
    public var observationCount: Int { itemIndex.count }

    /// The responses of one person, in stored order.
    ///
    /// - Parameters:
    ///   - person: zero-based person index.
    /// - Returns: the person's observations (empty for an index out of range).
    public func observations(ofPerson person: Int) -> [Observation] {
        guard (0..<personCount).contains(person) else { return [] }
        return (rowStart[person]..<rowStart[person + 1]).map {
            Observation(person: person, item: Int(itemIndex[$0]), correct: score[$0] != 0)
        }
    }
}
