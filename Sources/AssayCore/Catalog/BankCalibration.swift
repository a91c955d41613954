public import Foundation
public import Postgres
public import Psychometrics

/// IRT calibrations of a bank from its stored responses: fit, store as a new calibration (earlier
/// ones are kept), and read back.
///
/// **The data.** Every answered, scored `screen_items` row of every `scored` screen of the bank's
/// slug, over all the bank's versions. Each screen is one person (a retake is another person).
/// An item is an item version (`items.id`): the same `item_key` counts as the same item across
/// bank versions exactly when its content (and so its content hash) is unchanged, because the
/// catalog stores identical content once. Items shown but not answered are left out (missing,
/// not wrong: a candidate who ran out of time did not fail them). A response scores 1 when it
/// earned at least half of the item's points (`points / max_points ≥ 0.5`, so full credit on
/// single-choice, true/false, numeric and short-text items, and ½ or more on partial-credit
/// multiple-response, ordering and graded essay items), else 0.
///
/// **The fit.** ``Calibrator`` (Bock–Aitkin MML-EM, N(0, 1) latent distribution, 41 nodes,
/// convergence when no a or b moves by 1e-4 in a cycle). Fit statistics stored: the marginal
/// log-likelihood at the last E-step, AIC = −2 logL + 2k and BIC = −2 logL + k ln(persons),
/// with k the number of estimated parameters (2 per estimated item for 2PL, 1 for Rasch).
///
/// Uses one connection; not `Sendable`.
public struct BankCalibration {
    /// The connection used.
    public let connection: Connection

    /// A calibration service over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// One stored calibration.
    public struct Summary: Sendable, Codable {
        /// The calibration's id.
        public var id: Int
        /// The bank's slug.
        public var bankSlug: String
        /// When it was made (server time).
        public var createdAt: Date
        /// Who made it.
        public var createdBy: String
        /// `2pl` or `rasch`.
        public var model: String
        /// Screens whose responses were used.
        public var persons: Int
        /// Responses used.
        public var responses: Int
        /// Items that received parameters.
        public var itemsEstimated: Int
        /// The per-item minimum used.
        public var minResponses: Int
        /// EM cycles run.
        public var iterations: Int
        /// Whether the convergence rule was met.
        public var converged: Bool
        /// The largest parameter change in the last EM cycle (nil when not recorded).
        public var lastChange: Double?
        /// Why the calibration would have been refused, when it was stored with `force`
        /// (from its `bank.calibrate` event); empty otherwise.
        public var forcedDespite: [String]
        /// The marginal log-likelihood.
        public var logLikelihood: Double
        /// Akaike's information criterion.
        public var aic: Double
        /// The Bayesian information criterion.
        public var bic: Double
        /// Every item, in the bank's current order, then items of earlier versions.
        public var items: [CalibratedBankItem]
    }

    /// One item of a calibration.
    public struct CalibratedBankItem: Sendable, Codable {
        /// The item version's id (`items.id`).
        public var itemID: Int
        /// The item's key in its bank file.
        public var itemKey: String
        /// Its topic.
        public var topic: String
        /// Discrimination, when estimated.
        public var a: Double?
        /// Difficulty, when estimated.
        public var b: Double?
        /// Lower asymptote (0 for the models fitted).
        public var c: Double
        /// Standard error of a (2PL only).
        public var seA: Double?
        /// Standard error of b.
        public var seB: Double?
        /// Responses to the item.
        public var n: Int
        /// Their proportion scoring 1.
        public var pCorrect: Double
        /// `estimated`, `all-correct`, `all-wrong` or `too-few-responses`.
        public var status: String
        /// Whether an estimate ended on a bound (review the item).
        public var atBound: Bool
    }

    /// One stored response, as calibration and item statistics read it.
    struct StoredResponse {
        var screen: Int
        var itemID: Int
        var points: Double
        var maxPoints: Double
        var answer: String?
    }

