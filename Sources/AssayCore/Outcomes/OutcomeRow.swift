/// One validated row of an outcomes file, before its expert is resolved.
struct OutcomeRow {
    /// How the row names its expert.
    enum ExpertReference {
        /// An expert id.
        case id(Int)
        /// An email address, normalized (trimmed, lower-cased).
        case email(String)
        /// A pseudonymous expert id from a pseudonymized roster (20 hex digits).
        case pseudonymID(String)
        /// A pseudonymous email from a pseudonymized roster (`…@pseudonym.invalid`).
        case pseudonymEmail(String)

        /// The stored kind and text, for the staging table.
        var staged: (kind: String, text: String) {
            switch self {
            case .id(let id): ("id", String(id))
            case .email(let email): ("email", email)
            case .pseudonymID(let text): ("pseudonym_id", text)
            case .pseudonymEmail(let text): ("pseudonym_email", text)
            }
        }
    }

    var expert: ExpertReference
    var domain: String
    var project: String
    /// `YYYY-MM-DD`.
    var periodEnd: String
    var metric: String
    var value: Double
    var tasks: Int
}
