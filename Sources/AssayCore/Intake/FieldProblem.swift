/// Why one field of one row was refused.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The column (CSV header name or JSON key).
    public var field: String
    /// What is wrong and what is expected.
    public var reason: String

    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }
}
