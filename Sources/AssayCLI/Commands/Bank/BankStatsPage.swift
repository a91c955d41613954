import AssayCore
import Foundation

/// The html form of `assay bank stats`: one self-contained page, readable with no JavaScript.
///
/// Item characteristic curves P(θ) = c + (1 − c) / (1 + e^−a(θ − b)) over θ in −4…4 and the
/// score distribution (10-point bins of percent) are drawn as inline SVG; styles are inline too.
enum BankStatsPage {
    /// The page.
    static func html(_ report: BankStatistics.Report) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(report.bankSlug)) — item statistics</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;max-width:75em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
            td.l,th.l{text-align:left}tr.review{background:#fff1e6}.flag{color:#b34700}svg{background:#fafafa;border:1px solid #ddd}
            figure{display:inline-block;margin:.5em}figcaption{font-size:.85em}
            </style></head><body>
            <h1>\(escape(report.title)) <small>(\(escape(report.bankSlug)))</small></h1>
            <p>\(report.persons) scored screens, \(report.responses) responses. Cronbach's alpha \(number(report.cronbachAlpha)); top and bottom groups of \(report.groupSize).
            \(escape(StatsCommand.calibrationLine(report))).\(report.calibrationConverged == false ? " <strong class=\"flag\">The fit did not converge: treat its parameters with caution.</strong>" : "")
            Items with fewer than \(report.minimumResponsesToFlag) responses are not flagged for review.</p>
            <h2>Score distribution</h2>
            \(histogram(report.scores))
            <h2>Items</h2>
            <table><tr><th class="l">item</th><th class="l">topic</th><th>n</th><th>facility</th><th>r(pb)</th><th>a</th><th>SE(a)</th><th>b</th><th>SE(b)</th><th class="l">review</th></tr>

            """
        for item in report.items {
            page += "<tr\(item.flags.isEmpty ? "" : " class=\"review\"")><td class=\"l\">\(escape(item.itemKey))</td><td class=\"l\">\(escape(item.topic))</td>"
                + "<td>\(item.n)</td><td>\(number(item.facility))</td><td>\(number(item.pointBiserial))</td><td>\(number(item.irt?.a))</td><td>\(number(item.irt?.seA))</td>"
                + "<td>\(number(item.irt?.b))</td><td>\(number(item.irt?.seB))</td>"
                + "<td class=\"l flag\">\(escape(item.flags.isEmpty && item.tooFewToFlag ? "too few responses to judge (\(item.n) < \(report.minimumResponsesToFlag))" : item.flags.joined(separator: "; ")))</td></tr>\n"
        }
        page += "</table>\n"
        let withOptions = report.items.filter { $0.options != nil }
        if !withOptions.isEmpty {
            page += "<h2>Distractors (single-choice items)</h2>\n"
            for item in withOptions {
                page += "<h3>\(escape(item.itemKey))</h3><table><tr><th class=\"l\">option</th><th>all</th><th>top 27 %</th><th>bottom 27 %</th></tr>\n"
                for option in item.options ?? [] {
                    page += "<tr><td class=\"l\">\(option.letter)\(option.isKey ? " (key)" : "") \(escape(option.text))</td>"
                        + "<td>\(number(option.all))</td><td>\(number(option.top))</td><td>\(number(option.bottom))</td></tr>\n"
                }
                page += "</table>\n"
            }
        }
        let curves = report.items.filter { $0.irt != nil }
        page += "<h2>Item characteristic curves</h2>\n"
        if curves.isEmpty {
            page += "<p>No item has IRT parameters yet.</p>\n"
        } else {
            for item in curves { page += curve(item) }
        }
        page += "</body></html>\n"
        return page
    }

    /// One item's characteristic curve as a 240 × 160 SVG.
    static func curve(_ item: BankStatistics.ItemReport) -> String {
        guard let irt = item.irt else { return "" }
        let width = 240.0, height = 160.0, margin = 24.0
        func x(_ theta: Double) -> Double { margin + (theta + 4) / 8 * (width - 2 * margin) }
        func y(_ p: Double) -> Double { height - margin - p * (height - 2 * margin) }
        let points = stride(from: -4.0, through: 4.0, by: 0.1).map { theta -> String in
            let p = irt.c + (1 - irt.c) / (1 + exp(-irt.a * (theta - irt.b)))
            return String(format: "%.1f,%.1f", x(theta), y(p))
        }.joined(separator: " ")
        let label = String(format: "a %.2f", irt.a) + (irt.seA.map { String(format: " (SE %.2f)", $0) } ?? "")
            + String(format: ", b %.2f", irt.b) + (irt.seB.map { String(format: " (SE %.2f)", $0) } ?? "")
        return """
            <figure><svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="ICC of \(escape(item.itemKey))">
            <line x1="\(margin)" y1="\(y(0))" x2="\(width - margin)" y2="\(y(0))" stroke="#999"/><line x1="\(x(0))" y1="\(y(0))" x2="\(x(0))" y2="\(y(1))" stroke="#ccc"/>
            <line x1="\(margin)" y1="\(y(0.5))" x2="\(width - margin)" y2="\(y(0.5))" stroke="#eee"/>
            <polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="\(points)"/>
            <text x="\(margin)" y="\(height - 6)" font-size="10">θ −4</text><text x="\(width - margin - 20)" y="\(height - 6)" font-size="10">+4</text>
            <text x="2" y="\(y(1) + 4)" font-size="10">1</text><text x="2" y="\(y(0) + 4)" font-size="10">0</text>
            </svg><figcaption>\(escape(item.itemKey)): \(label)</figcaption></figure>

            """
    }

    /// The score distribution as a histogram of 10-point bins.
    static func histogram(_ scores: [Double]) -> String {
        var bins = [Int](repeating: 0, count: 10)
        for score in scores { bins[min(9, max(0, Int(score / 10)))] += 1 }
        let top = max(1, bins.max() ?? 1)
        let width = 420.0, height = 180.0, margin = 24.0
        let barWidth = (width - 2 * margin) / 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"score distribution\">\n"
        for (index, count) in bins.enumerated() {
            let h = Double(count) / Double(top) * (height - 2 * margin)
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#6a9fd8\"><title>%d–%d %%: %d</title></rect>\n",
                          margin + Double(index) * barWidth + 1, height - margin - h, barWidth - 2, h, index * 10, index * 10 + 10, count)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%d</text>\n", margin + Double(index) * barWidth + 2, height - 8, index * 10)
            if count > 0 {
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%d</text>\n", margin + Double(index) * barWidth + 4, height - margin - h - 3, count)
            }
        }
        svg += "</svg>\n"
        return svg
    }

    /// Text made safe for HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
