internal import Foundation
import Yams

/// The type-specific fields of an item: options and their credits, numeric answers, accepted
/// texts, ordering steps, matching pairs, essays (docs/bank-format.md, "Items").
extension BankReader {
    static func readBody(_ type: ItemType, itemNode: Node, fields: inout FieldReader) -> ItemBody? {
        let body: ItemBody?
        switch type {
        case .singleChoice:
            body = readChoices(single: true, fields: &fields)
        case .multipleResponse:
            body = readChoices(single: false, fields: &fields)
        case .trueFalse:
            body = fields.bool("answer").map { .trueFalse(answer: $0) }
        case .numeric:
            body = readNumeric(itemNode: itemNode, fields: &fields)
        case .shortText:
            body = readShortText(itemNode: itemNode, fields: &fields)
        case .ordering:
            guard let steps = readStrings("steps", required: true, fields: &fields), let scoring = readScoring(fields: &fields) else { return nil }
            if steps.count < 3 || steps.count > 10 || Set(steps).count != steps.count {
                fields.context.error(fields.values["steps"], "an ordering item needs 3 to 10 different steps; it has \(steps.count)\(Set(steps).count != steps.count ? ", some repeated" : "")")
                return nil
            }
            body = .ordering(steps: steps, scoring: scoring)
        case .essay:
            guard let rubric = fields.string("rubric") else { return nil }
            let maxWords = fields.optionalInt("max_words", range: 1...100_000)
            body = .essay(rubric: rubric, maxWords: maxWords)
        case .matching:
            body = readMatching(itemNode: itemNode, fields: &fields)
        }
        return body?.canonical
    }

    // MARK: Shared pieces

    static func readScoring(fields: inout FieldReader) -> PartialScoring? {
        guard let text = fields.optionalString("scoring") else { return .partial }
        guard let value = PartialScoring(rawValue: text) else {
            if let node = fields.values["scoring"] { fields.context.error(node, "scoring must be partial or all_or_nothing, not '\(text)'") }
            return nil
        }
        return value
    }

    static func readStrings(_ key: String, required: Bool, fields: inout FieldReader) -> [String]? {
        guard let node = required ? fields.node(key) : fields.optionalNode(key) else { return required ? nil : [] }
        guard let list = fields.context.sequence(node, what: key) else { return nil }
        var result: [String] = []
        for entry in list {
            if let text = fields.context.stringScalar(entry, what: "an entry of \(key)") { result.append(text) }
        }
        return result.count == list.count ? result : nil
    }

    /// The optional `credit` field of `reader`'s mapping: `ok` is false when it was written but
    /// is not a number in `range` (that was reported), `credit` nil when it is absent.
    static func readCredit(_ reader: inout FieldReader, range: ClosedRange<Double>) -> (ok: Bool, credit: Double?) {
        guard reader.values["credit"] != nil else {
            reader.consumed.insert("credit")
            return (true, nil)
        }
        guard let value = reader.optionalDouble("credit", range: range) else { return (false, nil) }
        return (true, value)
    }

    // MARK: Choice items

