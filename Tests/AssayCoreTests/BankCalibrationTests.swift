@testable import AssayCore
import AssayTesting
import Banks
import Foundation
import Postgres
import Psychometrics
import Testing

/// A physics folder with small banks for calibration and statistics, synced into a fresh database.
struct CalibrationFixture {
    let connection: Connection
    /// True difficulty and discrimination of `calib-demo`'s items c1…c10.
    static let truth: [(a: Double, b: Double)] = (0..<10).map { index -> (a: Double, b: Double) in
        let step = Double(index)
        return (a: 0.8 + 0.12 * step, b: -1.8 + 0.4 * step)
    }

    init(_ name: String) throws {
        connection = try Connection(try TestDatabase.url(for: name))
        try Migrator.shipped().migrate(connection)
        let root = try TemporaryFolder.make(prefix: "assay-calib-")
        let domain = root.appendingPathComponent("physics")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        try Data("slug: physics\nname: Physics\ndescription: Physics.\n".utf8).write(to: domain.appendingPathComponent("domain.yaml"))
        try Data(Self.bank(slug: "calib-demo", items: (1...10).map { "  - {id: c\($0), type: true_false, topic: t\($0 % 2), difficulty: medium, prompt: Statement \($0)., answer: true}" }).utf8)
            .write(to: domain.appendingPathComponent("calib.yaml"))
        try Data(Self.bank(slug: "calib-few", items: (1...3).map { "  - {id: f\($0), type: true_false, topic: t, difficulty: medium, prompt: Statement \($0)., answer: true}" }).utf8)
            .write(to: domain.appendingPathComponent("few.yaml"))
        let statsItems = (1...6).map { index -> String in
            index == 4
                ? "  - {id: q4, type: single_choice, topic: t, difficulty: medium, prompt: Pick B., options: [{text: Alpha}, {text: Beta, correct: true}, {text: Gamma}]}"
                : "  - {id: q\(index), type: true_false, topic: t, difficulty: medium, prompt: Statement \(index)., answer: true}"
        }
        try Data(Self.bank(slug: "stats-demo", items: statsItems).utf8).write(to: domain.appendingPathComponent("stats.yaml"))
        let collection = BankLinter.lint(path: root.path)
        #expect(!collection.hasErrors, "\(collection.diagnostics)")
        try Catalog(connection: connection).sync(collection, actor: "tester")
    }

    static func bank(slug: String, items: [String]) -> String {
        """
        slug: \(slug)
        title: \(slug)
        domain: physics
        language: en
        settings:
          items_per_screen: \(items.count)
          time_limit_minutes: 10
          pass_rule: {min_percent: 50}
        items:
        \(items.joined(separator: "\n"))

        """
    }

    /// Simulated 2PL responses of `persons` to `calib-demo`, each answering 8 of the 10 items.
    func simulate(persons: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var sittings: [StoredResponsesFixture.Sitting] = []
        for _ in 0..<persons {
            let theta = rng.nextStandardNormal()
            let skipped = Set([Int(rng.next() % 10), Int(rng.next() % 10)])
            var points: [String: Double] = [:]
            for (index, item) in Self.truth.enumerated() where !skipped.contains(index) {
                let p = 1 / (1 + exp(-item.a * (theta - item.b)))
                points["c\(index + 1)"] = rng.nextUnit() < p ? 1 : 0
            }
            sittings.append(.init(points: points))
        }
        try StoredResponsesFixture.insert(sittings, bank: "calib-demo", on: connection)
    }
}

@Suite("Bank calibration and statistics from stored responses", .serialized)
struct BankCalibrationTests {
    let fixture: CalibrationFixture

    init() throws { fixture = try CalibrationFixture("calibrations") }

