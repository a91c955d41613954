internal import Foundation
import Yams

/// Reads `domain.yaml` and bank files into the model, reporting every problem with its
/// file:line:column instead of stopping at the first.
///
/// The reader checks the shape of the YAML (required, unknown and mistyped fields, allowed
/// values); ``BankLinter`` adds the rules that span items and files.
public enum BankReader {
    /// Reads a bank file.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the path, for diagnostics.
    /// - Returns: the bank when it could be read, and every problem found.
    public static func bank(from text: String, file: String) -> (bank: Bank?, diagnostics: [BankDiagnostic]) {
        var context = ReadContext(file: file)
        guard let root = context.compose(text) else { return (nil, context.diagnostics) }
        guard let map = context.mapping(root, what: "a bank file") else { return (nil, context.diagnostics) }
        var fields = FieldReader(map: map, context: context, allowed: ["slug", "title", "domain", "language", "description", "settings", "items"])
        let slug = fields.string("slug", pattern: .slug, patternHelp: "lower-case letters, digits and '-', starting with a letter")
        let title = fields.string("title")
        let domain = fields.string("domain")
        let language = fields.string("language", pattern: .language, patternHelp: "a two-letter ISO 639-1 code such as en or fr")
        let description = fields.optionalString("description")
        let settings = fields.node("settings").flatMap { readSettings($0, context: &fields.context) }
        var items: [Item] = []
        var itemNodes: [Node] = []
        if let itemsNode = fields.node("items") {
            if let list = fields.context.sequence(itemsNode, what: "items") {
                if list.isEmpty { fields.context.error(itemsNode, "items is empty; a bank needs at least one item") }
                var seen: [String: Int] = [:]
                for node in list {
                    guard let item = readItem(node, context: &fields.context) else { continue }
                    itemNodes.append(node)
                    if let first = seen[item.id] {
                        let idNode = node.mapping?["id"]
                        fields.context.error(idNode ?? node, "duplicate item id '\(item.id)' (first used at line \(first)); ids must be unique in a bank")
                    } else {
                        seen[item.id] = node.mark?.line ?? 0
                    }
                    items.append(item)
                }
            }
        }
        if let settings {
            checkMeasurement(settings, items: items, itemNodes: itemNodes, settingsNode: map["settings"], context: &fields.context)
        }
        if let settings, !settings.isAdaptive, !items.isEmpty, settings.itemsPerScreen > items.count {
            let node = map["settings"]?.mapping?["items_per_screen"]
            fields.context.error(node, "items_per_screen is \(settings.itemsPerScreen) but the bank has only \(items.count) items")
        }
        fields.finish()
        context = fields.context
        guard let slug, let title, let domain, let language, let settings, context.diagnostics.allSatisfy({ $0.severity != .error }) else {
            return (nil, context.diagnostics)
        }
        return (Bank(slug: slug, title: title, domain: domain, language: language, description: description, settings: settings, items: items), context.diagnostics)
    }

    /// Reads a `domain.yaml`.
    ///
    /// - Returns: the domain when it could be read, and every problem found.
    public static func domain(from text: String, file: String) -> (domain: Domain?, diagnostics: [BankDiagnostic]) {
        var context = ReadContext(file: file)
        guard let root = context.compose(text), let map = context.mapping(root, what: "domain.yaml") else { return (nil, context.diagnostics) }
        var fields = FieldReader(map: map, context: context, allowed: ["slug", "name", "description", "policy"])
        let slug = fields.string("slug", pattern: .slug, patternHelp: "lower-case letters, digits and '-', starting with a letter")
        let name = fields.string("name")
        let description = fields.string("description")
        var policy: PromotionPolicy?
        var policyOK = true
        if let node = fields.optionalNode("policy") {
            policy = readPolicy(node, context: &fields.context)
            policyOK = policy != nil
        }
        fields.finish()
        context = fields.context
        guard let slug, let name, let description, policyOK else { return (nil, context.diagnostics) }
        return (Domain(slug: slug, name: name, description: description.trimmingWhitespace, policy: policy), context.diagnostics)
    }

    static let slugPattern = NamePattern.slug.expression
    static let degrees: Set<String> = ["none", "bachelor", "master", "phd", "md", "jd", "other"]