    /// Options with `correct` or with `credit`; nil after reporting a problem.
    static func readChoices(single: Bool, fields: inout FieldReader) -> ItemBody? {
        guard let node = fields.node("options"), let list = fields.context.sequence(node, what: "options") else { return nil }
        var options: [ChoiceOption] = []
        var creditNodes: [Node] = []
        var correctNodes: [Node] = []
        var isValid = true
        for optionNode in list {
            guard let map = fields.context.mapping(optionNode, what: "an option") else { isValid = false; continue }
            var option = FieldReader(map: map, context: fields.context, allowed: ["text", "correct", "credit"])
            let text = option.string("text")
            let correct = option.optionalBool("correct") ?? false
            let credit = readCredit(&option, range: -100...100)
            option.finish()
            fields.context = option.context
            if let creditNode = option.values["credit"] { creditNodes.append(creditNode) }
            if let correctNode = option.values["correct"] { correctNodes.append(correctNode) }
            guard let text, credit.ok else { isValid = false; continue }
            options.append(ChoiceOption(text: text, correct: correct, credit: credit.credit))
        }
        if list.count < 2 || list.count > 10 {
            fields.context.error(node, "options must have 2 to 10 entries, not \(list.count)")
            isValid = false
        }
        let texts = options.map { $0.text.trimmingWhitespace }  // case matters (capitalisation items)
        if Set(texts).count != texts.count {
            fields.context.error(node, "two options have the same text")
            isValid = false
        }
        guard isValid else { return nil }
        let type = single ? "single_choice" : "multiple_response"
        if !creditNodes.isEmpty {
            if let correctNode = correctNodes.first {
                fields.context.error(correctNode, "this \(type) item gives credits to its options, so 'correct' does not apply: give the right option(s) a credit (credit: 100 for full credit) instead")
                return nil
            }
            options = options.map { ChoiceOption(text: $0.text, correct: false, credit: $0.credit ?? 0) }
            return single ? readCreditedSingle(options, node: node, fields: &fields) : readCreditedMultiple(options, node: node, fields: &fields)
        }
        let correct = options.filter(\.correct).count
        if single {
            guard correct == 1 else {
                fields.context.error(node, "a single_choice item needs exactly one correct option; it has \(correct)")
                return nil
            }
            return .singleChoice(options: options)
        }
        guard let scoring = readScoring(fields: &fields) else { return nil }
        if correct == 0 || correct == options.count {
            fields.context.error(node, "a multiple_response item needs at least one correct and one incorrect option; \(correct) of \(options.count) are correct")
            return nil
        }
        return .multipleResponse(options: options, scoring: scoring)
    }

    private static func readCreditedSingle(_ options: [ChoiceOption], node: Node, fields: inout FieldReader) -> ItemBody? {
        guard options.contains(where: { ($0.credit ?? 0) >= 100 }) else {
            fields.context.error(node, "a single_choice item with credits needs an option with credit 100 (full credit); the highest is \(Self.percent(options.compactMap(\.credit).max() ?? 0))")
            return nil
        }
        guard options.contains(where: { ($0.credit ?? 0) < 100 }) else {
            fields.context.error(node, "every option of this single_choice item gives full credit, so any answer is right; give a wrong option less than 100")
            return nil
        }
        return .singleChoice(options: options)
    }

    private static func readCreditedMultiple(_ options: [ChoiceOption], node: Node, fields: inout FieldReader) -> ItemBody? {
        if fields.values["scoring"] != nil {
            guard let scoring = readScoring(fields: &fields) else { return nil }
            if scoring == .allOrNothing {
                fields.context.error(fields.values["scoring"], "scoring: all_or_nothing does not apply to options with credits (the credits decide the score); remove one or the other")
                return nil
            }
        }
        let credits = options.map { $0.credit ?? 0 }
        let positive = credits.filter { $0 > 0 }.reduce(0, +)
        if abs(positive - 100) > ChoiceCredits.sumTolerance {
            fields.context.error(node, "the positive credits of a multiple_response item add up to \(Self.percent(positive)); they must add up to 100, so that the right options together earn full points")
            return nil
        }
        if !credits.contains(where: { $0 <= 0 }) {
            fields.context.error(node, "every option of this multiple_response item has a positive credit, so selecting them all earns full points; add an option with credit 0 or below")
            return nil
        }
        return .multipleResponse(options: options, scoring: .partial)
    }

    static func percent(_ value: Double) -> String { value.formatted }

    // MARK: Numeric items

    /// The main answer and its tolerance, then `other_answers`.
    static func readNumeric(itemNode: Node, fields: inout FieldReader) -> ItemBody? {
        let unit = fields.optionalString("unit")
        let main = readNumericAnswer(fields: &fields, at: itemNode)
        var others: [NumericKey.Alternative]?
        var othersOK = true
        if let listNode = fields.optionalNode("other_answers") {
            if let list = fields.context.sequence(listNode, what: "other_answers") {
                if list.isEmpty { fields.context.error(listNode, "other_answers is empty; remove it or list further answers"); othersOK = false }
                var result: [NumericKey.Alternative] = []
                for entry in list {
                    guard let map = fields.context.mapping(entry, what: "an entry of other_answers") else { othersOK = false; continue }
                    var reader = FieldReader(map: map, context: fields.context, allowed: ["answer", "tolerance", "tolerance_percent", "range", "credit"])
                    let answer = readNumericAnswer(fields: &reader, at: entry)
                    let credit = readCredit(&reader, range: 0...100)
                    reader.finish()
                    fields.context = reader.context
                    guard let answer, credit.ok else { othersOK = false; continue }
                    if credit.credit == 0 {
                        fields.context.error(reader.values["credit"], "an answer with credit 0 earns nothing; remove it")
                        othersOK = false
                        continue
                    }
                    result.append(NumericKey.Alternative(answer: answer.answer, tolerance: answer.tolerance, credit: credit.credit ?? 100))
                }
                others = result
            } else {
                othersOK = false
            }
        }
        guard let main, othersOK else { return nil }
        return .numeric(NumericKey(answer: main.answer, tolerance: main.tolerance, unit: unit, otherAnswers: others))
    }

