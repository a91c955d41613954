import Psychometrics

/// "Did you mean …?" for a value that names nothing: the known values nearest to what was typed.
public enum Suggestion {
    /// The known values nearest to `value`, best first (at most three): a known value that
    /// starts with what was typed, or one within a few edits (at most a third of its length,
    /// and at least 1), compared case-insensitively. An alias (`uk` → `GB`) wins outright.
    ///
    /// - Parameters:
    ///   - value: what was typed.
    ///   - known: the values that exist.
    ///   - aliases: common wrong names and the value they mean (keys lower-case).
    /// - Returns: the suggestions, possibly none.
    public static func nearest(_ value: String, in known: [String], aliases: [String: String] = [:]) -> [String] {
        let typed = value.lowercased()
        if let alias = aliases[typed], known.contains(alias) { return [alias] }
        let typedCharacters = Array(typed)
        var scored: [(distance: Int, value: String)] = []
        for candidate in known {
            let lower = candidate.lowercased()
            if lower == typed { return [candidate] }
            if typed.count >= 3, lower.hasPrefix(typed) {
                scored.append((0, candidate))
                continue
            }
            let allowed = max(1, lower.count / 3)
            let distance = TextNearMiss.editDistance(typedCharacters, Array(lower))
            if distance <= allowed { scored.append((distance, candidate)) }
        }
        return scored.sorted { ($0.distance, $0.value) < ($1.distance, $1.value) }.prefix(3).map(\.value)
    }

    /// The known value nearest to `value` by edit distance, however far (ties: the first in
    /// alphabetical order); nil when nothing is known.
    ///
    /// - Parameters:
    ///   - value: what was typed.
    ///   - known: the values that exist.
    public static func closest(_ value: String, in known: [String]) -> String? {
        let typed = Array(value.lowercased())
        return known.min { a, b in
            let da = TextNearMiss.editDistance(typed, Array(a.lowercased())), db = TextNearMiss.editDistance(typed, Array(b.lowercased()))
            return (da, a) < (db, b)
        }
    }

    /// The hint for a value that names nothing: `did you mean 'passed'?`, naming the close
    /// values, or else the nearest one; nil when nothing is known.
    ///
    /// - Parameters:
    ///   - value: what was typed.
    ///   - known: the values that exist.
    ///   - aliases: common wrong names and the value they mean.
    public static func didYouMean(_ value: String, in known: [String], aliases: [String: String] = [:]) -> String? {
        var near = nearest(value, in: known, aliases: aliases)
        if near.isEmpty, let closest = closest(value, in: known) { near = [closest] }
        return near.isEmpty ? nil : "did you mean " + near.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }

    /// The error for a value that names nothing: what was typed, what exists (up to twelve
    /// values), and the nearest as a hint.
    ///
    /// - Parameters:
    ///   - what: what the value should name (`domain`, `tier`).
    ///   - value: what was typed.
    ///   - scope: where it was looked for, after the value (` in the medicine policy`).
    ///   - known: the values that exist.
    ///   - field: the service's name for the parameter (the CLI renames it to the flag).
    ///   - whenNone: what to do when nothing exists at all (`run assay bank sync`).
    /// - Returns: a bad-input error (exit 2).
    public static func unknown(_ what: String, _ value: String, scope: String = "", known: [String], field: String,
                               whenNone: String? = nil) -> AssayError {
        guard !known.isEmpty else {
            return AssayError(.badInput, "no \(what) '\(value.visibleSafe)'\(scope): there are none yet\(whenNone.map { "; \($0)" } ?? "")", field: field)
        }
        let shown = known.prefix(12).joined(separator: ", ") + (known.count > 12 ? ", … (\(known.count) in all)" : "")
        return AssayError(.badInput, "no \(what) '\(value.visibleSafe)'\(scope) (known: \(shown))", field: field,
                          hint: didYouMean(value, in: known))
    }
}