    private static func readPolicy(_ node: Node, context: inout ReadContext) -> PromotionPolicy? {
        guard let map = context.mapping(node, what: "policy") else { return nil }
        var fields = FieldReader(map: map, context: context, allowed: ["required_banks", "validity_days", "tiers", "renewal"])
        var required: [String]?
        if let list = fields.node("required_banks").flatMap({ fields.context.sequence($0, what: "required_banks") }) {
            required = list.compactMap { fields.context.stringScalar($0, what: "a bank slug") }
            if required?.isEmpty == true { fields.context.error(map["required_banks"], "required_banks needs at least one bank"); required = nil }
        }
        let validity = fields.int("validity_days", range: 1...3650)
        var tiers: [PromotionPolicy.Tier] = []
        var tiersOK = false
        if let tiersNode = fields.node("tiers"), let list = fields.context.sequence(tiersNode, what: "tiers") {
            tiersOK = !list.isEmpty
            if list.isEmpty { fields.context.error(tiersNode, "tiers needs at least one tier") }
            var names: Set<String> = []
            var previous: Double = .infinity
            for tierNode in list {
                guard let tierMap = fields.context.mapping(tierNode, what: "a tier") else { tiersOK = false; continue }
                var tier = FieldReader(map: tierMap, context: fields.context, allowed: ["name", "min_score", "degrees", "min_years"])
                let name = tier.string("name", pattern: .tierName, patternHelp: "lower-case letters, digits and '-'")
                let score = tier.double("min_score", range: 0...100)
                var degrees: [String]?
                if let degreesNode = tier.optionalNode("degrees"), let degreeList = tier.context.sequence(degreesNode, what: "degrees") {
                    degrees = degreeList.compactMap { tier.context.stringScalar($0, what: "a degree") }
                    if let bad = degrees?.first(where: { !Self.degrees.contains($0) }) {
                        tier.context.error(degreesNode, "'\(bad)' is not a degree; use none, bachelor, master, phd, md, jd or other")
                        degrees = nil
                        tiersOK = false
                    }
                }
                let years = tier.optionalInt("min_years", range: 0...70)
                tier.finish()
                fields.context = tier.context
                guard let name, let score else { tiersOK = false; continue }
                if !names.insert(name).inserted { fields.context.error(tierMap["name"], "tier '\(name)' is defined twice"); tiersOK = false }
                if score > previous { fields.context.error(tierMap["min_score"], "tiers are listed highest first, so min_score may not rise from one tier to the next"); tiersOK = false }
                previous = score
                tiers.append(PromotionPolicy.Tier(name: name, minScore: score, degrees: degrees, minYears: years))
            }
        }
        var renewal: PromotionPolicy.RenewalFloor?
        var renewalOK = true
        if let renewalNode = fields.optionalNode("renewal") {
            renewal = readRenewal(renewalNode, context: &fields.context)
            renewalOK = renewal != nil
        }
        fields.finish()
        context = fields.context
        guard let required, let validity, tiersOK, renewalOK else { return nil }
        return PromotionPolicy(requiredBanks: required, validityDays: validity, tiers: tiers, renewal: renewal)
    }

