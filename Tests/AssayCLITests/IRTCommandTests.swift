import AssayTesting
import Foundation
import Testing

@Suite("assay irt, end to end through the binary (no database)")
struct IRTCommandTests {
    /// Rows of a CSV file written by the binary, header first, split on commas (our files have
    /// no quoted fields).
    static func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Column `name` of a CSV, keyed by the first column.
    static func column(_ rows: [[String]], _ name: String) throws -> [String: Double] {
        let index = try #require(rows.first?.firstIndex(of: name))
        var values: [String: Double] = [:]
        for row in rows.dropFirst() { values[row[0]] = Double(row[index]) }
        return values
    }

    /// Pearson correlation of the values two columns hold for the same keys.
    static func correlation(_ x: [String: Double], _ y: [String: Double]) -> Double {
        let keys = x.keys.filter { y[$0] != nil }
        let xs = keys.map { x[$0]! }, ys = keys.map { y[$0]! }
        let n = Double(keys.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(xs, ys) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test("simulate, calibrate and score round-trip: estimates correlate with the true parameters and abilities")
    func roundTrip() throws {
        let root = try TemporaryFolder.make(prefix: "assay-irt-")
        defer { try? FileManager.default.removeItem(at: root) }
        let simulate = try CommandRun.assay(["irt", "simulate", "--persons", "1500", "--items", "20", "--sparse", "0.3", "--seed", "11", "--out-dir", root.path])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let estimated = root.appendingPathComponent("estimated.csv")
        let calibrate = try CommandRun.assay(["irt", "calibrate", "--responses", root.appendingPathComponent("responses.csv").path, "--out", estimated.path])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        #expect(calibrate.stderr.contains("calibrated 20 of 20 items (2pl)"), "\(calibrate.stderr)")
        let estimates = try Self.rows(estimated)
        #expect(estimates.first == ["item", "a", "b", "c", "se_a", "se_b", "n", "status"])
        #expect(estimates.count == 21)
        let truth = try Self.rows(root.appendingPathComponent("true_items.csv"))
        let rA = Self.correlation(try Self.column(truth, "a"), try Self.column(estimates, "a"))
        let rB = Self.correlation(try Self.column(truth, "b"), try Self.column(estimates, "b"))
        #expect(rA > 0.9, "r(a) = \(rA)")
        #expect(rB > 0.97, "r(b) = \(rB)")

        for method in ["eap", "mle"] {
            let scores = root.appendingPathComponent("theta-\(method).csv")
            let score = try CommandRun.assay(["irt", "score", "--items", estimated.path, "--responses", root.appendingPathComponent("responses.csv").path,
                                              "--method", method, "--out", scores.path])
            #expect(score.status == 0, "\(score.stderr)")
            let thetas = try Self.rows(scores)
            #expect(thetas.first == ["person", "theta", "se"])
            #expect(thetas.count == 1501)
            let rTheta = Self.correlation(try Self.column(try Self.rows(root.appendingPathComponent("true_persons.csv")), "theta"), try Self.column(thetas, "theta"))
            #expect(rTheta > 0.85, "\(method): r(theta) = \(rTheta)")
        }
    }

    @Test("the same seed gives the same files")
    func simulateIsReproducible() throws {
        let root = try TemporaryFolder.make(prefix: "assay-irt-")
        defer { try? FileManager.default.removeItem(at: root) }
        for run in ["one", "two"] {
            let result = try CommandRun.assay(["irt", "simulate", "--persons", "30", "--items", "5", "--model", "rasch", "--seed", "4", "--out-dir", root.appendingPathComponent(run).path])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for file in ["true_items.csv", "true_persons.csv", "responses.csv"] {
            let one = try Data(contentsOf: root.appendingPathComponent("one/\(file)"))
            let two = try Data(contentsOf: root.appendingPathComponent("two/\(file)"))
            #expect(one == two, "\(file) differs")
        }
    }

    @Test("bad rows are reported as file:line with the field, exit code 2, and nothing is written")
    func badRows() throws {
        let root = try TemporaryFolder.make(prefix: "assay-irt-")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("responses.csv")
        try Data("person,item,score\np1,i1,1\np1,i2,2\np2,,0\np2,i1\np2,i2,\np1,i1,0\np3,i1,0\n".utf8).write(to: input)
        let out = root.appendingPathComponent("items.csv")
        let result = try CommandRun.assay(["irt", "calibrate", "--responses", input.path, "--out", out.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("responses.csv:3: field score must be 0 or 1, not '2'"), "\(result.stderr)")
        #expect(result.stderr.contains("responses.csv:4: field item is empty"))
        #expect(result.stderr.contains("responses.csv:5: expected 3 fields"))
        #expect(result.stderr.contains("responses.csv:6: field score is empty"))
        #expect(result.stderr.contains("responses.csv:7: person 'p1' has a second response to item 'i1'"))
        #expect(!result.stderr.contains(":8:"))
        #expect(result.stderr.contains("5 bad row(s); nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("a missing header column, a missing file and an unknown item are errors with exit code 2", arguments: [
        (["irt", "calibrate", "--responses", "{root}/header.csv"], "header.csv:1: the header must name the columns person,item,score; missing: score"),
        (["irt", "calibrate", "--responses", "{root}/no-such.csv"], "no-such.csv: no such file"),
        (["irt", "score", "--items", "{root}/items.csv", "--responses", "{root}/unknown.csv"], "unknown.csv:3: item 'i9' is not in"),
        (["irt", "score", "--items", "{root}/bad-items.csv", "--responses", "{root}/unknown.csv"], "bad-items.csv:2: field a must be > 0"),
    ])
    func inputErrors(arguments: [String], message: String) throws {
        let root = try TemporaryFolder.make(prefix: "assay-irt-")
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("person,item\np1,i1\n".utf8).write(to: root.appendingPathComponent("header.csv"))
        try Data("item,a,b,c\ni1,1.2,0.1,0\n".utf8).write(to: root.appendingPathComponent("items.csv"))
        try Data("item,a,b\ni1,-1,0\n".utf8).write(to: root.appendingPathComponent("bad-items.csv"))
        try Data("person,item,score\np1,i1,1\np1,i9,0\n".utf8).write(to: root.appendingPathComponent("unknown.csv"))
        let result = try CommandRun.assay(arguments.map { $0.replacingOccurrences(of: "{root}", with: root.path) })
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("cat-sim reports RMSE by length for both designs, the length to the SE target and the selection time")
    func catSim() throws {
        let result = try CommandRun.assay(["irt", "cat-sim", "--bank-size", "80", "--persons", "60", "--max-length", "12", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let study = try #require(report["result"] as? [String: Any])
        let lengths = try #require(study["lengths"] as? [[String: Any]])
        #expect(lengths.compactMap { $0["length"] as? Int } == [5, 10, 12])
        let meanLength = try #require(study["mean_length_to_target"] as? Double)
        #expect(meanLength > 0 && meanLength <= 12)
        #expect((study["mean_selection_microseconds"] as? Double ?? 0) > 0)
        #expect(study["selections"] as? Int == 60 * 12)
        let bad = try CommandRun.assay(["irt", "cat-sim", "--bank-size", "10", "--max-length", "20"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--bank-size (10) must be at least --max-length (20)"))
    }
}
