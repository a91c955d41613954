// The validity statistics' harness of docs/benchmarks.md (work outcomes): build and run with
//   d=$(mktemp -d) && cp Sources/Psychometrics/*.swift scripts/bench/validity-stats.swift $d/ && (cd $d && mv validity-stats.swift main.swift && swiftc -O -module-name H *.swift -o h && time ./h 20000)
// It times the Pearson and Spearman bootstrap intervals of percent and θ (shared draws), the 50 items' intervals
// (analytic from ItemValidity.analyticThreshold responses) and 2 items by bootstrap, on N simulated members × 50 items.
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
func cpu() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }
var c = cpu()
func lap(_ what: String) { print(String(format: "%@: %.2f s wall, %.2f s CPU", what, now() - t, cpu() - c)); t = now(); c = cpu() }
_ = try WeightedCorrelation.correlationIntervals([percent, theta], outcome, weights: tasks, bootstrap: b)
lap("Pearson and Spearman intervals of percent and theta (shared draws)")
_ = try ItemValidity.analyse(items: items, outcomes: outcome, weights: tasks, direction: .higherIsBetter, bootstrap: b)
lap("\(itemsCount) items (analytic from \(ItemValidity.analyticThreshold) responses)")
_ = try ItemValidity.analyse(items: Array(items.prefix(2)), outcomes: outcome, weights: tasks, direction: .higherIsBetter, bootstrap: b, analyticFrom: Int.max)
lap("2 items by bootstrap")