    func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test("a calibration is fitted from stored responses, stored with its fit, retrievable, and kept when a newer one is made")
    func calibrateAndKeep() throws {
        try fixture.simulate(persons: 800, seed: 7)
        let service = BankCalibration(connection: fixture.connection)
        #expect(try service.latest(bank: "calib-demo") == nil)
        let first = try service.calibrate(bank: "calib-demo", model: .twoParameter, minimumResponses: 20, actor: "psychometrician")
        #expect(first.persons == 800 && first.responses >= 800 * 8 && first.responses <= 800 * 9)
        #expect(first.itemsEstimated == 10 && first.items.count == 10)
        #expect(first.converged && first.model == "2pl" && first.createdBy == "psychometrician")
        #expect(first.logLikelihood < 0 && abs(first.aic - (-2 * first.logLikelihood + 40)) < 1e-6)
        #expect(first.items.map(\.itemKey) == (1...10).map { "c\($0)" })
        let b = first.items.compactMap(\.b), a = first.items.compactMap(\.a)
        #expect(correlation(b, CalibrationFixture.truth.map(\.b)) > 0.97, "\(b)")
        #expect(correlation(a, CalibrationFixture.truth.map(\.a)) > 0.6, "\(a)")
        #expect(first.items.allSatisfy { ($0.seA ?? 0) > 0 && ($0.seB ?? 0) > 0 && $0.status == "estimated" })

        let second = try service.calibrate(bank: "calib-demo", model: .rasch, minimumResponses: 20, actor: "psychometrician")
        #expect(second.id > first.id && second.model == "rasch")
        #expect(second.items.allSatisfy { $0.a == 1 && $0.seA == nil })
        #expect(try service.latest(bank: "calib-demo")?.id == second.id)
        let kept = try service.calibration(id: first.id)
        #expect(kept.items.map(\.b) == first.items.map(\.b), "the earlier calibration is unchanged")
        #expect(try service.history(bank: "calib-demo").map(\.id) == [second.id, first.id])
        let events: Int = try fixture.connection.query("SELECT count(*)::int FROM events WHERE action = 'bank.calibrate' AND details->>'bank' = 'calib-demo'")[0].decode(0)
        #expect(events == 2)
        #expect(throws: PostgresError.self) { try fixture.connection.execute("UPDATE calibration_items SET b = 0 WHERE calibration_id = $1", [first.id]) }
    }

