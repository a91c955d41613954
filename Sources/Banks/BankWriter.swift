import Foundation
import Yams

/// Writes a bank back to the YAML format of `docs/bank-format.md`, in the field order authors
/// use, with multi-line text as literal blocks. Reading the output with ``BankReader`` gives the
/// same bank.
///
/// A bank file can be written in pieces, ``yamlHead(_:)`` then ``yamlItems(_:)`` for the items
/// in batches, so that a large import never holds every item's YAML tree at once; the pieces
/// put together are exactly ``yaml(_:)``.
public enum BankWriter {
    /// The YAML text of a bank.
    ///
    /// - Throws: Yams's emitter error (not expected for a valid bank).
    public static func yaml(_ bank: Bank) throws -> String {
        if bank.items.isEmpty {
            let nodes = BankNodes()
            return try serialize(.mapping(.init(headPairs(bank, nodes: nodes) + [(nodes.key("items"), .sequence(.init([])))])))
        }
        return try yamlHead(bank) + yamlItems(bank.items)
    }

    /// The YAML text of a bank's fields before its items, ending with the line `items:`; the
    /// bank's own items are not written.
    ///
    /// - Throws: Yams's emitter error (not expected for a valid bank).
    public static func yamlHead(_ bank: Bank) throws -> String {
        let nodes = BankNodes()
        return try serialize(.mapping(.init(headPairs(bank, nodes: nodes)))) + "items:\n"
    }

    /// The YAML text of items as they stand under `items:` in a bank file (`- id: …`), to follow
    /// ``yamlHead(_:)`` or another batch of items.
    ///
    /// - Throws: Yams's emitter error (not expected for valid items).
    public static func yamlItems(_ items: [Item]) throws -> String {
        guard !items.isEmpty else { return "" }
        let nodes = BankNodes()
        return try serialize(.sequence(.init(items.map { nodes.node(for: $0) })))
    }

    private static func serialize(_ node: Node) throws -> String {
        try Yams.serialize(node: node, indent: 2, width: 100, allowUnicode: true, sortKeys: false)
    }

    private static func headPairs(_ bank: Bank, nodes: BankNodes) -> [(Node, Node)] {
        func key(_ name: String) -> Node { nodes.key(name) }
        func text(_ value: String) -> Node { nodes.text(value) }
        func number(_ value: Double) -> Node { nodes.number(value) }
        func flag(_ value: Bool) -> Node { nodes.flag(value) }
        var root: [(Node, Node)] = [
            (key("slug"), text(bank.slug)), (key("title"), text(bank.title)),
            (key("domain"), text(bank.domain)), (key("language"), text(bank.language)),
        ]
        if let description = bank.description { root.append((key("description"), text(description))) }
        let s = bank.settings
        var settings: [(Node, Node)] = []
        if let adaptive = s.adaptive {
            settings += [(key("mode"), key("adaptive")), (key("target_se"), number(adaptive.targetSE)),
                         (key("max_items"), number(Double(adaptive.maxItems)))]
            if adaptive.minItems > 0 { settings.append((key("min_items"), number(Double(adaptive.minItems)))) }
        } else {
            settings.append((key("items_per_screen"), number(Double(s.itemsPerScreen))))
        }
        var rule: [(Node, Node)] = []
        if let percent = s.passRule.minPercent { rule.append((key("min_percent"), number(percent))) }
        if let theta = s.passRule.minTheta { rule.append((key("min_theta"), number(theta))) }
        if let maxSE = s.passRule.maxSE { rule.append((key("max_se"), number(maxSE))) }
        settings += [
            (key("time_limit_minutes"), number(Double(s.timeLimitMinutes))),
            (key("shuffle_options"), flag(s.shuffleOptions)),
            (key("retake_cooldown_days"), number(Double(s.retakeCooldownDays))),
            (key("show_score"), flag(s.showScore)),
            (key("pass_rule"), .mapping(.init(rule))),
        ]
        if s.nearMissReview == false { settings.append((key("near_miss_review"), flag(false))) }
        root.append((key("settings"), .mapping(.init(settings))))
        return root
    }

    /// The YAML node of one item, as it stands in a bank file.
    static func node(for item: Item) -> Node {
        BankNodes().node(for: item)
    }
}

/// Builds the YAML nodes of a bank file, every node sharing one Yams `Constructor`.
///
/// (A Yams `Tag` made without one builds its own `Constructor`, three dictionaries, for every
/// node; and a tag left implicit is resolved by the emitter with a handful of regular
/// expressions. Scalars here carry their tag, which the emitter does not write, as every scalar
/// is emitted as implicit.)
struct BankNodes {
    private let constructor = Constructor.default

    private func scalar(_ value: String, _ tag: Tag.Name, _ style: Node.Scalar.Style) -> Node {
        .scalar(Node.Scalar(value, Tag(tag, .default, constructor), style))
    }

