/// One applicant as a recruiter supplies it: raw text fields, before validation.
public struct ApplicantInput: Sendable {
    /// The field values by column name (`email`, `full_name`, …); lists already split.
    public var fields: [String: String]
    /// `languages` and `domains` when they came as lists (JSON arrays); nil to split `fields`.
    public var lists: [String: [String]]

    /// Creates an input.
    public init(fields: [String: String], lists: [String: [String]] = [:]) {
        self.fields = fields
        self.lists = lists
    }
}