    @Test("a fit that estimates under 80% of the current items, or does not converge, is refused with the reasons and not stored; force stores it and says why")
    func refusedUnlessForced() throws {
        // 30 persons answer only c1…c7 (7 of 10 items): with a minimum of 20 responses, at most 7 are estimated.
        var rng = SplitMix64(seed: 3)
        let sittings = (0..<30).map { _ -> StoredResponsesFixture.Sitting in
            let theta = rng.nextStandardNormal()
            var points: [String: Double] = [:]
            for (index, item) in CalibrationFixture.truth.prefix(7).enumerated() {
                points["c\(index + 1)"] = rng.nextUnit() < 1 / (1 + exp(-item.a * (theta - item.b))) ? 1 : 0
            }
            return .init(points: points)
        }
        let database = try CalibrationFixture("calibrations_refused")
        try StoredResponsesFixture.insert(sittings, bank: "calib-demo", on: database.connection)
        let service = BankCalibration(connection: database.connection)
        let partial = try #require(throws: AssayError.self) {
            _ = try service.calibrate(bank: "calib-demo", model: .rasch, minimumResponses: 20, actor: "x")
        }
        #expect(partial.code == .badInput && partial.exitStatus == 2)
        #expect(partial.message.hasPrefix("calibration of calib-demo not stored: it estimated 7 of the 10 items of the current version, under the 80% needed (8): 3 too-few-responses"), "\(partial.message)")
        #expect(partial.hint?.contains("--force") == true)
        let unconverged = try #require(throws: AssayError.self) {
            _ = try service.calibrate(bank: "calib-demo", model: .rasch, minimumResponses: 1, maximumIterations: 1, actor: "x")
        }
        #expect(unconverged.message.contains("the fit did not converge in 1 EM cycles"), "\(unconverged.message)")
        #expect(unconverged.message.contains("; and it estimated 7 of the 10 items"), "both reasons are given")
        #expect(try service.latest(bank: "calib-demo") == nil, "nothing was stored")
        #expect(try database.connection.query("SELECT count(*)::int FROM events WHERE action = 'bank.calibrate'")[0].decode(0, as: Int.self) == 0)

        let forced = try service.calibrate(bank: "calib-demo", model: .rasch, minimumResponses: 20, force: true, actor: "psychometrician")
        #expect(forced.itemsEstimated == 7)
        #expect(forced.forcedDespite.count == 1 && forced.forcedDespite[0].contains("7 of the 10 items"))
        #expect(try service.calibration(id: forced.id).forcedDespite == forced.forcedDespite, "read back from the event")
    }

    @Test("too few responses are refused with the counts found, and nothing is stored")
    func tooFew() throws {
        try StoredResponsesFixture.insert((0..<3).map { index in .init(points: ["f1": Double(index % 2), "f2": 1, "f3": 0]) }, bank: "calib-few", on: fixture.connection)
        let error = try #require(throws: AssayError.self) {
            _ = try BankCalibration(connection: fixture.connection).calibrate(bank: "calib-few", model: .twoParameter, minimumResponses: 20, actor: "x")
        }
        #expect(error.code == .badInput)
        #expect(error.message.contains("too few responses to calibrate calib-few: 3 scored screens with 9 answered items"))
        #expect(try BankCalibration(connection: fixture.connection).latest(bank: "calib-few") == nil)
        #expect(throws: AssayError.self) { _ = try BankCalibration(connection: fixture.connection).calibrate(bank: "nope", model: .twoParameter, minimumResponses: 20, actor: "x") }
    }

    @Test("statistics on a small known data set match the hand-computed values and flag the items to review")
    func statistics() throws {
        let rows: [[Double]] = SparseItemFixture.complete
        let chosen = SparseItemFixture.chosen
        let sittings = rows.enumerated().map { person, row in
            StoredResponsesFixture.Sitting(points: Dictionary(uniqueKeysWithValues: row.enumerated().map { ("q\($0 + 1)", $1) }),
                                           choices: ["q4": chosen[person]])
        }
        try StoredResponsesFixture.insert(sittings, bank: "stats-demo", on: fixture.connection)
        // Eight responses per item are too few to judge an item by default (20 are needed).
        let unjudged = try BankStatistics(connection: fixture.connection).report(bank: "stats-demo")
        #expect(unjudged.minimumResponsesToFlag == 20)
        #expect(unjudged.items.allSatisfy { $0.flags.isEmpty && $0.tooFewToFlag }, "\(unjudged.items.map(\.flags))")
        #expect(unjudged.items.map(\.facility) == [0.625, 0.5, 0.375, 0.625, 1, 0], "the statistics themselves are still reported")
        let report = try BankStatistics(connection: fixture.connection).report(bank: "stats-demo", minimumResponsesToFlag: 8)
        #expect(report.items.allSatisfy { !$0.tooFewToFlag })
        #expect(report.persons == 8 && report.responses == 48 && report.groupSize == 2)
        #expect(report.items.map(\.itemKey) == ["q1", "q2", "q3", "q4", "q5", "q6"])
        #expect(report.items.map(\.facility) == [0.625, 0.5, 0.375, 0.625, 1, 0])
        #expect(abs((report.items[2].pointBiserial ?? 0) - 0.4472136) < 1e-6)
        #expect(abs((report.items[3].pointBiserial ?? 0) - (-0.8082904)) < 1e-6)
        #expect(abs((report.cronbachAlpha ?? 0) - (-0.6769231)) < 1e-6)
        let options = try #require(report.items[3].options)
        #expect(options.map(\.letter) == ["A", "B", "C"] && options.map(\.isKey) == [false, true, false])
        #expect(options.map(\.top) == [1, 0, 0] && options.map(\.all) == [0.25, 0.625, 0.125])
        #expect(report.items[3].flags == ["negative discrimination", "distractor A chosen more often than the key by the top group"])
        #expect(report.items[4].flags == ["too easy (facility above 0.95)"])
        #expect(report.items[5].flags == ["too hard (facility below 0.1)"])
        #expect(report.items[0].flags.isEmpty)
        #expect(report.scores.count == 8 && report.calibrationID == nil)
    }
}

/// The data set of the Psychometrics suite's hand-checked analysis, for the service test.
enum SparseItemFixture {
    static let complete: [[Double]] = [
        [1, 1, 1, 0, 1, 0], [1, 1, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], [1, 0, 1, 1, 1, 0],
        [0, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 0],
    ]
    static let chosen: [Int] = [0, 0, 2, 1, 1, 1, 1, 1]
}
