import Foundation
public import Postgres
public import Psychometrics
internal import Banks

/// Builds the ``ValidityReport``: joins each pool member's evidence screen (percent, θ̂, credit
/// on each item) to their work outcomes, per bank version and metric, and runs the statistics of
/// Psychometrics on it.
///
/// A member's outcome in a metric is the task-weighted mean of all their rows of that metric in
/// the member's domain (every project and period), weighted by the total of their tasks. The
/// applicant group for the range-restriction correction and the pass-mark analysis is every
/// scored screen on the bank version.
public struct ValidityAnalysis {
    /// The connection used.
    public let connection: Connection
    /// The bootstrap behind every interval.
    public let bootstrap: PercentileBootstrap
    /// The fewest members with outcomes a correlation is computed on.
    public let minimumMembers: Int
    /// The member count (for an item: response count) from which intervals are analytic —
    /// Fisher's z with the Kish effective sample size — instead of bootstrapped.
    public let analyticFrom: Int

    /// An analysis over a migrated database.
    ///
    /// - Parameters:
    ///   - connection: the connection.
    ///   - bootstrap: replicates, seed and level of the intervals (1000, seed 2026, 95 % by default).
    ///   - minimumMembers: the fewest members a correlation, an item or a pass mark rests on (10).
    ///   - analyticFrom: the member (or item response) count from which intervals are Fisher's z
    ///     with the Kish effective sample size (``ItemValidity/analyticThreshold``, 20,000, by default).
    /// - Throws: ``PsychometricsError`` if the default bootstrap were invalid (it is not).
    public init(connection: Connection, bootstrap: PercentileBootstrap? = nil, minimumMembers: Int = 10,
                analyticFrom: Int = ItemValidity.analyticThreshold) throws {
        self.connection = connection
        self.bootstrap = try bootstrap ?? PercentileBootstrap()
        self.minimumMembers = minimumMembers
        self.analyticFrom = analyticFrom
    }

    /// The report.
    ///
    /// - Parameters:
    ///   - bank: only this bank's versions (a slug).
    ///   - metric: only this metric.
    /// - Returns: the report (with no entries when no member has outcomes yet).
    /// - Throws: ``AssayError`` (not found, exit 2) for an unknown bank or a metric no outcome
    ///   has; ``PostgresError``; ``PsychometricsError`` for data the statistics refuse.
    public func report(bank: String? = nil, metric: String? = nil) throws -> ValidityReport {
        if let bank {
            let known = try connection.query("SELECT 1 FROM banks WHERE slug = $1 LIMIT 1", [bank])
            if known.count == 0 {
                let slugs = try connection.query("SELECT DISTINCT slug FROM banks ORDER BY slug").map { try $0.decode("slug", as: String.self) }
                throw AssayError(.notFound, "no bank '\(bank)'; the banks are \(slugs.isEmpty ? "(none yet: assay bank sync)" : slugs.joined(separator: ", "))", field: "bank")
            }
        }
        // With --metric, a probe that stops at the first row instead of reading every row's metric.
        let metrics = try metric.flatMap { name in
            try connection.query("SELECT 1 FROM work_outcomes WHERE metric = $1 LIMIT 1", [name]).count > 0 ? [name] : nil
        } ?? connection.query("SELECT DISTINCT metric FROM work_outcomes ORDER BY metric").map { try $0.decode("metric", as: String.self) }
        if let metric, !metrics.contains(metric) {
            throw AssayError(.notFound, "no outcome has the metric '\(metric)'; the metrics imported are \(metrics.isEmpty ? "(none yet: assay outcomes import)" : metrics.joined(separator: ", "))", field: "metric")
        }
        let versions = try connection.query("""
            SELECT b.id, b.slug, b.version, b.domain, b.settings FROM banks b
            WHERE ($1::text IS NULL OR b.slug = $1)
              AND EXISTS (SELECT 1 FROM pool_members m JOIN screens s ON s.id = ANY (m.evidence_screens) WHERE s.bank_id = b.id)
            ORDER BY b.slug, b.version
            """, [bank])
        var entries: [ValidityReport.BankValidity] = []
        for version in versions {
            let settings = try version.decode("settings", as: PostgresJSON.self).decode(BankSettings.self)
            for name in metrics where metric == nil || name == metric {
                if let entry = try analyse(bankID: try version.decode("id"), slug: try version.decode("slug"), version: try version.decode("version"),
                                           domain: try version.decode("domain"), passRule: settings.passRule, metric: name) {
                    entries.append(entry)
                }
            }
        }
        return ValidityReport(bootstrapReplicates: bootstrap.replicates, bootstrapSeed: bootstrap.seed, confidenceLevel: bootstrap.level,
                              minimumMembers: minimumMembers, analyticFrom: analyticFrom, banks: entries)
    }