    /// Reads `policy.renewal`: `metric`, exactly one of `min` and `max`, `min_tasks`,
    /// `window_days`, and optionally `without_outcomes` (renew or hold).
    private static func readRenewal(_ node: Node, context: inout ReadContext) -> PromotionPolicy.RenewalFloor? {
        guard let map = context.mapping(node, what: "renewal") else { return nil }
        let errorsBefore = context.diagnostics.filter { $0.severity == .error }.count
        var fields = FieldReader(map: map, context: context, allowed: ["metric", "min", "max", "min_tasks", "window_days", "without_outcomes"])
        let metric = fields.string("metric", pattern: .metric, patternHelp: "lower-case letters, digits and '_', starting with a letter (an outcome metric such as gold_accuracy)")
        let bounds = ["min", "max"].filter { map[$0] != nil }
        var boundOK = true
        if bounds.count != 1 {
            fields.context.error(bounds.count == 2 ? map["max"] : node,
                                 bounds.count == 2 ? "give min or max, not both: min for a metric that is better when higher (gold_accuracy), max for one better when lower (rework_rate)"
                                                   : "renewal needs min (the lowest value renewed, e.g. min: 0.8 for gold_accuracy) or max (the highest, e.g. max: 0.1 for rework_rate)")
            boundOK = false
        }
        let minimum = fields.optionalDouble("min", range: -1e12...1e12)
        let maximum = fields.optionalDouble("max", range: -1e12...1e12)
        if (map["min"] != nil && minimum == nil) || (map["max"] != nil && maximum == nil) { boundOK = false }
        let tasks = fields.int("min_tasks", range: 1...100_000_000)
        let window = fields.int("window_days", range: 1...3650)
        var without = PromotionPolicy.RenewalFloor.WithoutOutcomes.renew
        var withoutOK = true
        if let withoutNode = fields.optionalNode("without_outcomes"), let text = fields.optionalString("without_outcomes") {
            if let rule = PromotionPolicy.RenewalFloor.WithoutOutcomes(rawValue: text) {
                without = rule
            } else {
                fields.context.error(withoutNode, "without_outcomes must be renew (members with too few recent tasks are renewed on their screens) or hold (they are not), not '\(text)'")
                withoutOK = false
            }
        }
        fields.finish()
        context = fields.context
        guard let metric, boundOK, let tasks, let window, withoutOK,
              context.diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
        return PromotionPolicy.RenewalFloor(metric: metric, minimum: minimum, maximum: maximum, minimumTasks: tasks, windowDays: window, withoutOutcomes: without)
    }
    static let itemIDPattern = NamePattern.itemID.expression

    private static func readSettings(_ node: Node, context: inout ReadContext) -> BankSettings? {
        guard let map = context.mapping(node, what: "settings") else { return nil }
        var fields = FieldReader(map: map, context: context, allowed: ["mode", "items_per_screen", "max_items", "min_items", "target_se",
                                                                       "time_limit_minutes", "shuffle_options", "retake_cooldown_days", "show_score", "pass_rule",
                                                                       "near_miss_review"])
        var adaptive = false
        if let modeNode = fields.optionalNode("mode"), let mode = fields.optionalString("mode") {
            switch mode {
            case "fixed": adaptive = false
            case "adaptive": adaptive = true
            default: fields.context.error(modeNode, "mode must be fixed or adaptive, not '\(mode)'")
            }
        }
        var perScreen: Int?
        var adaptiveSettings: AdaptiveSettings?
        if adaptive {
            if let node = map["items_per_screen"] {
                fields.consumed.insert("items_per_screen")
                fields.context.error(node, "an adaptive bank sets max_items (and target_se), not items_per_screen")
            }
            let target = fields.double("target_se", range: 0.05...2)
            let maxItems = fields.int("max_items", range: 1...1000)
            let minItems = fields.optionalInt("min_items", range: 0...1000) ?? 0
            if let maxItems, minItems > maxItems, let node = map["min_items"] {
                fields.context.error(node, "min_items is \(minItems) but max_items is \(maxItems); min_items must not exceed it")
            }
            if let target, let maxItems, minItems <= maxItems {
                adaptiveSettings = AdaptiveSettings(targetSE: target, maxItems: maxItems, minItems: minItems)
                perScreen = maxItems
            }
        } else {
            for key in ["max_items", "min_items", "target_se"] {
                if let node = map[key] {
                    fields.consumed.insert(key)
                    fields.context.error(node, "'\(key)' applies only to an adaptive bank; add 'mode: adaptive' or remove it")
                }
            }
            perScreen = fields.int("items_per_screen", range: 1...1000)
        }
        let minutes = fields.int("time_limit_minutes", range: 1...600)
        let shuffle = fields.optionalBool("shuffle_options") ?? false
        let cooldown = fields.optionalInt("retake_cooldown_days", range: 0...3650) ?? 0
        let showScore = fields.optionalBool("show_score") ?? false
        let nearMissReview = fields.optionalBool("near_miss_review")
        if adaptive, nearMissReview == true, let node = map["near_miss_review"] {
            fields.context.error(node, "near_miss_review applies only to a fixed bank: an adaptive screen scores each answer the moment it is given; remove it")
        }
        var passRule: PassRule?
        if let ruleNode = fields.node("pass_rule"), let ruleMap = fields.context.mapping(ruleNode, what: "pass_rule") {
            var rule = FieldReader(map: ruleMap, context: fields.context, allowed: ["min_percent", "min_theta", "max_se"])
            let percent = rule.optionalDouble("min_percent", range: 0...100)
            let theta = rule.optionalDouble("min_theta", range: -4...4)
            let maxSE = rule.optionalDouble("max_se", range: 0.05...2)
            let stated = ["min_percent", "min_theta", "max_se"].filter { ruleMap[$0] != nil }
            if ruleMap["min_theta"] == nil, let node = ruleMap["max_se"] {
                rule.context.error(node, "max_se applies only together with min_theta")
            } else if stated.isEmpty || (ruleMap["min_percent"] == nil && ruleMap["min_theta"] == nil) {
                rule.context.error(ruleNode, "pass_rule needs min_percent, min_theta (with an optional max_se), or both")
            } else if (ruleMap["min_percent"] == nil || percent != nil) && (ruleMap["min_theta"] == nil || theta != nil) && (ruleMap["max_se"] == nil || maxSE != nil) {
                passRule = PassRule(minPercent: percent, minTheta: theta, maxSE: maxSE)
            }
            rule.finish()
            fields.context = rule.context
        }
        fields.finish()
        context = fields.context
        guard let perScreen, let minutes, let passRule else { return nil }
        return BankSettings(itemsPerScreen: perScreen, timeLimitMinutes: minutes, shuffleOptions: shuffle, retakeCooldownDays: cooldown,
                            showScore: showScore, passRule: passRule, adaptive: adaptiveSettings, nearMissReview: nearMissReview)
    }

