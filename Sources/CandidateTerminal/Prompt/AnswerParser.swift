public import AssayCore
import Foundation

/// Turns a line the candidate typed into an answer for a question, or says exactly what is
/// wrong with it (naming a letter that is not an option, a repeated or missing step).
///
/// Letters may be typed in either case, with or without commas, semicolons or spaces between
/// them. Essays are not parsed here: the prompt collects their lines. What the candidate typed is
/// quoted in a problem only through `VisibleText`, so it cannot act on the terminal.
public struct AnswerParser: Sendable {
    /// A parser.
    public init() {}

    /// Why a line is not an answer: one sentence for the candidate.
    public struct Problem: Error, Equatable, Sendable {
        /// What is wrong.
        public var message: String
    }

    /// The answer `line` gives to `question`.
    ///
    /// - Parameters:
    ///   - line: the line, trimmed.
    ///   - question: the question it answers.
    /// - Returns: the answer in shown positions, or the problem.
    public func parse(_ line: String, for question: CandidateQuestion) -> Result<CandidateAnswer, Problem> {
        let count = question.choices.count
        let range = count > 0 ? "\(Self.letter(0)) to \(Self.letter(count - 1))" : ""
        switch question.kind {
        case .singleChoice:
            let (chosen, invalid) = Self.letters(line, count: count)
            if !invalid.isEmpty {
                return .failure(Problem(message: "'\(line.visibleSafe)' is not one of the letters shown: \(Self.naming(invalid)) not an option here (\(range))."))
            }
            guard chosen.count == 1 else {
                return .failure(Problem(message: "'\(line.visibleSafe)' is not one of the letters shown: give exactly one letter (\(range))."))
            }
            return .success(.choice(chosen[0]))
        case .multipleResponse:
            let (chosen, invalid) = Self.letters(line, count: count)
            if !invalid.isEmpty {
                return .failure(Problem(message: "'\(line.visibleSafe)' is not a list of the letters shown: \(Self.naming(invalid)) not an option here (\(range))."))
            }
            guard !chosen.isEmpty else { return .failure(Problem(message: "'\(line.visibleSafe)' is not a list of the letters shown (\(range)).")) }
            return .success(.choices(Set(chosen)))
        case .trueFalse:
            switch line.lowercased() {
            case "t", "true", "v", "vrai": return .success(.boolean(true))
            case "f", "false", "faux": return .success(.boolean(false))
            default: return .failure(Problem(message: "'\(line.visibleSafe)' is neither true nor false."))
            }
        case .numeric:
            var text = line
            if let unit = question.unit, !unit.isEmpty, text.hasSuffix(unit) { text = String(text.dropLast(unit.count)) }
            text = text.trimmingCharacters(in: .whitespaces)
            if text.contains(",") { return .failure(Problem(message: "Use a point for decimals (3.5) and no thousands separators.")) }
            guard let value = Double(text), value.isFinite else { return .failure(Problem(message: "'\(line.visibleSafe)' is not a number.")) }
            return .success(.number(value))
        case .shortText, .essay:
            guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return .failure(Problem(message: "The answer is empty."))
            }
            return .success(.text(line))
        case .ordering:
            let (order, invalid) = Self.letters(line, count: count)
            let lead = "'\(line.visibleSafe)' does not list each of the \(count) letters exactly once"
            if !invalid.isEmpty { return .failure(Problem(message: "\(lead): \(Self.naming(invalid)) not one of them (\(range)).")) }
            var seen: [Int: Int] = [:]
            for index in order { seen[index, default: 0] += 1 }
            let repeated = seen.filter { $0.value > 1 }.keys.sorted().map(Self.letter)
            let missing = (0..<count).filter { seen[$0] == nil }.map(Self.letter)
            guard repeated.isEmpty, missing.isEmpty else {
                var parts: [String] = []
                if !repeated.isEmpty { parts.append("\(Self.list(repeated)) \(repeated.count == 1 ? "is" : "are") repeated") }
                if !missing.isEmpty { parts.append("\(Self.list(missing)) \(missing.count == 1 ? "is" : "are") missing") }
                return .failure(Problem(message: "\(lead): \(parts.joined(separator: " and "))."))
            }
            return .success(.order(order))
        case .matching:
            let items = question.matchPrompts?.count ?? 0
            let (chosen, invalid) = Self.letters(line, count: count)
            let lead = "'\(line.visibleSafe)' is not \(items) of the letters shown, one for each numbered item"
            if !invalid.isEmpty { return .failure(Problem(message: "\(lead): \(Self.naming(invalid)) not an answer here (\(range)).")) }
            guard chosen.count == items else {
                return .failure(Problem(message: "\(lead): it gives \(chosen.count) letter\(chosen.count == 1 ? "" : "s")."))
            }
            return .success(.matches(chosen))
        }
    }

    /// The letter shown for position `index` (0 → A).
    ///
    /// - Parameter index: a 0-based position below 26.
    /// - Returns: the capital letter.
    public static func letter(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(65 + max(0, min(index, 25)))))
    }

    /// The positions of the letters in `text` that name one of `count` options, and the
    /// characters that do not (each once, in order), separators aside.
    static func letters(_ text: String, count: Int) -> (valid: [Int], invalid: [String]) {
        var valid: [Int] = [], invalid: [String] = []
        for character in text.uppercased() where !(character.isWhitespace || character == "," || character == ";") {
            if let ascii = character.asciiValue, ascii >= 65, Int(ascii) - 65 < count {
                valid.append(Int(ascii) - 65)
            } else if !invalid.contains(String(character).visibleSafe) {
                invalid.append(String(character).visibleSafe)
            }
        }
        return (valid, invalid)
    }

    /// "F is" / "F and G are".
    static func naming(_ characters: [String]) -> String {
        "\(list(characters)) \(characters.count == 1 ? "is" : "are")"
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }
}
