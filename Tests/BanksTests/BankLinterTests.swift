import Banks
import Foundation
import Testing

/// A valid bank file; each linter test breaks one thing in it.
let validBank = """
slug: demo-core
title: Demo screen
domain: demo
language: en
settings:
  items_per_screen: 2
  time_limit_minutes: 10
  shuffle_options: true
  retake_cooldown_days: 30
  show_score: true
  pass_rule:
    min_percent: 70
items:
  - id: q1
    type: single_choice
    topic: basics
    difficulty: easy
    prompt: |
      Pick B.
    options:
      - text: A
      - text: B
        correct: true
  - id: q2
    type: numeric
    topic: basics
    difficulty: medium
    prompt: What is 2 + 2?
    answer: 4
    tolerance: 0.1
  - id: q3
    type: short_text
    topic: words
    difficulty: hard
    prompt: Name the colour of the sky.
    accept: [blue]
    accept_regex: ['^sky ?blue$']

"""

/// Writes a banks folder with the `demo` domain and the given bank text; returns the bank file.
func bankFolder(bank: String, domainYAML: String = "slug: demo\nname: Demo\ndescription: A demo domain.\n") throws -> (root: URL, file: URL) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("banks-\(UUID().uuidString)")
    let domain = root.appendingPathComponent("demo")
    try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
    try Data(domainYAML.utf8).write(to: domain.appendingPathComponent("domain.yaml"))
    let file = domain.appendingPathComponent("core.yaml")
    try Data(bank.utf8).write(to: file)
    return (root, file)
}

@Suite("The bank linter")
struct BankLinterTests {
    @Test("a valid bank reads cleanly")
    func valid() throws {
        let (root, _) = try bankFolder(bank: validBank)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = BankLinter.lint(path: root.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.banks.count == 1)
        #expect(result.banks.first?.bank.items.count == 3)
        #expect(result.domains.map(\.slug) == ["demo"])
    }

    /// One broken file per rule: (what is replaced, its replacement, line, column, words the message must hold).
    static let cases: [(String, String, String, Int, Int, String)] = [
        ("YAML syntax", "    prompt: What is 2 + 2?", "    prompt: [What is 2 + 2?", 29, 11, "YAML syntax error"),
        ("missing field", "    topic: words\n", "", 31, 5, "missing field 'topic'"),
        ("unknown field", "    difficulty: easy\n", "    difficulty: easy\n    hint: none\n", 18, 5, "unknown field 'hint'"),
        ("mistyped field", "  items_per_screen: 2", "  items_per_screen: two", 6, 21, "whole number"),
        ("duplicate item id", "  - id: q2", "  - id: q1", 24, 9, "duplicate item id 'q1'"),
        ("single choice with two keys", "      - text: A\n", "      - text: A\n        correct: true\n", 21, 7, "exactly one correct option; it has 2"),
        ("numeric answer outside its range", "    answer: 4\n    tolerance: 0.1", "    answer: 4\n    range: {min: 5, max: 6}", 29, 13, "outside its own range"),
        ("regular expression that does not compile", "'^sky ?blue$'", "'^sky (blue$'", 37, 20, "does not compile"),
        ("more items per screen than items", "  items_per_screen: 2", "  items_per_screen: 5", 6, 21, "only 3 items"),
        ("unknown domain", "domain: demo", "domain: astrology", 3, 9, "unknown domain 'astrology'"),
        ("unknown item type", "    type: numeric", "    type: numerical", 25, 11, "unknown item type 'numerical'"),
        ("bad difficulty", "    difficulty: medium", "    difficulty: tricky", 27, 17, "easy, medium or hard"),
    ]

