import Foundation

/// The text of an adaptive bank file for tests: true/false items with IRT parameters whose key
/// is `true` exactly when the item is easier than `keyTrueBelow`, so that a scripted candidate
/// who always answers "true" responds like a person of ability near that value.
public enum AdaptiveBankFixture {
    /// A bank file's YAML.
    ///
    /// - Parameters:
    ///   - slug: the bank's slug.
    ///   - domain: its domain (the folder it is written to).
    ///   - items: how many items, with difficulties spread evenly over −3…3 and discrimination 1.8,
    ///     alternating over the topics `alpha`, `beta` and `gamma`.
    ///   - targetSE: `target_se`.
    ///   - maxItems: `max_items`.
    ///   - minItems: `min_items`.
    ///   - keyTrueBelow: items with b below this have the key `true`, the others `false`.
    ///   - passRule: the `pass_rule` mapping's lines (indented by the caller's choice).
    /// - Returns: the YAML text.
    public static func yaml(slug: String, domain: String, items: Int = 40, targetSE: Double = 0.45, maxItems: Int = 25, minItems: Int = 3,
                            keyTrueBelow: Double = 0.5, passRule: String = "min_theta: 0.0\n    max_se: 0.6") -> String {
        var text = """
            slug: \(slug)
            title: Adaptive test bank
            domain: \(domain)
            language: en
            settings:
              mode: adaptive
              target_se: \(targetSE)
              max_items: \(maxItems)
              min_items: \(minItems)
              time_limit_minutes: 30
              show_score: true
              pass_rule:
                \(passRule)
            items:

            """
        let topics = ["alpha", "beta", "gamma"]
        for index in 0..<items {
            let b = items > 1 ? -3 + 6 * Double(index) / Double(items - 1) : 0
            text += """
                  - id: t\(index + 1)
                    type: true_false
                    topic: \(topics[index % topics.count])
                    difficulty: \(b < -1 ? "easy" : b < 1 ? "medium" : "hard")
                    prompt: Statement number \(index + 1) of the adaptive test bank.
                    answer: \(b < keyTrueBelow)
                    irt: {a: 1.8, b: \(String(format: "%.3f", b))}

                """
        }
        return text
    }
}