    private func analyse(bankID: Int, slug: String, version: Int, domain: String, passRule: PassRule, metric: String) throws -> ValidityReport.BankValidity? {
        let rows = try connection.query("""
            SELECT s.id AS screen_id, s.score_percent, s.theta, o.value, o.tasks
            FROM pool_members m
            JOIN screens s ON s.id = ANY (m.evidence_screens) AND s.bank_id = $1
            JOIN (SELECT expert_id, domain, sum(value * tasks) / sum(tasks) AS value, sum(tasks)::bigint AS tasks
                  FROM work_outcomes WHERE metric = $2 GROUP BY expert_id, domain) o
              ON o.expert_id = m.expert_id AND o.domain = m.domain
            WHERE s.score_percent IS NOT NULL
            ORDER BY s.id
            """, [bankID, metric])
        guard rows.count > 0 else { return nil }
        var screenIDs: [Int] = []
        var points: [ValidityReport.Point] = []
        for row in rows {
            screenIDs.append(try row.decode("screen_id"))
            points.append(ValidityReport.Point(percent: try row.decode("score_percent"), theta: try row.decode("theta", as: Double?.self),
                                               outcome: try row.decode("value"), tasks: try row.decode("tasks")))
        }
        let percent = points.map(\.percent), outcome = points.map(\.outcome), tasks = points.map { Double($0.tasks) }
        let applicantRows = try connection.query("SELECT score_percent, theta FROM screens WHERE bank_id = $1 AND status = $2 AND score_percent IS NOT NULL",
                                                 [bankID, ScreenStatus.scored.rawValue])
        var applicantPercent: [Double] = []
        var applicantTheta: [Double] = []
        for row in applicantRows {
            applicantPercent.append(try row.decode("score_percent"))
            if let theta = try row.decode("theta", as: Double?.self) { applicantTheta.append(theta) }
        }
        let poolSize: Int = try connection.query("""
            SELECT count(*) AS n FROM pool_members m
            WHERE m.status = 'active' AND m.expires_at > now()
              AND EXISTS (SELECT 1 FROM screens s WHERE s.id = ANY (m.evidence_screens) AND s.bank_id = $1)
            """, [bankID]).one().decode("n")
        let direction = OutcomeMetric.direction(of: metric)
        var notes: [String] = []

        var entry = ValidityReport.BankValidity(
            bankSlug: slug, bankVersion: version, domain: domain, metric: metric, direction: direction.rawValue,
            members: points.count, tasks: points.reduce(0) { $0 + $1.tasks }, applicants: applicantPercent.count, poolSize: poolSize,
            meanOutcome: WeightedCorrelation.mean(outcome, weights: tasks), percent: nil, theta: nil, items: [], expectancy: [],
            passMark: nil, notes: [], points: points)

        let withTheta = points.indices.filter { points[$0].theta != nil }
        if points.count >= minimumMembers {
            // When every member has θ̂, both predictors' bootstraps share one set of draws.
            let thetaAlike = withTheta.count == points.count ? [withTheta.compactMap { points[$0].theta }] : []
            let results = try predictors([percent] + thetaAlike, outcome, tasks, applicants: [applicantPercent, applicantTheta],
                                         names: ["percent", "theta"], notes: &notes)
            entry.percent = results[0]
            if results.count > 1 { entry.theta = results[1] }
        } else {
            notes.append("only \(points.count) member(s) with \(metric) outcomes; correlations, items and pass marks need at least \(minimumMembers)")
        }
        if withTheta.count >= minimumMembers, withTheta.count < points.count {
            entry.theta = try predictors([withTheta.compactMap { points[$0].theta }], withTheta.map { outcome[$0] }, withTheta.map { tasks[$0] },
                                         applicants: [applicantTheta], names: ["theta"], notes: &notes)[0]
        }
        if points.count >= analyticFrom {
            notes.append("\(points.count) members: the intervals of r and ρ, and of items shown to at least \(analyticFrom) of them, are Fisher's z with the Kish effective sample size (docs/validity.md), not the bootstrap")
        }

        // Per-item validity, in the bank's order.
        let order = try connection.query("""
            SELECT i.item_key FROM bank_items bi JOIN items i ON i.id = bi.item_id WHERE bi.bank_id = $1 ORDER BY bi.position
            """, [bankID]).map { try $0.decode("item_key", as: String.self) }
        let memberIndex = Dictionary(uniqueKeysWithValues: screenIDs.enumerated().map { ($1, $0) })
        // One row per item with its responses as two arrays: 50 rows instead of 5,000,000 at
        // 100,000 members (each row decoded costs more than an array element). The screens are
        // joined as a set (`= ANY ($1)` tested each of 12.5M rows against the array: 27 s) and
        // grouped by hash with the memory that takes; each item is put in member order here.
        var responses: [String: [(member: Int, credit: Double)]] = [:]
        try connection.withTransaction { tx in
            try tx.execute("SET LOCAL work_mem = '256MB'")
            for row in try tx.query("""
                SELECT i.item_key, a.screens, a.credits
                FROM (SELECT si.item_id, array_agg(si.screen_id) AS screens, array_agg(si.points::float8 / si.max_points::float8) AS credits
                      FROM unnest($1::bigint[]) AS chosen (screen_id)
                      JOIN screen_items si ON si.screen_id = chosen.screen_id
                      WHERE si.points IS NOT NULL AND si.max_points > 0
                      GROUP BY si.item_id) a
                JOIN items i ON i.id = a.item_id
                """, [screenIDs]) {
                let screens: [Int] = try row.decode("screens"), credits: [Double] = try row.decode("credits")
                var item: [(member: Int, credit: Double)] = []
                item.reserveCapacity(screens.count)
                for (screen, credit) in zip(screens, credits) {
                    guard let member = memberIndex[screen] else { continue }
                    item.append((member: member, credit: min(1, max(0, credit))))
                }
                responses[try row.decode("item_key"), default: []] += item
            }
        }
        for key in responses.keys { responses[key]?.sort { $0.member < $1.member } }
        let keys = order + responses.keys.filter { !order.contains($0) }.sorted()
        let items = try ItemValidity.analyse(items: keys.map { responses[$0] ?? [] }, outcomes: outcome, weights: tasks,
                                             direction: direction, bootstrap: bootstrap, minimumResponses: minimumMembers,
                                             analyticFrom: analyticFrom)
        entry.items = zip(keys, items).map { key, item in
            ValidityReport.ItemRow(itemKey: key, responses: item.responses, facility: item.facility, correlation: item.correlation,
                                   interval: item.interval, flag: item.flag?.rawValue)
        }

        entry.expectancy = try ExpectancyTable(scores: percent.map { min(100, max(0, $0)) }, outcomes: outcome, weights: tasks).bands.map {
            ValidityReport.Band(lower: $0.lower, upper: $0.upper, members: $0.members, tasks: $0.tasks, meanOutcome: $0.meanOutcome)
        }

        if let mark = passRule.minPercent {
            let analysis = try PassMarkAnalysis(memberScores: percent, outcomes: outcome, weights: tasks, applicantScores: applicantPercent,
                                                poolSize: poolSize, currentMark: mark, direction: direction, minimumMembers: minimumMembers)
            entry.passMark = ValidityReport.PassMark(
                currentMark: mark, currentExpectedOutcome: analysis.current.expectedOutcome,
                bestMark: analysis.best?.mark, bestExpectedOutcome: analysis.best?.expectedOutcome,
                bestApplicants: analysis.best?.applicants, bestMembers: analysis.best?.members,
                poolSize: poolSize, minimumMembers: minimumMembers)
            if analysis.best == nil {
                notes.append("no pass mark could fill the pool of \(poolSize) on at least \(minimumMembers) members with outcomes")
            }
        } else {
            notes.append("the bank passes on θ only; the pass-mark analysis is on percent and is left out")
        }
        entry.notes = notes
        return entry
    }

