import ArgumentParser
import Foundation

/// A pool tier's name given on the command line (`--tier expert`, `--min-tier specialist`): the
/// names come from each domain's policy, which allows a lower-case letter then up to 39
/// lower-case letters, digits or `-`.
///
/// Parsing checks that form only; whether a domain has the tier is the service's question.
struct TierName: ExpressibleByArgument, Sendable {
    /// The tier's name (e.g. `expert`).
    let name: String

    /// Parses a tier name; nil when it does not have a tier name's form.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        let name = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard Slug.isSlug(name, minimumLength: 1) else { return nil }
        self.name = name
    }

    /// The name, shown as a default in help.
    var defaultValueDescription: String { name }
}
