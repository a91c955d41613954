import ArgumentParser
import Foundation

/// The slug of a domain or a bank given on the command line (`--domain medicine`): a lower-case
/// letter, then 1 to 39 lower-case letters, digits or `-`, as the bank files and the schema
/// require.
///
/// Parsing trims and lower-cases the text; anything else is a usage error naming the flag.
struct Slug: ExpressibleByArgument, Sendable {
    /// The slug (e.g. `medicine`).
    let name: String

    /// Parses a slug; nil when it does not have a slug's form.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        let name = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard Self.isSlug(name, minimumLength: 2) else { return nil }
        self.name = name
    }

    /// The slug, shown as a default in help.
    var defaultValueDescription: String { name }

    /// Whether `text` is a lower-case ASCII letter followed by lower-case letters, digits or `-`,
    /// `minimumLength` to 40 characters in all.
    static func isSlug(_ text: String, minimumLength: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard (minimumLength...40).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
