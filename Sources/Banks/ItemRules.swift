internal import Foundation

/// The rules of the bank format that one item must meet, checked on the item itself: what
/// ``BankReader`` reports when it reads the item from a bank file that ``BankWriter`` wrote, in the
/// same order and in the same words, without writing and reading the YAML.
///
/// The GIFT importer checks every converted question with it (a large import spent a third of its
/// time on that round trip); tests compare it with the reader on written items, hostile ones too.
enum ItemRules {
    /// The first rule `item` breaks, as the bank reader words it, or nil when it breaks none and
    /// reads back from a bank file as the same item.
    static func firstViolation(of item: Item) -> String? {
        var check = Check()
        check.name("id", item.id, pattern: .itemID, help: "lower-case letters, digits, '.', '_' and '-', at most 64")
        check.text("topic", item.topic)
        check.text("prompt", item.prompt)
        if let explanation = item.explanation { check.text("explanation", explanation) }
        if item.points != 1 { check.number("points", item.points, 0.000_001...1000) }
        if let irt = item.irt {
            check.number("a", irt.a, 0.000_001...20)
            check.number("b", irt.b, -10...10)
            check.number("c", irt.c, 0...0.999)
        }
        if let problem = check.first { return problem }
        if let problem = bodyViolation(item.body) { return problem }
        guard readBack(item.body).canonical == item.body else { return "it does not read back the same from a bank file" }
        return nil
    }

    /// The first problem the reader finds in the item's type-specific fields.
    private static func bodyViolation(_ body: ItemBody) -> String? {
        var check = Check()
        switch body {
        case .singleChoice(let options):
            return choiceViolation(options, single: true)
        case .multipleResponse(let options, _):
            return choiceViolation(options, single: false)
        case .trueFalse:
            return nil
        case .numeric(let key):
            if let unit = key.unit { check.text("unit", unit) }
            check.numericAnswer(key.answer, key.tolerance)
            if let others = key.otherAnswers {
                if others.isEmpty { check.fail("other_answers is empty; remove it or list further answers") }
                for other in others {
                    let before = check.problems.count
                    check.numericAnswer(other.answer, other.tolerance)
                    check.number("credit", other.credit, 0...100)
                    if check.problems.count == before, other.credit == 0 { check.fail("an answer with credit 0 earns nothing; remove it") }
                }
            }
        case .shortText(let accept, let regex, let graded):
            let graded = graded ?? []
            var full = 0
            for (match, texts) in [(ShortTextAnswer.Match.exact, accept), (.wildcard, []), (.regex, regex)] {
                let entries = texts.map { ShortTextAnswer($0, match: match) } + graded.filter { $0.match == match }
                for entry in entries {
                    // Written as a mapping below full credit, with its text or pattern and credit;
                    // else as a plain entry, read back with full credit.
                    let key = match == .exact ? "text" : "pattern"
                    let isMapping = !(entry.credit >= 100)
                    if isMapping {
                        let before = check.problems.count
                        check.text(key, entry.text)
                        check.number("credit", entry.credit, 0...100)
                        if check.problems.count > before { continue }
                        if entry.credit == 0 { check.fail("an accepted answer with credit 0 earns nothing; remove it"); continue }
                    }
                    switch entry.match {
                    case .exact:
                        break
                    case .wildcard:
                        if ShortTextPatterns.wildcardMatchesEverything(entry.text) {
                            check.fail("the pattern '\(entry.text)' accepts every answer; write the text around the '*'")
                            continue
                        }
                    case .regex:
                        if (try? NSRegularExpression(pattern: entry.text)) == nil {
                            check.fail("the regular expression '\(entry.text)' does not compile")
                            continue
                        }
                    }
                    if !isMapping { full += 1 }
                }
            }
            if check.first == nil, full == 0 {
                check.fail(accept.isEmpty && regex.isEmpty && !graded.isEmpty
                    ? "a short_text item needs an accepted answer with full credit (100) in accept, accept_wildcard or accept_regex"
                    : "a short_text item needs 'accept', 'accept_wildcard' or 'accept_regex' with at least one entry")
            }
        case .ordering(let steps, _):
            let distinct = Set(steps).count
            if steps.count < 3 || steps.count > 10 || distinct != steps.count {
                check.fail("an ordering item needs 3 to 10 different steps; it has \(steps.count)\(distinct != steps.count ? ", some repeated" : "")")
            }
        case .essay(let rubric, let maxWords):
            check.text("rubric", rubric)
            if let maxWords {
                let written = Double(maxWords).formatted
                if Int(written) == nil { check.fail("'max_words' must be a whole number, not '\(written)'") }
                else if !(1...100_000).contains(maxWords) { check.fail("'max_words' is \(maxWords); it must be between 1 and 100000") }
            }
        case .matching(let pairs, let distractors, _):
            return matchingViolation(pairs, distractors)
        }
        return check.first
    }

