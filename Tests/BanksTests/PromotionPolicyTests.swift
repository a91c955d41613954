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
}