    /// The responses calibration uses (see the type's discussion).
    static func responses(bank slug: String, _ connection: Connection) throws -> [StoredResponse] {
        try connection.query("""
            SELECT si.screen_id, si.item_id, si.points, si.max_points, si.answer::text AS answer
            FROM screens s JOIN screen_items si ON si.screen_id = s.id
            WHERE s.bank_slug = $1 AND s.status = 'scored' AND si.answered_at IS NOT NULL AND si.points IS NOT NULL
            ORDER BY si.screen_id, si.position
            """, [slug]).map {
            StoredResponse(screen: try $0.decode("screen_id"), itemID: try $0.decode("item_id"), points: try $0.decode("points"),
                           maxPoints: try $0.decode("max_points"), answer: try $0.decode("answer"))
        }
    }

    /// The items to report on: the current version's, in order, then any other answered item.
    static func items(bank slug: String, answered: Set<Int>, _ connection: Connection) throws -> [(id: Int, key: String, topic: String, content: PostgresJSON)] {
        let rows = try connection.query("""
            SELECT i.id, i.item_key, i.topic, i.content, bi.position FROM items i
            LEFT JOIN bank_items bi ON bi.item_id = i.id AND bi.bank_id = (SELECT id FROM banks WHERE slug = $1 AND is_current)
            WHERE i.bank_slug = $1 AND (bi.position IS NOT NULL OR i.id = ANY ($2::bigint[]))
            ORDER BY bi.position NULLS LAST, i.item_key, i.id
            """, [slug, answered.sorted()])
        return try rows.map { (try $0.decode("id"), try $0.decode("item_key"), try $0.decode("topic"), try $0.decode("content")) }
    }

    /// The share of the current version's items a calibration must estimate to be stored
    /// without `force`.
    public static let minimumEstimatedShare = 0.8

