// The validity statistics' harness of docs/benchmarks.md (work outcomes): build and run with
//   d=$(mktemp -d) && cp Sources/Psychometrics/*.swift scripts/bench/validity-stats.swift $d/ && (cd $d && mv validity-stats.swift main.swift && swiftc -O -module-name H *.swift -o h && time ./h 20000)
// It times one Pearson and one Spearman bootstrap interval and 10 items' intervals on N simulated members × 50 items.
import Foundation
func now() -> Double { Date().timeIntervalSince1970 }
let n = Int(CommandLine.arguments.dropFirst().first ?? "100000") ?? 100000
let itemsCount = 50
var g = SplitMix64(seed: 7)
func u() -> Double { Double(g.next() >> 11) * 0x1p-53 }
var percent: [Double] = [], theta: [Double] = [], outcome: [Double] = [], tasks: [Double] = []
var items = [[(member: Int, credit: Double)]](repeating: [], count: itemsCount)
for i in 0..<n {
    let a = u() + u() + u() - 1.5
    var right = 0.0
    for j in 0..<itemsCount { let c: Double = u() < 1 / (1 + exp(-(3 * a - Double(j - 25) / 12))) ? 1 : 0; items[j].append((i, c)); right += c }
    percent.append(right * 2); theta.append(a); outcome.append(0.8 + 0.05 * a + (u() - 0.5) * 0.1); tasks.append(Double(10 + i % 90))
}
let b = try PercentileBootstrap()
var t = now()
_ = try WeightedCorrelation.pearsonInterval(percent, outcome, weights: tasks, bootstrap: b)
print(String(format: "pearson interval: %.2f s", now() - t)); t = now()
_ = try WeightedCorrelation.spearmanInterval(percent, outcome, weights: tasks, bootstrap: b)
print(String(format: "spearman interval: %.2f s", now() - t)); t = now()
_ = try ItemValidity.analyse(items: Array(items.prefix(10)), outcomes: outcome, weights: tasks, direction: .higherIsBetter, bootstrap: b)
print(String(format: "10 items: %.2f s (x5 for 50)", now() - t)); t = now()
