import ArgumentParser
import Foundation

/// A list of values given as one comma-separated argument (`--languages fr,en`,
/// `--domains medicine,chemistry`).
///
/// Spaces around the commas and empty entries are ignored; at least one entry must remain, and
/// every entry must parse as `Element`, or the whole argument is a usage error naming the flag.
/// Repeated entries are kept once, in the order first given.
struct CommaSeparated<Element: ExpressibleByArgument & Sendable>: ExpressibleByArgument, Sendable {
    /// The entries, in the order given.
    let elements: [Element]

    /// Parses the list; nil when it is empty or an entry is invalid.
    ///
    /// - Parameter argument: the text given.
    init?(argument: String) {
        var elements: [Element] = []
        var seen: Set<String> = []
        for entry in argument.split(separator: ",") {
            let text = entry.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let element = Element(argument: text) else { return nil }
            if seen.insert(element.defaultValueDescription).inserted { elements.append(element) }
        }
        guard !elements.isEmpty else { return nil }
        self.elements = elements
    }

    /// The entries joined by commas, shown as a default in help.
    var defaultValueDescription: String { elements.map(\.defaultValueDescription).joined(separator: ",") }
}
