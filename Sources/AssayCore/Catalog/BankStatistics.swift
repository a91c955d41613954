import Banks
public import Foundation
public import Postgres
import Psychometrics

/// Item statistics of a bank from its stored responses: classical statistics (facility,
/// corrected point-biserial, distractor analysis by top and bottom 27 %, Cronbach's alpha), the
/// latest calibration's IRT parameters, and the items to review.
///
/// The responses are those ``BankCalibration`` uses (answered items of scored screens, all
/// versions, one person per screen). Screens draw part of a bank, so the classical statistics are
/// the available-case ones of ``ClassicalItemAnalysis/analyze(sparseScores:maximumPoints:choices:)``,
/// which equal the usual ones when every screen answered every item. Distractor analysis covers
/// single-choice items.
///
/// Uses one connection; not `Sendable`.
public struct BankStatistics {
    /// The connection used.
    public let connection: Connection

    /// A statistics service over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// The whole report.
    public struct Report: Sendable, Codable {
        /// The bank's slug.
        public var bankSlug: String
        /// Its title (current version).
        public var title: String
        /// Scored screens with at least one answered item.
        public var persons: Int
        /// Answered items used.
        public var responses: Int
        /// Cronbach's alpha (nil when it cannot be estimated).
        public var cronbachAlpha: Double?
        /// Persons in each of the top and bottom groups.
        public var groupSize: Int
        /// Each scored screen's score in percent (the score distribution).
        public var scores: [Double]
        /// The latest calibration's id, date and model, when there is one.
        public var calibrationID: Int?
        /// When the latest calibration ran.
        public var calibratedAt: Date?
        /// The latest calibration's model.
        public var calibrationModel: String?
        /// Whether the latest calibration's fit converged.
        public var calibrationConverged: Bool?
        /// The latest calibration's EM cycles.
        public var calibrationIterations: Int?
        /// How many items the latest calibration estimated.
        public var calibrationItemsEstimated: Int?
        /// Items need at least this many responses before they are flagged for review.
        public var minimumResponsesToFlag: Int
        /// The items: the current version's in order, then other answered item versions.
        public var items: [ItemReport]
    }

    /// One item's statistics.
    public struct ItemReport: Sendable, Codable {
        /// The item version's id.
        public var itemID: Int
        /// The item's id in the bank.
        public var itemKey: String
        /// Its topic.
        public var topic: String
        /// Its type (`single_choice` …).
        public var type: String
        /// Responses.
        public var n: Int
        /// Mean proportion of the item's points earned (nil with no response).
        public var facility: Double?
        /// Corrected point-biserial discrimination.
        public var pointBiserial: Double?
        /// Single-choice items: each option, with how often it was chosen overall and in the groups.
        public var options: [OptionReport]?
        /// Why to review the item (empty: nothing to review, or too few responses to judge).
        public var flags: [String]
        /// Whether the item has too few responses (under the report's
        /// ``Report/minimumResponsesToFlag``) for its statistics to flag it.
        public var tooFewToFlag: Bool
        /// The latest calibration's parameters for the item, when estimated.
        public var irt: IRTReport?
    }

    /// One option of a single-choice item.
    public struct OptionReport: Sendable, Codable {
        /// The option's letter as authored (A, B, …; candidates see their own shuffled order).
        public var letter: String
        /// The option's text.
        public var text: String
        /// Whether it is the keyed answer.
        public var isKey: Bool
        /// Proportion choosing it: all respondents, top group, bottom group.
        public var all: Double
        /// Proportion of the top group choosing it.
        public var top: Double
        /// Proportion of the bottom group choosing it.
        public var bottom: Double
    }

    /// An item's IRT parameters from a calibration.
    public struct IRTReport: Sendable, Codable {
        /// Discrimination.
        public var a: Double
        /// Difficulty.
        public var b: Double
        /// Lower asymptote (guessing).
        public var c: Double
        /// Standard error of `a`.
        public var seA: Double?
        /// Standard error of `b`.
        public var seB: Double?
    }

    /// Items with fewer responses than this are not flagged for review: their statistics are
    /// too noisy to judge.
    public static let minimumResponsesToFlag = 20

