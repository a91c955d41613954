import AssayCore
import Foundation
import Psychometrics

/// The html form of `assay validity report`: one self-contained page, readable without
/// JavaScript. Per bank version and metric: the figures as tables, and three inline SVG charts —
/// the scatter of screen percent against outcome (dot area by tasks), the expectancy chart (mean
/// outcome by score band) and the per-item chart (point-biserial with its interval, flagged items
/// in orange).
enum ValidityReportPage {
    /// The page.
    static func html(_ report: ValidityReport) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Predictive validity of the screens</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;max-width:75em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
            td.l,th.l{text-align:left}tr.flag{background:#fff1e6}svg{background:#fafafa;border:1px solid #ddd}
            figure{display:inline-block;margin:.5em;vertical-align:top}figcaption{font-size:.85em;max-width:30em}
            </style></head><body>
            <h1>Does passing the screen predict good work?</h1>
            <p>Task-weighted correlations between each pool member's evidence screen and the quality of their later work,
            with percentile bootstrap intervals (\(report.bootstrapReplicates) replicates, seed \(report.bootstrapSeed), level \(Int(report.confidenceLevel * 100)) %;
            from \(report.analyticFrom) members, Fisher's z intervals with the Kish effective sample size).
            “Corrected” applies Thorndike's case II with the spread of every applicant's score, since only those who passed ever worked.
            Correlations need at least \(report.minimumMembers) members.</p>

            """
        if report.banks.isEmpty {
            page += "<p>No pool member has work outcomes yet: import them with <code>assay outcomes import FILE</code>.</p>\n"
        }
        for entry in report.banks { page += section(entry) }
        page += "</body></html>\n"
        return page
    }

    static func number(_ value: Double?, _ digits: Int = 3) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "–" }

    static func coefficient(_ c: ValidityReport.Coefficient?) -> String {
        guard let c else { return "–" }
        return number(c.value, 2) + (c.interval.map { " [\(number($0.lower, 2)), \(number($0.upper, 2))]" } ?? "")
    }

    static func section(_ entry: ValidityReport.BankValidity) -> String {
        var html = "<h2>\(escape(entry.bankSlug)) v\(entry.bankVersion) (\(escape(entry.domain))) against \(escape(entry.metric))</h2>\n"
        html += "<p>\(entry.members) members with outcomes (\(entry.tasks) tasks, mean \(number(entry.meanOutcome))); \(entry.applicants) applicants; pool of \(entry.poolSize). "
        html += entry.direction == "lower_is_better" ? "Lower is better for this metric.</p>\n" : "Higher is better for this metric.</p>\n"
        html += "<table><tr><th class=\"l\">predictor</th><th>n</th><th>Pearson [95 % CI]</th><th>Spearman [95 % CI]</th><th>corrected [95 % CI]</th><th>SD members</th><th>SD applicants</th></tr>\n"
        for (name, p) in [("percent", entry.percent), ("θ̂", entry.theta)] {
            guard let p else { continue }
            html += "<tr><td class=\"l\">\(name)</td><td>\(p.members)</td><td>\(coefficient(p.pearson))</td><td>\(coefficient(p.spearman))</td><td>\(coefficient(p.corrected))</td><td>\(number(p.restrictedSd, 2))</td><td>\(number(p.applicantSd, 2))</td></tr>\n"
        }
        html += "</table>\n"
        if let mark = entry.passMark {
            html += "<p>Pass mark today: \(number(mark.currentMark, 1)) % (expected outcome \(number(mark.currentExpectedOutcome))). "
            if let best = mark.bestMark {
                html += "Best at a pool of \(mark.poolSize): \(number(best, 1)) % (expected \(number(mark.bestExpectedOutcome)); \(mark.bestApplicants ?? 0) applicants, \(mark.bestMembers ?? 0) members at or above it).</p>\n"
            } else {
                html += "No mark could fill the pool on at least \(mark.minimumMembers) members with outcomes.</p>\n"
            }
        }
        html += "<div>\(scatter(entry))\(expectancy(entry))</div>\n"
        if !entry.items.isEmpty {
            html += "<h3>Items</h3>\n<div>\(itemChart(entry))</div>\n"
            html += "<table><tr><th class=\"l\">item</th><th>n</th><th>facility</th><th>r(pb) [95 % CI]</th><th class=\"l\">flag</th></tr>\n"
            for item in entry.items {
                let flagged = item.flag == "wrong_way" || item.flag == "no_signal"
                html += "<tr\(flagged ? " class=\"flag\"" : "")><td class=\"l\">\(escape(item.itemKey))</td><td>\(item.responses)</td><td>\(number(item.facility, 2))</td>"
                html += "<td>\(item.correlation.map { number($0, 2) + (item.interval.map { " [\(number($0.lower, 2)), \(number($0.upper, 2))]" } ?? "") } ?? "–")</td>"
                html += "<td class=\"l\">\(escape(item.flag?.replacingOccurrences(of: "_", with: " ") ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        for note in entry.notes { html += "<p><em>Note:</em> \(escape(note))</p>\n" }
        return html
    }

    /// Screen percent (x) against outcome (y), one dot per member, area by tasks.
    static func scatter(_ entry: ValidityReport.BankValidity) -> String {
        let width = 420.0, height = 300.0, left = 50.0, bottom = 40.0, top = 15.0, right = 15.0
        let values = entry.points.map(\.outcome)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad; high += pad
        let maxTasks = Double(entry.points.map(\.tasks).max() ?? 1)
        func x(_ percent: Double) -> Double { left + percent / 100 * (width - left - right) }
        func y(_ value: Double) -> Double { height - bottom - (value - low) / (high - low) * (height - bottom - top) }
        var svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"scatter of screen percent against \(escape(entry.metric))\">"
        svg += axes(width: width, height: height, left: left, bottom: bottom, top: top, right: right)
        for tick in stride(from: 0.0, through: 100, by: 20) {
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(height - bottom + 15))\" font-size=\"10\" text-anchor=\"middle\">\(Int(tick))</text>"
        }
        for k in 0...4 {
            let value = low + Double(k) / 4 * (high - low)
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(y(value) + 3))\" font-size=\"10\" text-anchor=\"end\">\(number(value, 2))</text>"
        }
        for point in entry.points {
            let radius = 2 + 5 * (Double(point.tasks) / maxTasks).squareRoot()
            svg += "<circle cx=\"\(f(x(point.percent)))\" cy=\"\(f(y(point.outcome)))\" r=\"\(f(radius))\" fill=\"#1f77b4\" fill-opacity=\"0.45\"/>"
        }
        svg += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 5))\" font-size=\"11\" text-anchor=\"middle\">screen percent</text>"
        svg += "</svg><figcaption>Each dot is a member: screen percent against their task-weighted mean \(escape(entry.metric)); dot area grows with tasks.</figcaption></figure>"
        return svg
    }

    /// Mean outcome by score band, as bars (empty bands left blank).
    static func expectancy(_ entry: ValidityReport.BankValidity) -> String {
        let width = 420.0, height = 300.0, left = 50.0, bottom = 40.0, top = 15.0, right = 15.0
        let means = entry.expectancy.compactMap(\.meanOutcome)
        var low = min(0, means.min() ?? 0), high = means.max() ?? 1
        if high - low < 1e-9 { high = low + 1 }
        let slot = (width - left - right) / Double(max(entry.expectancy.count, 1))
        func y(_ value: Double) -> Double { height - bottom - (value - low) / (high - low) * (height - bottom - top) }
        var svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"expectancy chart\">"
        svg += axes(width: width, height: height, left: left, bottom: bottom, top: top, right: right)
        for (k, band) in entry.expectancy.enumerated() {
            let x = left + Double(k) * slot
            svg += "<text x=\"\(f(x + slot / 2))\" y=\"\(f(height - bottom + 15))\" font-size=\"9\" text-anchor=\"middle\">\(Int(band.lower))</text>"
            guard let mean = band.meanOutcome else { continue }
            svg += "<rect x=\"\(f(x + 3))\" y=\"\(f(y(mean)))\" width=\"\(f(slot - 6))\" height=\"\(f(y(low) - y(mean)))\" fill=\"#2ca02c\" fill-opacity=\"0.7\"/>"
            svg += "<text x=\"\(f(x + slot / 2))\" y=\"\(f(y(mean) - 3))\" font-size=\"9\" text-anchor=\"middle\">\(number(mean, 2)) (\(band.members))</text>"
        }
        svg += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 5))\" font-size=\"11\" text-anchor=\"middle\">score band (percent, lower bound)</text>"
        svg += "</svg><figcaption>Expectancy: the task-weighted mean \(escape(entry.metric)) of the members in each 10-point band of screen percent (members in brackets).</figcaption></figure>"
        return svg
    }

    /// Each item's point-biserial with its interval, on a −1…1 axis; flagged items in orange.
    static func itemChart(_ entry: ValidityReport.BankValidity) -> String {
        let rowHeight = 16.0, left = 140.0, right = 20.0, width = 520.0, top = 20.0
        let height = top + rowHeight * Double(entry.items.count) + 30
        func x(_ r: Double) -> Double { left + (r + 1) / 2 * (width - left - right) }
        var svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"per-item validity\">"
        svg += "<line x1=\"\(f(x(0)))\" y1=\"\(f(top - 5))\" x2=\"\(f(x(0)))\" y2=\"\(f(height - 25))\" stroke=\"#888\"/>"
        for tick in [-1.0, -0.5, 0, 0.5, 1] {
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(height - 10))\" font-size=\"10\" text-anchor=\"middle\">\(number(tick, 1))</text>"
        }
        for (k, item) in entry.items.enumerated() {
            let cy = top + rowHeight * (Double(k) + 0.5)
            let flagged = item.flag == "wrong_way" || item.flag == "no_signal"
            let colour = flagged ? "#d95f02" : "#1f77b4"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(cy + 4))\" font-size=\"10\" text-anchor=\"end\">\(escape(String(item.itemKey.prefix(22))))</text>"
            if let interval = item.interval {
                svg += "<line x1=\"\(f(x(interval.lower)))\" y1=\"\(f(cy))\" x2=\"\(f(x(interval.upper)))\" y2=\"\(f(cy))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            }
            if let r = item.correlation {
                svg += "<circle cx=\"\(f(x(r)))\" cy=\"\(f(cy))\" r=\"3.5\" fill=\"\(colour)\"/>"
            } else {
                svg += "<text x=\"\(f(x(0) + 6))\" y=\"\(f(cy + 4))\" font-size=\"9\" fill=\"#888\">too few responses</text>"
            }
        }
        svg += "</svg><figcaption>Per item: the point-biserial correlation of answering right with \(escape(entry.metric)) and its 95 % interval; orange = predicts nothing or the wrong way.</figcaption></figure>"
        return svg
    }

    static func axes(width: Double, height: Double, left: Double, bottom: Double, top: Double, right: Double) -> String {
        "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\" stroke=\"#555\"/>"
            + "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\" stroke=\"#555\"/>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
