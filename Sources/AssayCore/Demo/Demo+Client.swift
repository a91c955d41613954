import Foundation
internal import Psychometrics

extension Demo {
    /// A pool member: (expert, domain).
    struct MemberKey: Hashable {
        var expertID: Int
        var domain: String
    }

    /// The key the simulated client's roster is pseudonymized with.
    static let clientKey = "assay-demo-client-key"

    /// The simulated client: receives a pseudonymized roster, has the members annotate, measures
    /// their gold accuracy (it depends on each simulated expert's true skill, with noise), sends
    /// the quality back by pseudonym, and the validity report is computed on it.
    ///
    /// - Returns: the import's summary and the report; nil when the pool is empty.
    func simulateClient(skills: [MemberKey: Double], rng: inout SplitMix64) throws -> (outcomes: Outcomes.ImportSummary, validity: ValidityReport)? {
        // The roster as the client sees it (pseudonyms) and as Assay knows it (ids), in the same order.
        var pseudonymous: [UInt8] = [], plain: [UInt8] = []
        let roster = Roster(connection: connection)
        try roster.export(format: .jsonl, filter: .init(), pseudonymKey: Self.clientKey) { pseudonymous += $0 }
        try roster.export(format: .jsonl, filter: .init(), pseudonymKey: nil) { plain += $0 }
        let seen = String(decoding: pseudonymous, as: UTF8.self).split(separator: "\n")
        let known = String(decoding: plain, as: UTF8.self).split(separator: "\n")
        guard !seen.isEmpty, seen.count == known.count else { return nil }
        var file = "expert,domain,project,period_end,metric,value,tasks\n"
        var rows = 0
        for (client, truth) in zip(seen, known) {
            guard let clientRow = try JSONSerialization.jsonObject(with: Data(client.utf8)) as? [String: Any],
                  let trueRow = try JSONSerialization.jsonObject(with: Data(truth.utf8)) as? [String: Any],
                  let pseudonym = clientRow["expert_id"] as? String, let domain = trueRow["domain"] as? String,
                  let id = (trueRow["expert_id"] as? Int) ?? (trueRow["expert_id"] as? String).flatMap({ Int($0) }),
                  let skill = skills[MemberKey(expertID: id, domain: domain)] else { continue }
            for period in ["2026-03-31", "2026-06-30"] {
                let tasks = 10 + Int(rng.next() % 90)
                // Accuracy rises with true skill, plus what skill does not explain (care, fit with
                // the project) and sampling noise that shrinks with more tasks.
                let noise = rng.nextStandardNormal() * 0.04 + rng.nextStandardNormal() * 0.15 / Double(tasks).squareRoot()
                let value = min(1, max(0, 0.45 + 0.5 * skill + noise))
                file += "\(pseudonym),\(domain),demo-client-\(domain),\(period),gold_accuracy,\(String(format: "%.3f", value)),\(tasks)\n"
                rows += 1
            }
        }
        guard rows > 0 else { return nil }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("assay-demo-outcomes-\(UUID().uuidString).csv").path
        try Data(file.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcomes = try Outcomes(connection: connection).importFile(.init(path: path, format: .csv, pseudonymKey: Self.clientKey, actor: "demo-client"))
        log("client: \(outcomes.inserted) work outcomes (gold_accuracy) sent back by pseudonym and imported, \(outcomes.rowsRejected) rejected")
        let validity = try ValidityAnalysis(connection: connection, bootstrap: try PercentileBootstrap(replicates: 500, seed: seed)).report(metric: "gold_accuracy")
        return (outcomes, validity)
    }
}
