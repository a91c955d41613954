/// The outcome of an ``AdaptiveTestStudy``.
public struct AdaptiveTestStudyResult: Sendable, Hashable, Codable {
    /// The RMSE of θ̂ of both designs at one screen length.
    public struct Point: Sendable, Hashable, Codable {
        /// The screen length (items given).
        public let length: Int
        /// RMSE of the EAP estimate after the fixed screen of this length.
        public let fixedRMSE: Double
        /// RMSE of the EAP estimate after this many adaptively chosen items.
        public let adaptiveRMSE: Double

        /// Creates a point.
        ///
        /// - Parameters:
        ///   - length: the screen length.
        ///   - fixedRMSE: the fixed screen's RMSE.
        ///   - adaptiveRMSE: the adaptive screen's RMSE.
        public init(length: Int, fixedRMSE: Double, adaptiveRMSE: Double) {
            self.length = length
            self.fixedRMSE = fixedRMSE
            self.adaptiveRMSE = adaptiveRMSE
        }
    }

    /// Both designs at the reported lengths (5, 10, … and the maximum).
    public let lengths: [Point]
    /// Adaptive RMSE after 1, 2, … maximum-length items (index L − 1).
    public let adaptiveRMSEByLength: [Double]
    /// The shortest adaptive length whose RMSE is at most the fixed screen's at the maximum
    /// length; nil when no length reaches it.
    public let lengthMatchingFixedMaximum: Int?
    /// Mean length of the variable-length adaptive screen (stops at SE ≤ target or at the
    /// maximum length, whichever comes first).
    public let meanLengthToTarget: Double
    /// Proportion of candidates whose variable-length screen reached the SE target (the others
    /// stopped at the maximum length).
    public let reachedTargetFraction: Double
    /// RMSE of θ̂ when the variable-length screen stops.
    public let rmseAtTargetStop: Double
    /// Mean wall-clock time of one next-item selection, in microseconds.
    public let meanSelectionMicroseconds: Double
    /// Number of selections timed.
    public let selections: Int

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - lengths: both designs at the reported lengths.
    ///   - adaptiveRMSEByLength: adaptive RMSE at every length.
    ///   - lengthMatchingFixedMaximum: the adaptive length that matches the longest fixed screen.
    ///   - meanLengthToTarget: mean variable length.
    ///   - reachedTargetFraction: proportion reaching the SE target.
    ///   - rmseAtTargetStop: RMSE at the variable-length stop.
    ///   - meanSelectionMicroseconds: mean selection time (µs).
    ///   - selections: selections timed.
    public init(lengths: [Point], adaptiveRMSEByLength: [Double], lengthMatchingFixedMaximum: Int?, meanLengthToTarget: Double,
                reachedTargetFraction: Double, rmseAtTargetStop: Double, meanSelectionMicroseconds: Double, selections: Int) {
        self.lengths = lengths
        self.adaptiveRMSEByLength = adaptiveRMSEByLength
        self.lengthMatchingFixedMaximum = lengthMatchingFixedMaximum
        self.meanLengthToTarget = meanLengthToTarget
        self.reachedTargetFraction = reachedTargetFraction
        self.rmseAtTargetStop = rmseAtTargetStop
        self.meanSelectionMicroseconds = meanSelectionMicroseconds
        self.selections = selections
    }
}