    /// Computes the report.
    ///
    /// - Parameters:
    ///   - slug: the bank's slug.
    ///   - minimumResponsesToFlag: items with fewer responses are not flagged for review
    ///     (default ``minimumResponsesToFlag``).
    /// - Throws: ``AssayError``: unknown bank (`notFound`); fewer than 2 scored screens with
    ///   answers (`badInput`); ``PostgresError``.
    public func report(bank slug: String, minimumResponsesToFlag: Int = BankStatistics.minimumResponsesToFlag) throws -> Report {
        guard let title: String = try connection.query("SELECT title FROM banks WHERE slug = $1 ORDER BY is_current DESC, version DESC LIMIT 1", [slug]).first?.decode("title") else {
            throw AssayError(.notFound, "no bank '\(slug)'; assay bank list shows the banks")
        }
        let responses = try BankCalibration.responses(bank: slug, connection)
        let items = try BankCalibration.items(bank: slug, answered: Set(responses.map(\.itemID)), connection)
        let decoded = try items.map { try $0.content.decode(Item.self) }
        var screens: [Int: Int] = [:]
        for response in responses where screens[response.screen] == nil { screens[response.screen] = screens.count }
        guard screens.count >= 2 else {
            throw AssayError(.badInput, "bank \(slug) has \(screens.count) scored screen(s) with answers; statistics need at least 2")
        }
        // Analysed items: those with at least one response, re-indexed.
        let answeredIDs = Set(responses.map(\.itemID))
        let analysed = items.indices.filter { answeredIDs.contains(items[$0].id) }
        let column = Dictionary(uniqueKeysWithValues: analysed.enumerated().map { (items[$1].id, $0) })
        var scores = [[Int: Double]](repeating: [:], count: screens.count)
        var chosen: [Int: [Int?]] = [:]
        for (c, index) in analysed.enumerated() {
            if case .singleChoice = decoded[index].body { chosen[c] = [Int?](repeating: nil, count: screens.count) }
        }
        for response in responses {
            guard let c = column[response.itemID], let p = screens[response.screen] else { continue }
            scores[p][c] = min(response.points, response.maxPoints)
            if chosen[c] != nil, let text = response.answer,
               case .choice(let option)? = try? JSONDecoder().decode(StoredAnswer.self, from: Data(text.utf8)) {
                chosen[c]?[p] = option
            }
        }
        var tables: [Int: ChoiceResponses] = [:]
        for (c, list) in chosen {
            if case .singleChoice(let options) = decoded[analysed[c]].body, let key = options.firstIndex(where: \.correct) {
                tables[c] = ChoiceResponses(key: key, optionCount: options.count, chosen: list)
            }
        }
        let maximum = analysed.map { index in
            responses.first { $0.itemID == items[index].id }?.maxPoints ?? decoded[index].points
        }
        let analysis = try ClassicalItemAnalysis.analyze(sparseScores: scores, maximumPoints: maximum, choices: tables)
        let calibration = try BankCalibration(connection: connection).latest(bank: slug)
        let parameters = Dictionary(uniqueKeysWithValues: (calibration?.items ?? []).compactMap { item -> (Int, IRTReport)? in
            guard let a = item.a, let b = item.b else { return nil }
            return (item.itemID, IRTReport(a: a, b: b, c: item.c, seA: item.seA, seB: item.seB))
        })
        let counts = Dictionary(grouping: responses, by: \.itemID).mapValues(\.count)
        var reports: [ItemReport] = []
        for (index, item) in items.enumerated() {
            let content = decoded[index]
            var report = ItemReport(itemID: item.id, itemKey: item.key, topic: item.topic, type: content.type.rawValue,
                                    n: counts[item.id] ?? 0, facility: nil, pointBiserial: nil, options: nil, flags: [],
                                    tooFewToFlag: (counts[item.id] ?? 0) < minimumResponsesToFlag, irt: parameters[item.id])
            if let c = column[item.id] {
                let statistics = analysis.items[c]
                report.facility = statistics.facility
                report.pointBiserial = statistics.correctedPointBiserial
                if case .singleChoice(let options) = content.body, let list = statistics.options {
                    report.options = list.map {
                        OptionReport(letter: String(UnicodeScalar(UInt8(65 + $0.option))), text: options[$0.option].text, isKey: $0.isKey,
                                     all: $0.proportionAll, top: $0.proportionTop, bottom: $0.proportionBottom)
                    }
                }
                report.flags = report.tooFewToFlag ? [] : statistics.flags.map { flag in
                    switch flag {
                    case .negativeDiscrimination: "negative discrimination"
                    case .tooHard: "too hard (facility below \(ClassicalItemAnalysis.minimumFacility))"
                    case .tooEasy: "too easy (facility above \(ClassicalItemAnalysis.maximumFacility))"
                    case .distractorAttractsTopGroup(let option): "distractor \(String(UnicodeScalar(UInt8(65 + option)))) chosen more often than the key by the top group"
                    }
                }
            }
            reports.append(report)
        }
        let percents = try connection.query("""
            SELECT score_percent FROM screens WHERE bank_slug = $1 AND status = 'scored' AND score_percent IS NOT NULL ORDER BY id
            """, [slug]).map { try $0.decode("score_percent", as: Double.self) }
        return Report(bankSlug: slug, title: title, persons: screens.count, responses: responses.count, cronbachAlpha: analysis.cronbachAlpha,
                      groupSize: analysis.groupSize, scores: percents, calibrationID: calibration?.id, calibratedAt: calibration?.createdAt,
                      calibrationModel: calibration?.model, calibrationConverged: calibration?.converged,
                      calibrationIterations: calibration?.iterations, calibrationItemsEstimated: calibration?.itemsEstimated,
                      minimumResponsesToFlag: minimumResponsesToFlag, items: reports)
    }
}
