/// An error from the Psychometrics module: an answer key, a response, a parameter or a data set
/// that cannot be used as given.
///
/// Callers recognise an error by ``code``, never by matching ``message``. The message says what
/// is wrong in words a bank author or an operator can act on.
///
/// ```swift
/// do { _ = try key.score(.order([0, 0, 1]), points: 1) }
/// catch let error as PsychometricsError where error.code == .invalidResponse { … }
/// ```
public struct PsychometricsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of input was wrong. Open-ended: new codes may be added.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name, e.g. `"invalid_key"`.
        public let rawValue: String

        /// Creates a code from its stable name.
        ///
        /// - Parameters:
        ///   - rawValue: the code's name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's stable name.
        public var description: String { rawValue }

        /// The answer key itself is invalid (an index out of range, a bad tolerance, an invalid
        /// regular expression, no accepted answer).
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// The response cannot be scored against the key: the wrong kind of answer for the item
        /// type, an option index out of range, an order that is not a permutation of the steps.
        public static let invalidResponse = Code(rawValue: "invalid_response")
        /// The item's points are not a finite number greater than zero.
        public static let invalidPoints = Code(rawValue: "invalid_points")
        /// An item parameter (a, b or c) is outside its domain or not finite.
        public static let invalidParameter = Code(rawValue: "invalid_parameter")
        /// An estimator or algorithm option is outside its domain (too few quadrature points, a
        /// non-positive prior SD, a non-positive tolerance …).
        public static let invalidOption = Code(rawValue: "invalid_option")
        /// A data set is malformed: indices out of range, ragged rows, scores outside the item's
        /// points, too few persons or items for the statistic asked for.
        public static let invalidData = Code(rawValue: "invalid_data")
    }

    /// What kind of input was wrong.
    public let code: Code
    /// A sentence saying what is wrong and, where useful, which value.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what kind of input was wrong.
    ///   - message: a sentence saying what is wrong.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `invalid_response: option 7 does not exist (4 options)`.
    public var description: String { "\(code.rawValue): \(message)" }
}