    @Test("each rule is reported at its exact file:line:column", arguments: 0..<cases.count)
    func rule(index: Int) throws {
        let (name, old, new, line, column, words) = Self.cases[index]
        #expect(validBank.contains(old), "fixture for \(name)")
        let (root, file) = try bankFolder(bank: validBank.replacingOccurrences(of: old, with: new))
        defer { try? FileManager.default.removeItem(at: root) }
        let result = BankLinter.lint(path: root.path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        let match = errors.first { $0.message.contains(words) }
        #expect(match != nil, "\(name): \(errors)")
        #expect(match?.line == line, "\(name): \(String(describing: match))")
        #expect(match?.column == column, "\(name): \(String(describing: match))")
        #expect(match?.file.hasSuffix("demo/core.yaml") == true)
        #expect(result.banks.isEmpty, "a broken bank is not loaded")
        _ = file
    }

    @Test("every problem in a file is reported, not only the first")
    func allProblems() throws {
        let broken = validBank
            .replacingOccurrences(of: "  - id: q2", with: "  - id: q1")
            .replacingOccurrences(of: "'^sky ?blue$'", with: "'(('")
        let (root, _) = try bankFolder(bank: broken)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(BankLinter.lint(path: root.path).diagnostics.count >= 2)
    }

    @Test("a domain whose slug differs from its folder is an error")
    func domainSlug() throws {
        let (root, _) = try bankFolder(bank: validBank, domainYAML: "slug: other\nname: Demo\ndescription: x\n")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(BankLinter.lint(path: root.path).diagnostics.contains { $0.message.contains("differs from its folder") })
    }

    @Test("a single file can be linted, with its domain found beside it")
    func singleFile() throws {
        let (root, file) = try bankFolder(bank: validBank)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = BankLinter.lint(path: file.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.banks.count == 1)
    }

    @Test("a path that does not exist is reported")
    func missingPath() {
        #expect(BankLinter.lint(path: "/nonexistent/banks").hasErrors)
    }

    @Test("all shipped banks lint clean, cover every item type, and have at least 40 items each")
    func shippedBanks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interview-banks")
        let result = BankLinter.lint(path: root.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(5))")
        #expect(result.banks.count >= 8)
        #expect(Set(result.domains.map(\.slug)).isSuperset(of: ["medicine", "law", "mathematics", "physics", "chemistry", "software-engineering", "finance", "french-english"]))
        for (_, bank) in result.banks { #expect(bank.items.count >= 40, "\(bank.slug)") }
        let types = Set(result.banks.flatMap { $0.bank.items.map(\.type) })
        // `matching` came with issue 18's format work; the shipped content does not use it yet.
        #expect(types.isSuperset(of: Set(ItemType.allCases).subtracting([.matching])))
    }
}

@Suite("Bank YAML round trip")
struct BankRoundTripTests {
    @Test("YAML → model → YAML → model preserves every shipped bank exactly")
    func shipped() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interview-banks")
        let result = BankLinter.lint(path: root.path)
        for (file, bank) in result.banks {
            let yaml = try BankWriter.yaml(bank)
            let (back, problems) = BankReader.bank(from: yaml, file: "\(file) (rewritten)")
            #expect(problems.isEmpty, "\(problems.prefix(3))")
            #expect(back == bank, "\(bank.slug)")
        }
    }

    @Test("awkward text survives: quotes, colons, hashes, leading spaces, numbers and booleans as text")
    func awkwardText() throws {
        let tricky = ["true", "1.50", "null", "a: b", "# not a comment", "  leading", "trailing  ", "line one\nline two\n", "\"quoted\" 'single'", "é à ü 中文", "- dash"]
        let items = tricky.enumerated().map { index, text in
            Item(id: "t\(index)", topic: "t", prompt: text, explanation: text, difficulty: .medium,
                 body: .singleChoice(options: [ChoiceOption(text: text, correct: true), ChoiceOption(text: "other")]))
        }
        let bank = Bank(slug: "tricky", title: "a: title", domain: "demo", language: "en",
                        settings: BankSettings(itemsPerScreen: 1, timeLimitMinutes: 5, passRule: PassRule(minPercent: 50)), items: items)
        let (back, problems) = BankReader.bank(from: try BankWriter.yaml(bank), file: "tricky.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(back == bank)
    }
}

@Suite("Random input to the YAML reader")
struct BankReaderFuzzTests {
    @Test("random mutations of a valid bank never crash and every error has a location inside the file")
    func mutations() {
        var rng = SeededGenerator(seed: 42)
        let pieces = [":", " ", "\n", "-", "[", "]", "{", "}", "\"", "'", "#", "|", ">", "&a", "*a", "!!int", "\t", "0x", "é", "~"]
        let lines = validBank.split(separator: "\n", omittingEmptySubsequences: false).count
        for _ in 0..<400 {
            var text = Array(validBank)
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let position = Int.random(in: 0..<text.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: text.remove(at: position)
                case 1: text.insert(contentsOf: pieces.randomElement(using: &rng)!, at: position)
                default: text[position] = pieces.randomElement(using: &rng)!.first!
                }
            }
            let (_, problems) = BankReader.bank(from: String(text), file: "fuzz.yaml")
            for problem in problems {
                #expect(problem.line >= 1 && problem.line <= lines + 10)
                #expect(problem.column >= 1)
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible random tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