    /// The YAML node of one item, as it stands in a bank file.
    func node(for item: Item) -> Node {
        var pairs: [(Node, Node)] = [
            (key("id"), text(item.id)), (key("type"), key(item.type.rawValue)), (key("topic"), text(item.topic)),
            (key("difficulty"), key(item.difficulty.rawValue)),
        ]
        if item.points != 1 { pairs.append((key("points"), number(item.points))) }
        pairs.append((key("prompt"), text(item.prompt)))
        switch item.body {
        case .singleChoice(let options):
            pairs.append((key("options"), optionList(options)))
        case .multipleResponse(let options, let scoring):
            pairs.append((key("options"), optionList(options)))
            // With credits the options' credits are the scoring.
            if !options.contains(where: { $0.credit != nil }) { pairs.append((key("scoring"), key(scoring.rawValue))) }
        case .trueFalse(let answer):
            pairs.append((key("answer"), flag(answer)))
        case .numeric(let numeric):
            pairs += numericAnswer(numeric.answer, numeric.tolerance)
            if let unit = numeric.unit { pairs.append((key("unit"), text(unit))) }
            if let others = numeric.otherAnswers {
                pairs.append((key("other_answers"), .sequence(.init(others.map { other in
                    .mapping(.init(numericAnswer(other.answer, other.tolerance) + [(key("credit"), number(other.credit))]))
                }))))
            }
        case .shortText(let accept, let regex, let graded):
            let graded = graded ?? []
            func entries(_ plain: [Node], _ match: ShortTextAnswer.Match, textKey: String, style: (String) -> Node) -> [Node] {
                plain + graded.filter { $0.match == match }.map { answer in
                    answer.credit >= 100 ? style(answer.text)
                        : .mapping(.init([(key(textKey), style(answer.text)), (key("credit"), number(answer.credit))]))
                }
            }
            let acceptNodes = entries(accept.map(text), .exact, textKey: "text", style: text)
            let wildcardNodes = entries([], .wildcard, textKey: "pattern", style: text)
            let regexNodes = entries(regex.map(quoted), .regex, textKey: "pattern", style: quoted)
            if !acceptNodes.isEmpty { pairs.append((key("accept"), .sequence(.init(acceptNodes)))) }
            if !wildcardNodes.isEmpty { pairs.append((key("accept_wildcard"), .sequence(.init(wildcardNodes)))) }
            if !regexNodes.isEmpty { pairs.append((key("accept_regex"), .sequence(.init(regexNodes)))) }
        case .ordering(let steps, let scoring):
            pairs.append((key("steps"), .sequence(.init(steps.map(text)))))
            pairs.append((key("scoring"), key(scoring.rawValue)))
        case .essay(let rubric, let maxWords):
            pairs.append((key("rubric"), text(rubric)))
            if let maxWords { pairs.append((key("max_words"), number(Double(maxWords)))) }
        case .matching(let matchingPairs, let distractors, let scoring):
            pairs.append((key("pairs"), .sequence(.init(matchingPairs.map {
                .mapping(.init([(key("prompt"), text($0.prompt)), (key("answer"), text($0.answer))]))
            }))))
            if !distractors.isEmpty { pairs.append((key("distractors"), .sequence(.init(distractors.map(text))))) }
            pairs.append((key("scoring"), key(scoring.rawValue)))
        }
        if let explanation = item.explanation { pairs.append((key("explanation"), text(explanation))) }
        if let irt = item.irt {
            pairs.append((key("irt"), .mapping(.init([(key("a"), number(irt.a)), (key("b"), number(irt.b)), (key("c"), number(irt.c))]))))
        }
        return .mapping(.init(pairs))
    }

    /// Options with `correct: true`, or, when the item gives credits, with their non-zero credit.
    private func optionList(_ options: [ChoiceOption]) -> Node {
        let credited = options.contains { $0.credit != nil }
        return .sequence(.init(options.map { option in
            var pairs: [(Node, Node)] = [(key("text"), text(option.text))]
            if credited {
                if let credit = option.credit, credit != 0 { pairs.append((key("credit"), number(credit))) }
            } else if option.correct {
                pairs.append((key("correct"), flag(true)))
            }
            return .mapping(.init(pairs))
        }))
    }

    /// `answer` and the field of its tolerance.
    private func numericAnswer(_ answer: Double?, _ tolerance: NumericTolerance) -> [(Node, Node)] {
        var pairs: [(Node, Node)] = []
        if let answer { pairs.append((key("answer"), number(answer))) }
        switch tolerance {
        case .exact: break
        case .absolute(let value): pairs.append((key("tolerance"), number(value)))
        case .percent(let value): pairs.append((key("tolerance_percent"), number(value)))
        case .range(let low, let high):
            pairs.append((key("range"), .mapping(.init([(key("min"), number(low)), (key("max"), number(high))]))))
        }
        return pairs
    }

    func quoted(_ value: String) -> Node { scalar(value, .str, .singleQuoted) }

    func key(_ name: String) -> Node { scalar(name, .str, .plain) }
    func flag(_ value: Bool) -> Node { scalar(value ? "true" : "false", .bool, .plain) }

    func number(_ value: Double) -> Node {
        if value == value.rounded() && abs(value) < 1e15 { return scalar(String(Int64(value)), .int, .plain) }
        return scalar(String(value), .float, .plain)
    }

    /// Multi-line text as a literal block; other text double-quoted, so that no text is read
    /// back as a number, a boolean or null.
    func text(_ value: String) -> Node {
        // (Byte checks: `String.contains(_:)` with a string goes through Foundation, slowly.)
        value.utf8.contains(0x0A) && !value.hasPrefix(" ") && !value.utf8.contains(0x0D) && !value.utf8.contains(0x09) && !value.hasSuffix(" ")
            ? scalar(value, .str, .literal)
            : scalar(value, .str, .doubleQuoted)
    }
}
