import AssayTesting
import Foundation
import Postgres
import Psychometrics
import Testing

@Suite("assay bank calibrate and assay bank stats, through the binary", .serialized)
struct BankStatsCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url: String
    var env: [String: String] { ["DATABASE_URL": url] }

    /// The shipped banks, and 60 scored physics-core screens inserted with SQL (simulated 2PL
    /// answers to the bank's first 12 items, single-choice items with a chosen option).
    init() throws {
        url = try TestDatabase.url(for: "cli_bank_stats")
        let sync = try CommandRun.assay(["bank", "sync", "--database-url", url], directory: Self.repository.path)
        #expect(sync.status == 0, "\(sync.stderr)")
        let connection = try Connection(url)
        let existing: Int = try connection.query("SELECT count(*)::int FROM screens WHERE bank_slug = 'physics-core'")[0].decode(0)
        guard existing == 0 else { return }
        let items = try connection.query("""
            SELECT i.item_key, i.type, i.content FROM banks b JOIN bank_items bi ON bi.bank_id = b.id JOIN items i ON i.id = bi.item_id
            WHERE b.slug = 'physics-core' AND b.is_current AND i.type IN ('single_choice', 'true_false', 'numeric') ORDER BY bi.position LIMIT 12
            """).map { (key: try $0.decode("item_key", as: String.self), type: try $0.decode("type", as: String.self)) }
        var rng = SplitMix64(seed: 11)
        var sittings: [StoredResponsesFixture.Sitting] = []
        for _ in 0..<60 {
            let theta = rng.nextStandardNormal()
            var sitting = StoredResponsesFixture.Sitting(points: [:])
            for (index, item) in items.enumerated() {
                let right = rng.nextUnit() < 1 / (1 + exp(-1.3 * (theta - (-1.5 + 0.25 * Double(index)))))
                sitting.points[item.key] = right ? 1 : 0
                if item.type == "single_choice" { sitting.choices[item.key] = right ? -1 : 0 }
            }
            sittings.append(sitting)
        }
        // Single-choice answers: the key when right, else the first option that is not the key.
        let keys = try connection.query("""
            SELECT i.item_key, (SELECT min(o.ordinality - 1) FROM jsonb_array_elements(i.content->'body'->'singleChoice'->'options') WITH ORDINALITY o
                                 WHERE (o.value->>'correct')::boolean) AS key
            FROM items i WHERE i.bank_slug = 'physics-core' AND i.type = 'single_choice'
            """).reduce(into: [String: Int]()) { $0[try $1.decode("item_key")] = try $1.decode("key", as: Int?.self) ?? 0 }
        sittings = sittings.map { sitting in
            var fixed = sitting
            for (key, choice) in sitting.choices {
                let correct = keys[key] ?? 0
                fixed.choices[key] = choice < 0 ? correct : (correct == 0 ? 1 : 0)
            }
            return fixed
        }
        try StoredResponsesFixture.insert(sittings, bank: "physics-core", on: connection)
    }

    @Test("calibrate refuses too few responses in one line with exit code 2, then stores a calibration; stats writes table, json and a script-free html page with SVG")
    func calibrateAndStats() throws {
        let refused = try CommandRun.assay(["bank", "calibrate", "physics-core", "--min-responses", "100"], environment: env)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("too few responses to calibrate physics-core: 60 scored screens"))
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")

        // Only 12 of the bank's items were answered: under 80% of them can be estimated, and
        // adaptive screens would rely on the calibration, so it is not stored.
        func stored() throws -> Int { try Connection(url).query("SELECT count(*)::int FROM calibrations WHERE bank_slug = 'physics-core'")[0].decode(0) }
        let before = try stored()
        let partial = try CommandRun.assay(["bank", "calibrate", "physics-core", "--min-responses", "20"], environment: env)
        #expect(partial.status == 2, "\(partial.stdout)\(partial.stderr)")
        #expect(partial.stderr.contains("calibration of physics-core not stored: it estimated 12 of the "), "\(partial.stderr)")
        #expect(partial.stderr.contains("under the 80% needed"))
        #expect(partial.stderr.contains("assay: hint: ") && partial.stderr.contains("--force"))
        let unconverged = try CommandRun.assay(["bank", "calibrate", "physics-core", "--min-responses", "20", "--max-iterations", "1"], environment: env)
        #expect(unconverged.status == 2)
        #expect(unconverged.stderr.contains("the fit did not converge in 1 EM cycles"), "\(unconverged.stderr)")
        #expect(try stored() == before, "nothing was stored")

        let calibrated = try CommandRun.assay(["bank", "calibrate", "physics-core", "--min-responses", "20", "--force", "--actor", "psychometrician"], environment: env)
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        #expect(calibrated.stderr.contains("warning: stored with --force"), "\(calibrated.stderr)")
        let forced: Int = try Connection(url).query("""
            SELECT count(*)::int FROM events WHERE action = 'bank.calibrate' AND details->>'bank' = 'physics-core' AND (details->>'forced')::boolean
              AND jsonb_array_length(details->'problems') = 1
            """)[0].decode(0)
        #expect(forced >= 1, "the event says it was forced and why")
        #expect(calibrated.stdout.contains("60 screens"))
        #expect(calibrated.stdout.contains("log-likelihood"))
        #expect(calibrated.stdout.contains("too-few-responses"), "items never answered are listed too")
        let stored: Int = try Connection(url).query("SELECT count(*)::int FROM calibrations WHERE bank_slug = 'physics-core' AND created_by = 'psychometrician'")[0].decode(0)
        #expect(stored >= 1)

        let table = try CommandRun.assay(["bank", "stats", "physics-core"], environment: env)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("60 scored screens"))
        #expect(table.stdout.contains("IRT parameters from calibration"))
        #expect(table.stdout.contains(": converged after "), "\(table.stdout)")
        #expect(table.stdout.contains("SE(A)") && table.stdout.contains("SE(B)"))
        #expect(table.stdout.contains("too few responses to judge (0 < 20)"), "items never answered are not judged")
        #expect(table.stdout.contains("item(s) to review"))

        let json = try CommandRun.assay(["bank", "stats", "physics-core", "--format", "json"], environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["persons"] as? Int == 60)

        let page = try TemporaryFolder.make(prefix: "assay-stats-").appendingPathComponent("stats.html")
        let html = try CommandRun.assay(["bank", "stats", "physics-core", "--format", "html", "--out", page.path], environment: env)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.isEmpty)
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        #expect(text.contains("<svg"))
        #expect(text.contains("<polyline"), "item characteristic curves")
        #expect(text.contains("aria-label=\"score distribution\""))
        #expect(!text.lowercased().contains("<script"))
        #expect(!text.contains("src=\"http"), "self-contained")
        #expect(text.contains("<th>SE(a)</th>") && text.contains("<th>SE(b)</th>") && text.contains("converged after"))
        #expect(text.contains("(SE "), "the curves' captions give the standard errors")

        // A forced calibration that did not converge is shown as such.
        let loose = try CommandRun.assay(["bank", "calibrate", "physics-core", "--min-responses", "20", "--max-iterations", "1", "--force"], environment: env)
        #expect(loose.status == 0, "\(loose.stderr)")
        #expect(loose.stdout.contains("NOT converged after 1 EM cycles"))
        let looseTable = try CommandRun.assay(["bank", "stats", "physics-core"], environment: env)
        #expect(looseTable.stdout.contains(": NOT converged after 1 EM cycles"), "\(looseTable.stdout)")
        let loosePage = try CommandRun.assay(["bank", "stats", "physics-core", "--format", "html"], environment: env)
        #expect(loosePage.stdout.contains("The fit did not converge"))

        let unknown = try CommandRun.assay(["bank", "stats", "no-such-bank"], environment: env)
        #expect(unknown.status == 2 && unknown.stderr.contains("no bank 'no-such-bank'"))
    }
}