    /// `answer` with one of `tolerance`, `tolerance_percent` or `range`, checked; nil after
    /// reporting a problem.
    static func readNumericAnswer(fields: inout FieldReader, at node: Node) -> (answer: Double?, tolerance: NumericTolerance)? {
        let reported = fields.context.diagnostics.count
        let answer = fields.optionalDouble("answer", range: -1e300...1e300)
        let absolute = fields.optionalDouble("tolerance", range: 0...1e300)
        let percent = fields.optionalDouble("tolerance_percent", range: 0...100)
        var range: (Double, Double)?
        if let rangeNode = fields.optionalNode("range"), let rangeMap = fields.context.mapping(rangeNode, what: "range") {
            var reader = FieldReader(map: rangeMap, context: fields.context, allowed: ["min", "max"])
            let low = reader.double("min", range: -1e300...1e300)
            let high = reader.double("max", range: -1e300...1e300)
            reader.finish()
            fields.context = reader.context
            if let low, let high { range = (low, high) }
        }
        let given = [absolute != nil, percent != nil, range != nil].filter { $0 }.count
        if given > 1 {
            fields.context.error(node, "a numeric answer takes one of tolerance, tolerance_percent or range, not several")
            return nil
        }
        // A field that was written but could not be read has been reported.
        guard fields.context.diagnostics.count == reported else { return nil }
        let tolerance: NumericTolerance
        if let absolute { tolerance = .absolute(absolute) }
        else if let percent { tolerance = .percent(percent) }
        else if let range { tolerance = .range(min: range.0, max: range.1) }
        else { tolerance = .exact }
        if answer == nil {
            if case .range = tolerance {} else {
                fields.context.error(node, "missing field 'answer' (required unless a range is given)")
                return nil
            }
        }
        if case .range(let low, let high) = tolerance {
            if low > high {
                fields.context.error(fields.values["range"], "range min \(low) is greater than max \(high)")
                return nil
            }
            if let answer, answer < low || answer > high {
                fields.context.error(fields.values["answer"], "the answer \(answer) lies outside its own range \(low)…\(high)")
                return nil
            }
        }
        if case .percent = tolerance, answer == 0 {
            fields.context.error(fields.values["tolerance_percent"], "a relative tolerance of an answer of 0 accepts only 0; use 'tolerance' instead")
            return nil
        }
        return (answer, tolerance)
    }

    // MARK: Short-text items

