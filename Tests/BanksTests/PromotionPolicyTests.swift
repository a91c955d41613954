import Banks
import Foundation
import Testing

@Suite("Promotion policies")
struct PromotionPolicyTests {
    let policy = PromotionPolicy(requiredBanks: ["medicine-core"], validityDays: 365, tiers: [
        .init(name: "expert", minScore: 90, degrees: ["md"], minYears: 5),
        .init(name: "specialist", minScore: 80),
        .init(name: "contributor", minScore: 70),
    ])

    @Test("each threshold is inclusive at its boundary", arguments: [
        (90.0, "md", 5, "expert"), (89.999, "md", 5, "specialist"), (90.0, "md", 4, "specialist"), (95.0, "phd", 20, "specialist"),
        (80.0, "none", 0, "specialist"), (79.99, "md", 30, "contributor"), (70.0, "bachelor", 1, "contributor"), (69.99, "md", 30, nil),
    ] as [(Double, String, Int, String?)])
    func boundaries(score: Double, degree: String, years: Int, expected: String?) {
        #expect(policy.tier(score: score, degree: degree, years: years)?.tier.name == expected)
    }

    @Test("the rank is the tier's position, highest first")
    func ranks() {
        #expect(policy.tier(score: 99, degree: "md", years: 10)?.rank == 1)
        #expect(policy.tier(score: 71, degree: "md", years: 10)?.rank == 3)
    }

    @Test("a policy in domain.yaml is read, and its mistakes are reported where they are")
    func reading() {
        let good = """
            slug: demo
            name: Demo
            description: x
            policy:
              required_banks: [demo-core]
              validity_days: 180
              tiers:
                - name: expert
                  min_score: 90
                  degrees: [phd, md]
                  min_years: 5
                - name: contributor
                  min_score: 70
            """
        let (domain, problems) = BankReader.domain(from: good, file: "domain.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(domain?.policy?.tiers.map(\.name) == ["expert", "contributor"])
        #expect(domain?.policy?.validityDays == 180)
        let rising = good.replacingOccurrences(of: "min_score: 70", with: "min_score: 95")
        let (_, risingProblems) = BankReader.domain(from: rising, file: "domain.yaml")
        #expect(risingProblems.first?.line == 13)
        #expect(risingProblems.first?.message.contains("highest first") == true)
        let badDegree = good.replacingOccurrences(of: "[phd, md]", with: "[phd, wizard]")
        #expect(BankReader.domain(from: badDegree, file: "domain.yaml").diagnostics.first?.message.contains("'wizard' is not a degree") == true)
    }

    static let renewalBase = """
        slug: demo
        name: Demo
        description: x
        policy:
          required_banks: [demo-core]
          validity_days: 180
          tiers:
            - name: contributor
              min_score: 70
          renewal:
        """

    @Test("renewal: a work-quality floor is read with its defaults; min admits values at or above it, max at or below")
    func renewalReading() throws {
        let text = Self.renewalBase + "\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n"
        let (domain, problems) = BankReader.domain(from: text, file: "domain.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let floor = try #require(domain?.policy?.renewal)
        #expect(floor == PromotionPolicy.RenewalFloor(metric: "gold_accuracy", minimum: 0.8, minimumTasks: 50, windowDays: 180, withoutOutcomes: .renew))
        #expect(floor.admits(0.8) && floor.admits(0.95) && !floor.admits(0.799))
        #expect(floor.rule == "gold_accuracy ≥ 0.8 over ≥ 50 tasks in the last 180 days")
        let lower = Self.renewalBase + "\n    metric: rework_rate\n    max: 0.1\n    min_tasks: 5\n    window_days: 90\n    without_outcomes: hold\n"
        let held = try #require(BankReader.domain(from: lower, file: "domain.yaml").domain?.policy?.renewal)
        #expect(held.withoutOutcomes == .hold)
        #expect(held.admits(0.1) && !held.admits(0.11))
        #expect(BankReader.domain(from: Self.renewalBase.replacingOccurrences(of: "  renewal:", with: ""), file: "d.yaml").domain?.policy?.renewal == nil)
    }

    @Test("renewal mistakes are reported at their line and column, and the domain is not read", arguments: [
        ("\n    metric: gold_accuracy\n    min: 0.8\n    max: 0.9\n    min_tasks: 50\n    window_days: 180\n", 13, "give min or max, not both"),
        ("\n    metric: gold_accuracy\n    min_tasks: 50\n    window_days: 180\n", 11, "renewal needs min"),
        ("\n    metric: Gold-Accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n", 11, "'metric' is 'Gold-Accuracy', which is not valid"),
        ("\n    metric: gold_accuracy\n    min: high\n    min_tasks: 50\n    window_days: 180\n", 12, "'min' must be a number, not 'high'"),
        ("\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 0\n    window_days: 180\n", 13, "'min_tasks' is 0"),
        ("\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n", 11, "missing field 'window_days'"),
        ("\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n    without_outcomes: maybe\n", 15, "without_outcomes must be renew"),
        ("\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n    window: 3\n", 15, "unknown field 'window'"),
        (" 0.8\n", 10, "renewal must be"),
    ] as [(String, Int, String)])
    func renewalMistakes(tail: String, line: Int, message: String) {
        let (domain, problems) = BankReader.domain(from: Self.renewalBase + tail, file: "domain.yaml")
        #expect(domain == nil)
        #expect(problems.contains { $0.line == line && $0.file == "domain.yaml" && $0.message.contains(message) }, "\(problems)")
    }
}
