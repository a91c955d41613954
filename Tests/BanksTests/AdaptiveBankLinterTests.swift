import Banks
import Foundation
import Testing

/// A valid adaptive bank; each test breaks one thing in it. Line numbers matter.
let validAdaptiveBank = """
slug: demo-cat
title: Adaptive demo
domain: demo
language: en
settings:
  mode: adaptive
  target_se: 0.4
  max_items: 3
  min_items: 2
  time_limit_minutes: 10
  pass_rule:
    min_theta: 0.5
    max_se: 0.45
items:
  - id: q1
    type: true_false
    topic: basics
    difficulty: easy
    prompt: The sky is blue.
    answer: true
    irt: {a: 1.2, b: -1}
  - id: q2
    type: single_choice
    topic: basics
    difficulty: medium
    prompt: Pick B.
    options:
      - text: A
      - text: B
        correct: true
    irt: {a: 1.5, b: 0, c: 0.2}
  - id: q3
    type: numeric
    topic: sums
    difficulty: hard
    prompt: What is 2 + 2?
    answer: 4
    irt: {a: 0.9, b: 1.4}

"""

@Suite("The linter's rules for adaptive banks and pass rules on theta")
struct AdaptiveBankLinterTests {
    @Test("a valid adaptive bank reads cleanly into adaptive settings and a theta pass rule, and writes back the same")
    func valid() throws {
        let (root, _) = try bankFolder(bank: validAdaptiveBank)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = BankLinter.lint(path: root.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let bank = try #require(result.banks.first?.bank)
        #expect(bank.settings.adaptive == AdaptiveSettings(targetSE: 0.4, maxItems: 3, minItems: 2))
        #expect(bank.settings.itemsPerScreen == 3)
        #expect(bank.settings.passRule == PassRule(minPercent: nil, minTheta: 0.5, maxSE: 0.45))
        let written = try BankWriter.yaml(bank)
        let reread = BankReader.bank(from: written, file: "written.yaml")
        #expect(reread.diagnostics.isEmpty, "\(reread.diagnostics)\n\(written)")
        #expect(reread.bank == bank)
    }

    @Test("a fixed bank's JSON form, which its content hash covers, has no new keys")
    func fixedBankJSONUnchanged() throws {
        let (root, _) = try bankFolder(bank: validBank)
        defer { try? FileManager.default.removeItem(at: root) }
        let bank = try #require(BankLinter.lint(path: root.path).banks.first?.bank)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(bank.settings), as: UTF8.self)
        #expect(json == #"{"itemsPerScreen":2,"passRule":{"minPercent":70},"retakeCooldownDays":30,"showScore":true,"shuffleOptions":true,"timeLimitMinutes":10}"#)
    }

    /// (what is replaced, its replacement, line, column, words the message must hold).
    static let cases: [(String, String, String, Int, Int, String)] = [
        ("unknown mode", "  mode: adaptive", "  mode: clever", 6, 9, "mode must be fixed or adaptive, not 'clever'"),
        ("missing target_se", "  target_se: 0.4\n", "", 6, 3, "missing field 'target_se'"),
        ("missing max_items", "  max_items: 3\n", "", 6, 3, "missing field 'max_items'"),
        ("target_se out of range", "  target_se: 0.4", "  target_se: 3", 7, 14, "'target_se' is 3; it must be between 0.05 and 2.0"),
        ("min_items above max_items", "  min_items: 2", "  min_items: 5", 9, 14, "min_items is 5 but max_items is 3"),
        ("max_items above the item count", "  max_items: 3", "  max_items: 4", 8, 14, "max_items is 4 but the bank has only 3 items"),
        ("items_per_screen in an adaptive bank", "  max_items: 3\n", "  max_items: 3\n  items_per_screen: 2\n", 9, 21, "an adaptive bank sets max_items"),
        ("an item without irt", "    irt: {a: 0.9, b: 1.4}\n", "", 32, 9, "item 'q3' has no irt parameters; an adaptive bank needs"),
        ("an essay in an adaptive bank", "    type: numeric\n", "    type: essay\n    rubric: Any.\n", 33, 11, "item 'q3' is an essay"),
        ("max_se without min_theta", "    min_theta: 0.5\n", "", 12, 13, "max_se applies only together with min_theta"),
        ("min_theta out of range", "    min_theta: 0.5", "    min_theta: 7", 12, 16, "'min_theta' is 7; it must be between -4.0 and 4.0"),
        ("an empty pass rule", "    min_theta: 0.5\n    max_se: 0.45\n", "    {}\n", 12, 5, "pass_rule needs min_percent, min_theta"),
        ("unknown pass rule field", "    max_se: 0.45", "    max_se: 0.45\n    min_score: 3", 14, 5, "unknown field 'min_score'"),
    ]

    @Test("each adaptive rule is reported at its exact file:line:column", arguments: 0..<cases.count)
    func rule(index: Int) throws {
        let (name, old, new, line, column, words) = Self.cases[index]
        #expect(validAdaptiveBank.contains(old), "fixture for \(name)")
        let (root, _) = try bankFolder(bank: validAdaptiveBank.replacingOccurrences(of: old, with: new))
        defer { try? FileManager.default.removeItem(at: root) }
        let result = BankLinter.lint(path: root.path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        let match = errors.first { $0.message.contains(words) }
        #expect(match != nil, "\(name): \(errors)")
        #expect(match?.line == line, "\(name): \(String(describing: match))")
        #expect(match?.column == column, "\(name): \(String(describing: match))")
        #expect(result.banks.isEmpty, "a broken bank is not loaded")
    }

    @Test("adaptive settings in a fixed bank are errors at their keys")
    func adaptiveKeysInFixedBank() throws {
        let text = validBank.replacingOccurrences(of: "  time_limit_minutes: 10", with: "  time_limit_minutes: 10\n  target_se: 0.3")
        let (root, _) = try bankFolder(bank: text)
        defer { try? FileManager.default.removeItem(at: root) }
        let match = BankLinter.lint(path: root.path).diagnostics.first { $0.message.contains("'target_se' applies only to an adaptive bank") }
        #expect(match?.line == 8 && match?.column == 14, "\(String(describing: match))")
    }

    @Test("a pass rule on min_theta in a fixed bank needs irt on every item, reported at each item's id")
    func thetaRuleNeedsParameters() throws {
        let text = validBank.replacingOccurrences(of: "    min_percent: 70", with: "    min_percent: 70\n    min_theta: 0.2")
        let (root, _) = try bankFolder(bank: text)
        defer { try? FileManager.default.removeItem(at: root) }
        let errors = BankLinter.lint(path: root.path).diagnostics.filter { $0.message.contains("a pass rule on min_theta needs irt") }
        #expect(errors.map(\.line) == [15, 25, 32], "\(errors)")
        #expect(errors.allSatisfy { $0.column == 9 })
    }
}