    /// The validity of each predictor (percent, then θ̂) over the same members: r, ρ, their
    /// intervals (bootstrap with shared draws, or Fisher's z from ``analyticFrom`` members) and
    /// the range-restriction correction against the applicants' spread.
    private func predictors(_ xs: [[Double]], _ y: [Double], _ w: [Double], applicants: [[Double]], names: [String],
                            notes: inout [String]) throws -> [ValidityReport.PredictorValidity] {
        let analytic = y.count >= analyticFrom
        let intervals = analytic ? [] : try WeightedCorrelation.correlationIntervals(xs, y, weights: w, bootstrap: bootstrap)
        return try xs.indices.map { p in
            let x = xs[p], name = names[p]
            var result = ValidityReport.PredictorValidity(members: x.count)
            if let r = try WeightedCorrelation.pearson(x, y, weights: w) {
                let interval = analytic ? WeightedCorrelation.fisherInterval(r, weights: w, level: bootstrap.level) : intervals[p].pearson
                result.pearson = ValidityReport.Coefficient(value: r, interval: interval)
            } else {
                notes.append("\(name): no spread in the members' \(name) or outcomes, so no correlation")
            }
            if let rho = try WeightedCorrelation.spearman(x, y, weights: w) {
                let interval = analytic ? WeightedCorrelation.fisherInterval(rho, weights: w, level: bootstrap.level, varianceFactor: WeightedCorrelation.spearmanVarianceFactor)
                    : intervals[p].spearman
                result.spearman = ValidityReport.Coefficient(value: rho, interval: interval)
            }
            result.restrictedSd = WeightedCorrelation.standardDeviation(x, weights: w)
            result.applicantSd = applicants[p].count >= 2 ? WeightedCorrelation.standardDeviation(applicants[p], weights: applicants[p].map { _ in 1 }) : nil
            if let pearson = result.pearson, let s = result.restrictedSd, let big = result.applicantSd, s > 0, big > 0 {
                let correct = { (r: Double) throws -> Double in try RangeRestriction.thorndikeCaseII(r, restrictedSD: s, unrestrictedSD: big) }
                result.corrected = ValidityReport.Coefficient(value: try correct(pearson.value), interval: try pearson.interval?.mapped(correct))
            }
            return result
        }
    }
}