    /// The reader's checks of a choice item's options.
    private static func choiceViolation(_ options: [ChoiceOption], single: Bool) -> String? {
        var check = Check()
        let credited = options.contains { $0.credit != nil }
        for option in options {
            check.text("text", option.text)
            if credited, let credit = option.credit, credit != 0 { check.number("credit", credit, -100...100) }
        }
        if options.count < 2 || options.count > 10 { check.fail("options must have 2 to 10 entries, not \(options.count)") }
        let texts = options.map { $0.text.trimmingWhitespace }
        if Set(texts).count != texts.count { check.fail("two options have the same text") }
        if let problem = check.first { return problem }
        // Credits of 0 are not written: an item whose credits are all 0 reads as one without.
        let credits = options.map { $0.credit ?? 0 }
        if credited, credits.contains(where: { $0 != 0 }) {
            if single {
                guard credits.contains(where: { $0 >= 100 }) else {
                    return "a single_choice item with credits needs an option with credit 100 (full credit); the highest is \((credits.max() ?? 0).formatted)"
                }
                guard credits.contains(where: { $0 < 100 }) else {
                    return "every option of this single_choice item gives full credit, so any answer is right; give a wrong option less than 100"
                }
                return nil
            }
            let positive = credits.filter { $0 > 0 }.reduce(0, +)
            if abs(positive - 100) > ChoiceCredits.sumTolerance {
                return "the positive credits of a multiple_response item add up to \(positive.formatted); they must add up to 100, so that the right options together earn full points"
            }
            if !credits.contains(where: { $0 <= 0 }) {
                return "every option of this multiple_response item has a positive credit, so selecting them all earns full points; add an option with credit 0 or below"
            }
            return nil
        }
        let correct = credited ? 0 : options.filter(\.correct).count
        if single {
            return correct == 1 ? nil : "a single_choice item needs exactly one correct option; it has \(correct)"
        }
        if correct == 0 || correct == options.count {
            return "a multiple_response item needs at least one correct and one incorrect option; \(correct) of \(options.count) are correct"
        }
        return nil
    }

    /// The reader's checks of a matching item's pairs and distractors.
    private static func matchingViolation(_ pairs: [MatchingPair], _ distractors: [String]) -> String? {
        var check = Check()
        var prompts: [String: Int] = [:]
        var count = 0
        for pair in pairs {
            let before = check.problems.count
            check.text("prompt", pair.prompt)
            check.text("answer", pair.answer)
            guard check.problems.count == before else { continue }
            let trimmed = pair.prompt.trimmingWhitespace
            if let first = prompts[trimmed] {
                check.fail("the prompt '\(trimmed)' is already pair \(first); every prompt of a matching item must differ")
            } else {
                prompts[trimmed] = count + 1
            }
            count += 1
        }
        if let problem = check.first { return problem }
        if !(2...MatchingLayout.maximumPairs).contains(pairs.count) {
            return "a matching item needs 2 to \(MatchingLayout.maximumPairs) pairs, not \(pairs.count)"
        }
        let answers = Set(pairs.map { $0.answer.trimmingWhitespace })
        var seen: Set<String> = []
        for distractor in distractors {
            let trimmed = distractor.trimmingWhitespace
            if trimmed.isEmpty { return "a distractor is empty" }
            if answers.contains(trimmed) { return "the distractor '\(trimmed)' is also the answer of a pair; a distractor must match no prompt" }
            if !seen.insert(trimmed).inserted { return "the distractor '\(trimmed)' is listed twice" }
        }
        let layout = MatchingLayout(pairs: pairs, distractors: distractors)
        if layout.choices.count < 2 || layout.choices.count > MatchingLayout.maximumChoices {
            return "a matching item needs 2 to \(MatchingLayout.maximumChoices) different answers (those of the pairs and the distractors); it has \(layout.choices.count)"
        }
        return nil
    }

