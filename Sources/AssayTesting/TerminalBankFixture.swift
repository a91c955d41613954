public import Foundation

/// A three-item physics bank for the candidate terminal's tests: an essay of at most 8 words, a
/// short answer and a true-or-false item, drawn whole (in a seeded order) for every screen.
public enum TerminalBankFixture {
    /// The bank's slug.
    public static let slug = "physics-terminal"

    /// The bank file's YAML.
    public static let yaml = """
        slug: physics-terminal
        title: Terminal test bank
        domain: physics
        language: en
        settings:
          items_per_screen: 3
          time_limit_minutes: 30
          shuffle_options: false
          show_score: true
          pass_rule:
            min_percent: 50
        items:
          - id: t1
            type: essay
            topic: mechanics
            difficulty: medium
            points: 5
            max_words: 8
            prompt: Explain inertia in at most eight words.
            rubric: One point per correct idea.
          - id: t2
            type: short_text
            topic: mechanics
            difficulty: easy
            prompt: Name the SI unit of force.
            accept:
              - newton
          - id: t3
            type: true_false
            topic: mechanics
            difficulty: easy
            prompt: Momentum is conserved in an isolated system.
            answer: true
        """

    /// Writes a bank folder holding the physics domain (without its promotion policy, whose
    /// bank is not there) and this bank; the caller lints and syncs it, then removes it.
    ///
    /// - Parameter repository: the checkout, for `interview-banks/physics/domain.yaml`.
    /// - Returns: the folder.
    /// - Throws: when the files cannot be written.
    public static func folder(repository: URL) throws -> URL {
        let root = try TemporaryFolder.make(prefix: "assay-terminal-bank-")
        let domain = root.appendingPathComponent("physics")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        let shipped = try String(contentsOf: repository.appendingPathComponent("interview-banks/physics/domain.yaml"), encoding: .utf8)
        try Data((shipped.components(separatedBy: "\n# Who joins").first ?? shipped).utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        try Data(yaml.utf8).write(to: domain.appendingPathComponent("terminal.yaml"))
        return root
    }
}
