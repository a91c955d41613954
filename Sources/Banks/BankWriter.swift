import Foundation
import Yams

/// Writes a bank back to the YAML format of `docs/bank-format.md`, in the field order authors
/// use, with multi-line text as literal blocks. Reading the output with ``BankReader`` gives the
/// same bank.
public enum BankWriter {
    /// The YAML text of a bank.
    ///
    /// - Throws: Yams's emitter error (not expected for a valid bank).
    public static func yaml(_ bank: Bank) throws -> String {
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
        root.append((key("items"), .sequence(.init(bank.items.map(node(for:))))))
        return try Yams.serialize(node: .mapping(.init(root)), indent: 2, width: 100, allowUnicode: true, sortKeys: false)
    }

    /// The YAML node of one item, as it stands in a bank file.
    static func node(for item: Item) -> Node {
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
    private static func optionList(_ options: [ChoiceOption]) -> Node {
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
    private static func numericAnswer(_ answer: Double?, _ tolerance: NumericTolerance) -> [(Node, Node)] {
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

    private static func quoted(_ value: String) -> Node { .scalar(Node.Scalar(value, .implicit, .singleQuoted)) }

    private static func key(_ name: String) -> Node { .scalar(.init(name, .implicit, .plain)) }
    private static func flag(_ value: Bool) -> Node { .scalar(.init(value ? "true" : "false", .implicit, .plain)) }

    private static func number(_ value: Double) -> Node {
        let textValue = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return .scalar(.init(textValue, .implicit, .plain))
    }

    /// Multi-line text as a literal block; other text double-quoted, so that no text is read
    /// back as a number, a boolean or null.
    private static func text(_ value: String) -> Node {
        value.contains("\n") && !value.hasPrefix(" ") && !value.contains("\r") && !value.contains("\t") && !value.hasSuffix(" ")
            ? .scalar(.init(value, .implicit, .literal))
            : .scalar(.init(value, .implicit, .doubleQuoted))
    }
}