    /// The rules that need both the settings and the items: an adaptive bank or a pass rule on θ
    /// needs `irt` parameters on every item, and an adaptive bank cannot hold essays (each
    /// answer must be scored the moment it is given).
    private static func checkMeasurement(_ settings: BankSettings, items: [Item], itemNodes: [Node], settingsNode: Node?, context: inout ReadContext) {
        let why: String
        if settings.isAdaptive {
            why = "an adaptive bank"
        } else if settings.passRule.minTheta != nil {
            why = "a pass rule on min_theta"
        } else {
            return
        }
        for (item, node) in zip(items, itemNodes) {
            if item.irt == nil {
                context.error(node.mapping?["id"] ?? node, "item '\(item.id)' has no irt parameters; \(why) needs irt: {a, b} (and optional c) on every item")
            }
            if settings.isAdaptive, item.type == .essay {
                context.error(node.mapping?["type"] ?? node, "item '\(item.id)' is an essay; an adaptive bank needs items scored the moment they are answered, so essays are not allowed")
            }
        }
        if let adaptive = settings.adaptive, adaptive.maxItems > items.count, !items.isEmpty {
            context.error(settingsNode?.mapping?["max_items"], "max_items is \(adaptive.maxItems) but the bank has only \(items.count) items")
        }
    }

    private static let commonItemFields: Set<String> = ["id", "type", "topic", "prompt", "explanation", "points", "difficulty", "irt"]
    private static let typeFields: [ItemType: Set<String>] = [
        .singleChoice: ["options"],
        .multipleResponse: ["options", "scoring"],
        .trueFalse: ["answer"],
        .numeric: ["answer", "tolerance", "tolerance_percent", "range", "unit", "other_answers"],
        .shortText: ["accept", "accept_wildcard", "accept_regex"],
        .ordering: ["steps", "scoring"],
        .essay: ["rubric", "max_words"],
        .matching: ["pairs", "distractors", "scoring"],
    ]

    /// One item read from its YAML node, with every problem found (for checking an item built in
    /// code, e.g. by the GIFT importer, by the rules a bank file's item must meet).
    static func item(from node: Node, file: String) -> (item: Item?, diagnostics: [BankDiagnostic]) {
        var context = ReadContext(file: file)
        let item = readItem(node, context: &context)
        return (item, context.diagnostics)
    }