    /// `accept`, `accept_wildcard` and `accept_regex`, each entry a text or a mapping with a credit.
    static func readShortText(itemNode: Node, fields: inout FieldReader) -> ItemBody? {
        var accept: [String] = []
        var regex: [String] = []
        var graded: [ShortTextAnswer] = []
        var isValid = true
        let lists: [(key: String, textKey: String, match: ShortTextAnswer.Match)] = [
            ("accept", "text", .exact), ("accept_wildcard", "pattern", .wildcard), ("accept_regex", "pattern", .regex),
        ]
        for (key, textKey, match) in lists {
            guard let listNode = fields.optionalNode(key) else { continue }
            guard let list = fields.context.sequence(listNode, what: key) else { isValid = false; continue }
            for entry in list {
                var text: String?
                var credit: Double? = 100
                var at: Node = entry
                if case .mapping(let map) = entry {
                    var reader = FieldReader(map: map, context: fields.context, allowed: [textKey, "credit"])
                    text = reader.string(textKey)
                    at = reader.values[textKey] ?? entry
                    let read = readCredit(&reader, range: 0...100)
                    credit = read.ok ? read.credit ?? 100 : nil
                    reader.finish()
                    fields.context = reader.context
                    if credit == 0 {
                        fields.context.error(reader.values["credit"], "an accepted answer with credit 0 earns nothing; remove it")
                        credit = nil
                    }
                } else {
                    text = fields.context.stringScalar(entry, what: "an entry of \(key) (a text, or a mapping with \(textKey) and credit)")
                }
                guard let text, let credit else { isValid = false; continue }
                switch match {
                case .exact:
                    break
                case .wildcard:
                    if ShortTextPatterns.wildcardMatchesEverything(text) {
                        fields.context.error(at, "the pattern '\(text)' accepts every answer; write the text around the '*'")
                        isValid = false
                        continue
                    }
                case .regex:
                    do {
                        _ = try NSRegularExpression(pattern: text)
                    } catch {
                        fields.context.error(at, "the regular expression '\(text)' does not compile")
                        isValid = false
                        continue
                    }
                }
                if credit == 100, match == .exact { accept.append(text) }
                else if credit == 100, match == .regex { regex.append(text) }
                else { graded.append(ShortTextAnswer(text, match: match, credit: credit)) }
            }
        }
        guard isValid else { return nil }
        if accept.isEmpty && regex.isEmpty && !graded.contains(where: { $0.credit == 100 }) {
            let any = !graded.isEmpty
            fields.context.error(itemNode, any
                ? "a short_text item needs an accepted answer with full credit (100) in accept, accept_wildcard or accept_regex"
                : "a short_text item needs 'accept', 'accept_wildcard' or 'accept_regex' with at least one entry")
            return nil
        }
        return .shortText(accept: accept, acceptRegex: regex, graded: graded.isEmpty ? nil : graded)
    }

    // MARK: Matching items

    /// `pairs` of prompt and answer, `distractors`, `scoring`.
    static func readMatching(itemNode: Node, fields: inout FieldReader) -> ItemBody? {
        guard let pairsNode = fields.node("pairs"), let list = fields.context.sequence(pairsNode, what: "pairs") else { return nil }
        var pairs: [MatchingPair] = []
        var isValid = true
        var prompts: [String: Int] = [:]
        for entry in list {
            guard let map = fields.context.mapping(entry, what: "a pair (prompt and answer)") else { isValid = false; continue }
            var reader = FieldReader(map: map, context: fields.context, allowed: ["prompt", "answer"])
            let prompt = reader.string("prompt")
            let answer = reader.string("answer")
            reader.finish()
            fields.context = reader.context
            guard let prompt, let answer else { isValid = false; continue }
            let trimmed = prompt.trimmingWhitespace
            if let first = prompts[trimmed] {
                fields.context.error(reader.values["prompt"], "the prompt '\(trimmed)' is already pair \(first); every prompt of a matching item must differ")
                isValid = false
            } else {
                prompts[trimmed] = pairs.count + 1
            }
            pairs.append(MatchingPair(prompt: prompt, answer: answer))
        }
        let distractors = readStrings("distractors", required: false, fields: &fields)
        let scoring = readScoring(fields: &fields)
        guard isValid, let distractors, let scoring else { return nil }
        if !(2...MatchingLayout.maximumPairs).contains(list.count) {
            fields.context.error(pairsNode, "a matching item needs 2 to \(MatchingLayout.maximumPairs) pairs, not \(list.count)")
            return nil
        }
        let answers = Set(pairs.map { $0.answer.trimmingWhitespace })
        var seen: Set<String> = []
        for (index, distractor) in distractors.enumerated() {
            let trimmed = distractor.trimmingWhitespace
            let at = fields.values["distractors"]?.sequence?[index]
            if trimmed.isEmpty {
                fields.context.error(at, "a distractor is empty")
                return nil
            }
            if answers.contains(trimmed) {
                fields.context.error(at, "the distractor '\(trimmed)' is also the answer of a pair; a distractor must match no prompt")
                return nil
            }
            if !seen.insert(trimmed).inserted {
                fields.context.error(at, "the distractor '\(trimmed)' is listed twice")
                return nil
            }
        }
        let layout = MatchingLayout(pairs: pairs, distractors: distractors)
        if layout.choices.count < 2 || layout.choices.count > MatchingLayout.maximumChoices {
            fields.context.error(pairsNode, "a matching item needs 2 to \(MatchingLayout.maximumChoices) different answers (those of the pairs and the distractors); it has \(layout.choices.count)")
            return nil
        }
        return .matching(pairs: pairs, distractors: distractors, scoring: scoring)
    }
}
