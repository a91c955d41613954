import Foundation
public import Postgres

/// How a person names an expert on the command line: by email or by numeric id.
///
/// The one resolver every command uses (`experts show`, `screen invite`, `pool suspend` …), so
/// that all of them accept the same forms and say the same thing when nobody matches.
public enum ExpertReference: Sendable, Equatable {
    /// An id, as `assay experts list` shows it.
    case id(Int)
    /// An email, as typed (trimmed); compared lower-cased, as emails are stored.
    case email(String)

    /// Reads what the user typed: digits are an id, anything else an email.
    ///
    /// - Parameter text: an email or an id, with or without surrounding spaces.
    public init(_ text: String) {
        let key = text.trimmingCharacters(in: .whitespaces)
        if let id = Int(key) { self = .id(id) } else { self = .email(key) }
    }

    /// The condition on `experts` aliased `e` that selects the expert named: one fixed text,
    /// with the id as `$1` and the email as `$2` (the unused one NULL); see ``parameters``.
    static let condition = "(e.id = $1::bigint OR e.email = lower($2::text))"

    /// The values bound to ``condition``'s `$1` (the id) and `$2` (the email).
    var parameters: [any PostgresEncodable] {
        switch self {
        case .id(let id): [id, String?.none]
        case .email(let email): [Int?.none, email]
        }
    }

    /// The error when no expert matches.
    var notFound: AssayError {
        switch self {
        case .id(let id): AssayError(.notFound, "no expert with id '\(id)'; assay experts list shows who is there")
        case .email(let email): AssayError(.notFound, "no expert with email '\(email)'; assay experts list shows who is there")
        }
    }

    /// The expert's id; for a person merged into another (`assay experts merge`), the id of the
    /// person kept.
    ///
    /// - Parameter connection: the connection (or transaction) to look on.
    /// - Returns: the id of the expert named.
    /// - Throws: ``AssayError`` (not found) when nobody matches; ``PostgresError``.
    public func resolve(on connection: Connection) throws -> Int {
        guard let row = try connection.query("SELECT coalesce(e.merged_into, e.id) AS id FROM experts e WHERE \(Self.condition)", parameters).first else {
            throw notFound
        }
        return try row.decode("id")
    }
}