    /// Fits the bank's items from its stored responses and stores the result as a new calibration.
    ///
    /// A calibration that adaptive screens would rely on must be sound: one whose EM did not
    /// converge, or that estimated fewer than ``minimumEstimatedShare`` (80 %) of the items of the
    /// bank's current version, is refused with the reasons (nothing stored) unless `force` is set;
    /// a forced calibration's event says it was forced and why it would have been refused.
    ///
    /// - Parameters:
    ///   - slug: the bank's slug.
    ///   - model: ``IRTModel/twoParameter`` or ``IRTModel/rasch``.
    ///   - minimumResponses: items with fewer responses are stored as `too-few-responses`.
    ///   - force: store the calibration even when it did not converge or estimated too few items.
    ///   - maximumIterations: the EM cycle limit (default 500).
    ///   - actor: who calibrates, for the calibration row and the audit trail.
    /// - Returns: the stored calibration.
    /// - Throws: ``AssayError``: a 3PL model (field `model`) or a minimum below 1 (field
    ///   `minimumResponses`); an unknown bank (`notFound`); too few responses to estimate any
    ///   item, with the counts found (`badInput`, field `minimumResponses`); a fit that did not
    ///   converge or estimated under 80 % of the items, without `force` (`badInput`, saying
    ///   which); ``PostgresError``.
    public func calibrate(bank slug: String, model: IRTModel, minimumResponses: Int, force: Bool = false, maximumIterations: Int = 500,
                          actor: String) throws -> Summary {
        guard model != .threeParameter else { throw AssayError(.badInput, "must be 2pl or rasch; 3PL items are not calibrated from responses", field: "model") }
        guard minimumResponses >= 1 else { throw AssayError(.badInput, "must be at least 1, is \(minimumResponses)", field: "minimumResponses") }
        guard maximumIterations >= 1 else { throw AssayError(.badInput, "must be at least 1, is \(maximumIterations)", field: "maximumIterations") }
        let known: Int = try connection.query("SELECT count(*)::int FROM banks WHERE slug = $1", [slug]).one().decode(0)
        guard known > 0 else { throw AssayError(.notFound, "no bank '\(slug)'; assay bank list shows the banks") }
        let responses = try Self.responses(bank: slug, connection)
        let items = try Self.items(bank: slug, answered: Set(responses.map(\.itemID)), connection)
        let itemIndex = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1.id, $0) })
        var personIndex: [Int: Int] = [:]
        var observations: [ResponseMatrix.Observation] = []
        for response in responses {
            guard let item = itemIndex[response.itemID] else { continue }
            let person = personIndex[response.screen] ?? personIndex.count
            personIndex[response.screen] = person
            observations.append(.init(person: person, item: item, correct: AbilityEstimates.isSuccess(points: response.points, of: response.maxPoints)))
        }
        let matrix = try ResponseMatrix(personCount: personIndex.count, itemCount: items.count, observations: observations)
        let result: CalibrationResult
        do {
            result = try Calibrator(model: model, maximumIterations: maximumIterations, minimumResponses: minimumResponses).calibrate(matrix)
        } catch let error as PsychometricsError where error.code == .invalidData {
            let best = items.indices.map { index in observations.filter { $0.item == index }.count }.max() ?? 0
            throw AssayError(.badInput, "too few responses to calibrate \(slug): \(personIndex.count) scored screens with \(observations.count) answered items, the most-answered item has \(best); every item needs at least \(minimumResponses) responses with both right and wrong answers",
                             field: "minimumResponses")
        }
        let estimated = result.items.filter { $0.status == .estimated }.count
        // The items it was asked to estimate: the current version's (what adaptive screens draw).
        let current = Set(try connection.query("""
            SELECT bi.item_id FROM bank_items bi JOIN banks b ON b.id = bi.bank_id WHERE b.slug = $1 AND b.is_current
            """, [slug]).map { try $0.decode("item_id", as: Int.self) })
        let estimatedCurrent = result.items.filter { $0.status == .estimated && current.contains(items[$0.item].id) }.count
        var problems: [String] = []
        if !result.converged {
            problems.append("the fit did not converge in \(result.iterations) EM cycles (last change \(String(format: "%.2g", result.lastChange)), needs below 1e-4)")
        }
        let needed = Int((Self.minimumEstimatedShare * Double(current.count)).rounded(.up))
        if estimatedCurrent < needed {
            let reasons = Dictionary(grouping: result.items.filter { $0.status != .estimated && current.contains(items[$0.item].id) }, by: \.status.rawValue)
                .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
            problems.append("it estimated \(estimatedCurrent) of the \(current.count) items of the current version, under the 80% needed (\(needed))"
                            + (reasons.isEmpty ? "" : ": \(reasons)"))
        }
        if !problems.isEmpty, !force {
            throw AssayError(.badInput, "calibration of \(slug) not stored: " + problems.joined(separator: "; and "),
                             hint: "collect more scored screens (assay bank stats \(slug) shows each item's responses) or lower --min-responses; --force stores it anyway, and adaptive screens would use it")
        }
        let k = Double(estimated * (model == .twoParameter ? 2 : 1))
        let aic = -2 * result.logLikelihood + 2 * k
        let bic = -2 * result.logLikelihood + k * log(Double(max(1, personIndex.count)))
        let id = try connection.withTransaction { tx -> Int in
            let id: Int = try tx.query("""
                INSERT INTO calibrations (bank_slug, created_by, model, persons, responses, items_estimated, min_responses, iterations,
                                          converged, last_change, log_likelihood, aic, bic)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id
                """, [slug, actor, model.rawValue, personIndex.count, observations.count, estimated, minimumResponses, result.iterations,
                      result.converged, result.lastChange.isFinite ? result.lastChange : -1, result.logLikelihood, aic, bic]).one().decode("id")
            for item in result.items {
                let p = item.parameters
                try tx.execute("""
                    INSERT INTO calibration_items (calibration_id, item_id, a, b, c, se_a, se_b, n, p_correct, status, at_bound)
                    VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $10)
                    """, [id, items[item.item].id, p?.a, p?.b, item.standardErrorA, item.standardErrorB, item.responseCount,
                          item.proportionCorrect, item.status.rawValue, item.atBound])
            }
            try AuditTrail(tx).record(.bankCalibrate, actor: actor, subject: .calibration(id),
                                      details: CalibrateDetails(bank: slug, model: model.rawValue, persons: personIndex.count, responses: observations.count,
                                                                itemsEstimated: estimated, currentItems: current.count, converged: result.converged,
                                                                forced: problems.isEmpty ? nil : true, problems: problems.isEmpty ? nil : problems))
            return id
        }
        return try calibration(id: id)
    }

    /// The details of a `bank.calibrate` event.
    private struct CalibrateDetails: Encodable {
        var bank: String
        var model: String
        var persons: Int
        var responses: Int
        var itemsEstimated: Int
        var currentItems: Int
        var converged: Bool
        /// Set when `force` stored a calibration that would have been refused.
        var forced: Bool?
        /// Why it would have been refused.
        var problems: [String]?

        enum CodingKeys: String, CodingKey {
            case bank, model, persons, responses, itemsEstimated = "items_estimated", currentItems = "current_items", converged, forced, problems
        }
    }

    /// The latest calibration of a bank, or nil when it has none.
    ///
    /// - Throws: ``PostgresError``.
    public func latest(bank slug: String) throws -> Summary? {
        let id: Int? = try connection.query("SELECT max(id) AS id FROM calibrations WHERE bank_slug = $1", [slug]).one().decode("id")
        return try id.map { try calibration(id: $0) }
    }

    /// Every calibration of a bank, newest first, without their items.
    ///
    /// - Throws: ``PostgresError``.
    public func history(bank slug: String) throws -> [Summary] {
        try connection.query("SELECT id FROM calibrations WHERE bank_slug = $1 ORDER BY id DESC", [slug])
            .map { var summary = try calibration(id: try $0.decode("id")); summary.items = []; return summary }
    }

    /// One calibration by id.
    ///
    /// - Throws: ``AssayError`` with code `notFound`; ``PostgresError``.
    public func calibration(id: Int) throws -> Summary {
        guard let row = try connection.query("SELECT * FROM calibrations WHERE id = $1", [id]).first else {
            throw AssayError(.notFound, "no calibration \(id)")
        }
        let slug: String = try row.decode("bank_slug")
        let problems = try connection.query("""
            SELECT coalesce(details->'problems', '[]'::jsonb) AS problems FROM events
            WHERE action = $2 AND subject_type = 'calibration' AND subject_id = $1 ORDER BY id LIMIT 1
            """, [id, AuditAction.bankCalibrate.rawValue]).first.map { try $0.decode("problems", as: PostgresJSON.self).decode([String].self) } ?? []
        let items = try connection.query("""
            SELECT ci.*, i.item_key, i.topic FROM calibration_items ci JOIN items i ON i.id = ci.item_id
            LEFT JOIN bank_items bi ON bi.item_id = i.id AND bi.bank_id = (SELECT id FROM banks WHERE slug = $2 AND is_current)
            WHERE ci.calibration_id = $1 ORDER BY bi.position NULLS LAST, i.item_key, i.id
            """, [id, slug]).map {
            CalibratedBankItem(itemID: try $0.decode("item_id"), itemKey: try $0.decode("item_key"), topic: try $0.decode("topic"),
                               a: try $0.decode("a"), b: try $0.decode("b"), c: try $0.decode("c"), seA: try $0.decode("se_a"),
                               seB: try $0.decode("se_b"), n: try $0.decode("n"), pCorrect: try $0.decode("p_correct"),
                               status: try $0.decode("status"), atBound: try $0.decode("at_bound"))
        }
        return Summary(id: id, bankSlug: slug, createdAt: try row.decode("created_at"), createdBy: try row.decode("created_by"),
                       model: try row.decode("model"), persons: try row.decode("persons"), responses: try row.decode("responses"),
                       itemsEstimated: try row.decode("items_estimated"), minResponses: try row.decode("min_responses"),
                       iterations: try row.decode("iterations"), converged: try row.decode("converged"),
                       lastChange: try row.decode("last_change", as: Double?.self).flatMap { $0 < 0 ? nil : $0 }, forcedDespite: problems,
                       logLikelihood: try row.decode("log_likelihood"), aic: try row.decode("aic"), bic: try row.decode("bic"), items: items)
    }
}
