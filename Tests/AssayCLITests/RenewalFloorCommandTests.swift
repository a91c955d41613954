import AssayTesting
import Foundation
import Postgres
import Testing

@Suite("A renewal floor in domain.yaml, end to end through the binary", .serialized)
struct RenewalFloorCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A copy of the medicine domain whose domain.yaml ends with `renewal`.
    func domainFolder(renewal: String) throws -> URL {
        let folder = try TemporaryFolder.make(prefix: "assay-cli-renewal-")
        let medicine = folder.appendingPathComponent("medicine")
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("interview-banks/medicine"), to: medicine)
        let file = medicine.appendingPathComponent("domain.yaml")
        try Data((try String(contentsOf: file, encoding: .utf8) + renewal).utf8).write(to: file)
        return folder
    }

    @Test("bank lint names the line of a renewal mistake and exits 2")
    func lintLocatesMistakes() throws {
        let folder = try domainFolder(renewal: "  renewal:\n    metric: gold_accuracy\n    min: 0.8\n    max: 0.9\n    min_tasks: 50\n    window_days: 180\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lint = try CommandRun.assay(["bank", "lint", folder.path])
        #expect(lint.status == 2)
        let lines = try String(contentsOf: folder.appendingPathComponent("medicine/domain.yaml"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let maxLine = try #require(lines.firstIndex { $0.contains("max: 0.9") }) + 1
        #expect(lint.stdout.contains("domain.yaml:\(maxLine):") || lint.stderr.contains("domain.yaml:\(maxLine):"), "\(lint.stdout)\(lint.stderr)")
        #expect((lint.stdout + lint.stderr).contains("give min or max, not both"))
    }

    @Test("pool promote lists a member below the floor as not renewed (dry run and JSON), and experts show has the refusal event")
    func promoteRefusesBelowFloor() throws {
        let url = try TestDatabase.url(for: "cli_renewal_floor")
        let env = ["DATABASE_URL": url]
        let folder = try domainFolder(renewal: "  renewal:\n    metric: gold_accuracy\n    min: 0.8\n    min_tasks: 50\n    window_days: 180\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sync = try CommandRun.assay(["bank", "sync", folder.path], environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        let connection = try Connection(url)
        let email = "floor-\(UInt32.random(in: 0...UInt32.max))@example.org"
        let expert: Int = try connection.withTransaction { tx in
            let bankID: Int = try tx.query("SELECT id FROM banks WHERE slug = 'medicine-core' AND is_current").one().decode("id")
            let expert: Int = try tx.query("""
                INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
                VALUES ($1, 'Floor Test', 'FR', ARRAY['fr'], 'md', 8) RETURNING id
                """, [email]).one().decode("id")
            let screen: Int = try tx.query("""
                INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by,
                                     invite_expires_at, scored_at, points_awarded, points_possible, score_percent, passed)
                VALUES ($1, $2, 'medicine-core', encode(sha256(convert_to($3, 'UTF8')), 'hex'), 'scored', 1, 30, 'tester', now(), now(), 17, 20, 85, true)
                RETURNING id
                """, [expert, bankID, email]).one().decode("id")
            try tx.execute("""
                INSERT INTO pool_members (expert_id, domain, tier, tier_rank, score, evidence_screens, rule, promoted_at, expires_at)
                VALUES ($1, 'medicine', 'specialist', 2, 85, ARRAY[$2::bigint], 'tester', now() - interval '400 days', now() - interval '35 days')
                """, [expert, screen])
            return expert
        }
        let period: String = try connection.query("SELECT to_char(current_date - 20, 'YYYY-MM-DD')")[0].decode(0)
        let outcomes = "\(TemporaryFolder.root)/assay-cli-renewal-\(UUID().uuidString).csv"
        try Data("expert,domain,project,period_end,metric,value,tasks\n\(email),medicine,p,\(period),gold_accuracy,0.7,80\n".utf8).write(to: URL(fileURLWithPath: outcomes))
        defer { try? FileManager.default.removeItem(atPath: outcomes) }
        #expect(try CommandRun.assay(["outcomes", "import", outcomes], environment: env).status == 0)

        let dry = try CommandRun.assay(["pool", "promote", "--domain", "medicine", "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would not renew by the domain's work-quality floor (1):"), "\(dry.stdout)")
        #expect(dry.stdout.contains("renew \(email) in medicine: specialist — recent work gold_accuracy 0.700 over 80 tasks is below the renewal floor"))
        let real = try CommandRun.assay(["pool", "promote", "--domain", "medicine", "--format", "json"], environment: env)
        #expect(real.status == 0, "\(real.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(real.stdout.utf8)) as? [String: Any])
        let refused = try #require(object["refused"] as? [[String: Any]])
        #expect(refused.count == 1)
        #expect(refused.first?["expert_id"] as? Int == expert)
        #expect(refused.first?["outcome_ids"] is [Int])
        #expect(refused.first?["tasks"] as? Int == 80)
        let show = try CommandRun.assay(["experts", "show", email], environment: env)
        #expect(show.status == 0)
        #expect(show.stdout.contains("pool.renewal_refused by"), "\(show.stdout)")
        #expect(show.stdout.contains("is below the renewal floor (gold_accuracy ≥ 0.8 over ≥ 50 tasks in the last 180 days)"))
        let expired: Bool = try connection.query("SELECT expires_at <= now() FROM pool_members WHERE expert_id = $1", [expert])[0].decode(0)
        #expect(expired)
    }
}