    private static func readItem(_ node: Node, context: inout ReadContext) -> Item? {
        guard let map = context.mapping(node, what: "an item") else { return nil }
        // The type decides which fields are allowed, so read it first.
        var type: ItemType?
        let typeNode = map.first { $0.key.scalar?.string == "type" }?.value
        if let typeNode {
            if let text = typeNode.scalar?.string, let known = ItemType(rawValue: text) {
                type = known
            } else {
                context.error(typeNode, "unknown item type '\(typeNode.scalar?.string ?? "?")'; expected one of \(ItemType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let allowed = commonItemFields.union(type.flatMap { typeFields[$0] } ?? typeFields.values.reduce([], { $0.union($1) }))
        var fields = FieldReader(map: map, context: context, allowed: allowed)
        let id = fields.string("id", pattern: .itemID, patternHelp: "lower-case letters, digits, '.', '_' and '-', at most 64")
        if type == nil, typeNode == nil { fields.context.error(node, "missing field 'type'") }
        fields.consumed.insert("type")
        let topic = fields.string("topic")
        let prompt = fields.string("prompt")
        let explanation = fields.optionalString("explanation")
        let points = fields.optionalDouble("points", range: 0.000_001...1000) ?? 1
        var difficulty: Difficulty?
        if let text = fields.string("difficulty") {
            difficulty = Difficulty(rawValue: text)
            if difficulty == nil, let dnode = fields.values["difficulty"] { fields.context.error(dnode, "difficulty must be easy, medium or hard, not '\(text)'") }
        }
        var irt: IRTParameters?
        if let irtNode = fields.optionalNode("irt"), let irtMap = fields.context.mapping(irtNode, what: "irt") {
            var params = FieldReader(map: irtMap, context: fields.context, allowed: ["a", "b", "c"])
            let a = params.double("a", range: 0.000_001...20)
            let b = params.double("b", range: -10...10)
            let c = params.optionalDouble("c", range: 0...0.999) ?? 0
            params.finish()
            fields.context = params.context
            if let a, let b { irt = IRTParameters(a: a, b: b, c: c) }
        }
        var body: ItemBody?
        if let type { body = readBody(type, itemNode: node, fields: &fields) }
        fields.finish()
        context = fields.context
        guard let id, let topic, let prompt, let difficulty, let body else { return nil }
        return Item(id: id, topic: topic, prompt: prompt, explanation: explanation, points: points, difficulty: difficulty, irt: irt, body: body)
    }
}

/// The diagnostics being collected for one file.
struct ReadContext {
    let file: String
    var diagnostics: [BankDiagnostic] = []

    init(file: String) { self.file = file }

    mutating func error(_ node: Node?, _ message: String) {
        error(at: node?.mark, message)
    }

    mutating func error(at mark: Mark?, _ message: String) {
        diagnostics.append(BankDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    mutating func compose(_ text: String) -> Node? {
        // Aliases and deep nesting are refused before Yams builds (and hashes) a tree.
        if let problem = YAMLShapeCheck.problem(in: text) {
            diagnostics.append(BankDiagnostic(file: file, line: problem.line, column: problem.column, message: problem.message))
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                diagnostics.append(BankDiagnostic(file: file, line: 1, column: 1, message: "the file is empty"))
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
                let detail = context.map { "\(problem) \($0.text)" } ?? problem
                diagnostics.append(BankDiagnostic(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(detail)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                diagnostics.append(BankDiagnostic(file: file, line: context.mark.line, column: context.mark.column, message: "duplicate keys in a mapping: \(duplicates.joined(separator: ", "))"))
            default:
                diagnostics.append(BankDiagnostic(file: file, line: 1, column: 1, message: "YAML error: \(error)"))
            }
            return nil
        } catch {
            diagnostics.append(BankDiagnostic(file: file, line: 1, column: 1, message: "YAML error: \(error)"))
            return nil
        }
    }

    mutating func mapping(_ node: Node, what: String) -> Node.Mapping? {
        guard case .mapping(let map) = node else {
            error(node, "\(what) must be a mapping of fields (key: value)")
            return nil
        }
        return map
    }

    mutating func sequence(_ node: Node, what: String) -> Node.Sequence? {
        guard case .sequence(let list) = node else {
            error(node, "\(what) must be a list (entries starting with '- ')")
            return nil
        }
        return list
    }

    mutating func stringScalar(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be text")
            return nil
        }
        return scalar.string
    }
}

/// Reads the fields of one mapping, remembering which it used so that unknown ones are reported.
struct FieldReader {
    let map: Node.Mapping
    /// The mapping's values by key text. (Looking a key up in `map` builds a key node, which runs
    /// Yams's tag resolver, a handful of regular expressions, every time.)
    let values: [String: Node]
    var context: ReadContext
    let allowed: Set<String>
    var consumed: Set<String> = []

    init(map: Node.Mapping, context: ReadContext, allowed: Set<String>) {
        self.map = map
        var values: [String: Node] = [:]
        for (key, value) in map {
            if let text = key.scalar?.string, values[text] == nil { values[text] = value }
        }
        self.values = values
        self.context = context
        self.allowed = allowed
    }

    mutating func optionalNode(_ key: String) -> Node? {
        consumed.insert(key)
        guard let node = values[key] else { return nil }
        if case .scalar(let scalar) = node, scalar.tag.description == "tag:yaml.org,2002:null" || (scalar.style == .plain && ["", "~", "null"].contains(scalar.string)) {
            return nil
        }
        return node
    }

    mutating func node(_ key: String) -> Node? {
        guard let node = optionalNode(key) else {
            context.error(at: map.mark, "missing field '\(key)'")
            return nil
        }
        return node
    }

    private mutating func scalarText(_ node: Node, key: String, expected: String) -> String? {
        guard case .scalar(let scalar) = node else {
            context.error(node, "'\(key)' must be \(expected)")
            return nil
        }
        return scalar.string
    }

    mutating func optionalString(_ key: String) -> String? {
        guard let node = optionalNode(key) else { return nil }
        guard let text = scalarText(node, key: key, expected: "text") else { return nil }
        if text.trimmingWhitespace.isEmpty {
            context.error(node, "'\(key)' is empty")
            return nil
        }
        return text
    }

    mutating func string(_ key: String, pattern: NamePattern? = nil, patternHelp: String = "") -> String? {
        guard let node = node(key), let text = optionalString(key) else { return nil }
        if let pattern, !pattern.matches(text) {
            context.error(node, "'\(key)' is '\(text)', which is not valid: use \(patternHelp)")
            return nil
        }
        return text
    }

    mutating func optionalInt(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let node = optionalNode(key), let text = scalarText(node, key: key, expected: "a whole number") else { return nil }
        guard let value = Int(text) else {
            context.error(node, "'\(key)' must be a whole number, not '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            context.error(node, "'\(key)' is \(value); it must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func int(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard node(key) != nil else { return nil }
        return optionalInt(key, range: range)
    }

    mutating func optionalDouble(_ key: String, range: ClosedRange<Double>) -> Double? {
        guard let node = optionalNode(key), let text = scalarText(node, key: key, expected: "a number") else { return nil }
        guard Self.isDecimalNumeral(text), let value = Double(text.utf8.contains(UInt8(ascii: "_")) ? text.replacingOccurrences(of: "_", with: "") : text),
              value.isFinite else {
            context.error(node, "'\(key)' must be a number, not '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            context.error(node, "'\(key)' is \(text); it must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    /// Whether `text` is written `^[-+]?[0-9._]+([eE][-+]?[0-9]+)?$` (decimal, `_` between
    /// digits allowed; never hexadecimal, `inf` or `nan`).
    static func isDecimalNumeral(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let mantissa = bytes.prefix { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
        guard !mantissa.isEmpty else { return false }
        bytes = bytes.dropFirst(mantissa.count)
        guard let marker = bytes.first else { return true }
        guard marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") else { return false }
        bytes = bytes.dropFirst()
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    mutating func double(_ key: String, range: ClosedRange<Double>) -> Double? {
        guard node(key) != nil else { return nil }
        return optionalDouble(key, range: range)
    }

    mutating func optionalBool(_ key: String) -> Bool? {
        guard let node = optionalNode(key), let text = scalarText(node, key: key, expected: "true or false") else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            context.error(node, "'\(key)' must be true or false, not '\(text)'")
            return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        guard node(key) != nil else { return nil }
        return optionalBool(key)
    }

    /// Reports every key that is not allowed here.
    mutating func finish() {
        for (keyNode, _) in map {
            guard let key = keyNode.scalar?.string else {
                context.error(keyNode, "a field name must be text")
                continue
            }
            if !allowed.contains(key) {
                let suggestion = allowed.min { distance($0, key) < distance($1, key) }.flatMap { distance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
                context.error(keyNode, "unknown field '\(key)'\(suggestion)")
            }
        }
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