    /// The body the reader builds from what the writer wrote, before it is made canonical: a
    /// credit of 0 is not written, options with credits lose `correct`, a full-credit answer of
    /// a short_text item is written (and read) as a plain accepted text.
    private static func readBack(_ body: ItemBody) -> ItemBody {
        switch body {
        case .singleChoice(let options), .multipleResponse(let options, _):
            let anyCredit = options.contains { $0.credit != nil }
            let credited = options.contains { $0.credit.map { $0 != 0 } ?? false }
            let read = options.map { option in
                credited ? ChoiceOption(text: option.text, correct: false, credit: option.credit ?? 0)
                    : ChoiceOption(text: option.text, correct: !anyCredit && option.correct)
            }
            if case .multipleResponse(_, let scoring) = body {
                return .multipleResponse(options: read, scoring: anyCredit ? .partial : scoring)
            }
            return .singleChoice(options: read)
        case .shortText(let accept, let regex, let graded):
            let graded = graded ?? []
            let full = graded.filter { $0.credit >= 100 }
            let rest = graded.filter { !($0.credit >= 100) }
            return .shortText(accept: accept + full.filter { $0.match == .exact }.map(\.text),
                              acceptRegex: regex + full.filter { $0.match == .regex }.map(\.text),
                              graded: (full.filter { $0.match == .wildcard }.map { ShortTextAnswer($0.text, match: .wildcard) } + rest).nilIfEmpty)
        case .trueFalse, .numeric, .ordering, .essay, .matching:
            return body
        }
    }

    /// The problems found so far, in the reader's order.
    private struct Check {
        var problems: [String] = []
        var first: String? { problems.first }

        mutating func fail(_ problem: String) { problems.append(problem) }

        /// A text field: it must not be empty or white space only.
        mutating func text(_ key: String, _ value: String) {
            if value.trimmingWhitespace.isEmpty { fail("'\(key)' is empty") }
        }

        /// A name: not empty, and of its pattern.
        mutating func name(_ key: String, _ value: String, pattern: NamePattern, help: String) {
            if value.trimmingWhitespace.isEmpty { fail("'\(key)' is empty") }
            else if !pattern.matches(value) { fail("'\(key)' is '\(value)', which is not valid: use \(help)") }
        }

        /// A number as written: a finite decimal in `range`.
        mutating func number(_ key: String, _ value: Double, _ range: ClosedRange<Double>) {
            let written = value.formatted
            guard value.isFinite, FieldReader.isDecimalNumeral(written) else { return fail("'\(key)' must be a number, not '\(written)'") }
            if !range.contains(value) { fail("'\(key)' is \(written); it must be between \(range.lowerBound) and \(range.upperBound)") }
        }

        /// A number as the reader reads it back from its written form.
        static func readBack(_ value: Double) -> Double { Double(value.formatted) ?? value }

        /// A numeric answer and its tolerance.
        mutating func numericAnswer(_ answer: Double?, _ tolerance: NumericTolerance) {
            let before = problems.count
            if let answer { number("answer", answer, -1e300...1e300) }
            switch tolerance {
            case .exact: break
            case .absolute(let value): number("tolerance", value, 0...1e300)
            case .percent(let value): number("tolerance_percent", value, 0...100)
            case .range(let low, let high):
                number("min", low, -1e300...1e300)
                number("max", high, -1e300...1e300)
            }
            guard problems.count == before else { return }
            // The numbers as read back (-0 is written 0).
            let answer = answer.map(Self.readBack)
            let tolerance: NumericTolerance = switch tolerance {
            case .range(let low, let high): .range(min: Self.readBack(low), max: Self.readBack(high))
            default: tolerance
            }
            if answer == nil {
                if case .range = tolerance {} else { return fail("missing field 'answer' (required unless a range is given)") }
            }
            if case .range(let low, let high) = tolerance {
                if low > high { return fail("range min \(low) is greater than max \(high)") }
                if let answer, answer < low || answer > high { return fail("the answer \(answer) lies outside its own range \(low)…\(high)") }
            }
            if case .percent = tolerance, answer == 0 { fail("a relative tolerance of an answer of 0 accepts only 0; use 'tolerance' instead") }
        }
    }
}

extension Array {
    /// The array, or nil when it is empty.
    fileprivate var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
