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
    /// Written directly as text (``BankItemYAML``), not through Yams' emitter: a large GIFT import
    /// spent a fifth of its time building and emitting the items' node trees.
    ///
    /// - Throws: Nothing today; kept throwing so that callers need not change if writing ever can fail.
    public static func yamlItems(_ items: [Item]) throws -> String {
        var writer = BankItemYAML()
        for item in items { writer.append(item) }
        return writer.text
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

    func key(_ name: String) -> Node { scalar(name, .str, .plain) }
    func flag(_ value: Bool) -> Node { scalar(value ? "true" : "false", .bool, .plain) }

    func number(_ value: Double) -> Node {
        scalar(value.formatted, value == value.rounded() && abs(value) < 1e15 ? .int : .float, .plain)
    }

    /// Multi-line text as a literal block when one holds it exactly; other text double-quoted,
    /// so that no text is read back as a number, a boolean or null.
    func text(_ value: String) -> Node {
        scalar(value, .str, BankItemYAML.fitsLiteralBlock(value) ? .literal : .doubleQuoted)
    }
}
