import Banks
import Testing

/// Shared helpers for the GIFT importer tests.
enum GIFTTesting {
    /// The file name every test passes to the importer.
    static let file = "questions.gift"

    /// Converts `lines` joined by newlines, into the bank `cardio`.
    static func convert(_ lines: String...) -> GIFTImportResult {
        GIFTImporter.convert(lines.joined(separator: "\n"), file: file, bankSlug: "cardio")
    }

    /// An item as the importer makes it: topic `general`, 1 point, medium difficulty.
    static func item(_ id: String, topic: String = "general", _ prompt: String, explanation: String? = nil, _ body: ItemBody) -> Item {
        Item(id: id, topic: topic, prompt: prompt, explanation: explanation, points: 1, difficulty: .medium, body: body)
    }

    /// A diagnostic in the test file.
    static func diagnostic(_ line: Int, _ column: Int, _ severity: BankDiagnostic.Severity, _ message: String) -> BankDiagnostic {
        BankDiagnostic(file: file, line: line, column: column, severity: severity, message: message)
    }

    /// The diagnostics as (line, column, severity), for tests that do not pin the wording.
    static func locations(_ result: GIFTImportResult) -> [Location] {
        result.diagnostics.map { Location(line: $0.line, column: $0.column, severity: $0.severity) }
    }

    /// Where a diagnostic is and how serious it is.
    struct Location: Hashable, CustomStringConvertible {
        var line: Int
        var column: Int
        var severity: BankDiagnostic.Severity
        var description: String { "\(line):\(column) \(severity.rawValue)" }
    }

    /// Options from `"=right"` / `"~wrong"` shorthands.
    static func options(_ written: String...) -> [ChoiceOption] {
        written.map { ChoiceOption(text: String($0.dropFirst()), correct: $0.hasPrefix("=")) }
    }

    /// The bank-format rules an imported item must meet (docs/bank-format.md); empty when valid.
    static func violations(of item: Item) -> [String] {
        var problems: [String] = []
        let idPattern = item.id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
        let idStart = item.id.unicodeScalars.first.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) } ?? false
        if !idPattern || !idStart || item.id.count > 64 { problems.append("id \(item.id)") }
        if item.topic.isEmpty || item.topic != item.topic.lowercased() { problems.append("topic \(item.topic)") }
        if item.prompt.allSatisfy(\.isWhitespace) { problems.append("empty prompt") }
        if item.points != 1 || item.difficulty != .medium { problems.append("points or difficulty") }
        switch item.body {
        case let .singleChoice(options):
            if !(2...10).contains(options.count) || options.filter(\.correct).count != 1 { problems.append("single_choice options") }
            if options.contains(where: { $0.text.isEmpty }) { problems.append("empty option") }
        case let .multipleResponse(options, _):
            let correct = options.filter(\.correct).count
            if !(2...10).contains(options.count) || correct < 1 || correct == options.count { problems.append("multiple_response options") }
            if options.contains(where: { $0.text.isEmpty }) { problems.append("empty option") }
        case let .numeric(key):
            switch key.tolerance {
            case let .range(low, high): if !(low <= high) { problems.append("range") }
            case let .absolute(tolerance): if !(tolerance >= 0) || key.answer == nil { problems.append("tolerance") }
            case let .percent(tolerance): if !(tolerance >= 0) || key.answer == nil { problems.append("tolerance") }
            case .exact: if key.answer == nil { problems.append("exact without answer") }
            }
        case let .shortText(accept, regex):
            if accept.isEmpty && regex.isEmpty { problems.append("short_text accepts nothing") }
        case let .essay(rubric, _):
            if rubric.isEmpty { problems.append("essay without rubric") }
        case .trueFalse, .ordering:
            break
        }
        return problems
    }
}

@Suite("GIFT importer: question types")
struct GIFTImporterTests {
    @Test func multipleChoiceWithOneRightAnswerBecomesSingleChoice() {
        let result = GIFTTesting.convert("::Tomb:: Who's buried in Grant's tomb? {~Grant ~Jefferson =no one}")
        #expect(result.items == [
            GIFTTesting.item("tomb", "Who's buried in Grant's tomb?", .singleChoice(options: GIFTTesting.options("~Grant", "~Jefferson", "=no one"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func answersWrittenOnSeparateIndentedLinesAreRead() {
        let result = GIFTTesting.convert(
            "Japanese characters originally came from what country? {",
            "    ~India",
            "    =China",
            "    ~Korea",
            "}"
        )
        #expect(result.items == [
            GIFTTesting.item("cardio-001", "Japanese characters originally came from what country?", .singleChoice(options: GIFTTesting.options("~India", "=China", "~Korea"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func weightsThatSplitEquallyBecomeMultipleResponseWithoutWarning() {
        let result = GIFTTesting.convert("Which are beta-blockers? {~%50%Bisoprolol ~%50%Metoprolol ~%-50%Amlodipine}")
        #expect(result.items == [
            GIFTTesting.item("cardio-001", "Which are beta-blockers?", .multipleResponse(options: GIFTTesting.options("=Bisoprolol", "=Metoprolol", "~Amlodipine"), scoring: .partial)),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func otherWeightsBecomeMultipleResponseWithAWarningThatOurRuleReplacesThem() {
        let result = GIFTTesting.convert(
            "",
            "Which are loop diuretics? {",
            "  ~%50%Furosemide",
            "  ~%50%Bumetanide",
            "  ~%-100%Spironolactone",
            "}"
        )
        #expect(result.items.map(\.body) == [
            .multipleResponse(options: GIFTTesting.options("=Furosemide", "=Bumetanide", "~Spironolactone"), scoring: .partial),
        ])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(2, 1, .warning, "The GIFT weights (50%, 50%, -100%) are replaced by the partial rule of docs/bank-format.md: with C right options, each right option chosen earns 1/C of the points and each wrong one chosen costs 1/C, never below 0."),
        ])
    }

    @Test func severalRightAnswersBecomeMultipleResponseWithAWarning() {
        let result = GIFTTesting.convert("Which are statins? {=Atorvastatin =Simvastatin ~Ezetimibe}")
        #expect(result.items.map(\.body) == [
            .multipleResponse(options: GIFTTesting.options("=Atorvastatin", "=Simvastatin", "~Ezetimibe"), scoring: .partial),
        ])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 1, severity: .warning)])
    }

    @Test("True/false answers T, F, TRUE and FALSE become true_false", arguments: [
        ("T", true), ("F", false), ("TRUE", true), ("FALSE", false),
    ])
    func trueFalseAnswersBecomeTrueFalse(written: String, answer: Bool) {
        let result = GIFTTesting.convert("Aspirin is an antiplatelet drug. {\(written)}")
        #expect(result.items == [GIFTTesting.item("cardio-001", "Aspirin is an antiplatelet drug.", .trueFalse(answer: answer))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func trueFalseFeedbackGoesToTheOptionItDescribes() {
        let result = GIFTTesting.convert("Grant is buried in Grant's tomb. {FALSE#No, he is entombed.#Right: entombed, not buried.}")
        #expect(result.items == [
            GIFTTesting.item("cardio-001", "Grant is buried in Grant's tomb.", explanation: "Option True: No, he is entombed.\nOption False: Right: entombed, not buried.", .trueFalse(answer: false)),
        ])
    }

    @Test func rightAnswersOnlyBecomeShortTextAcceptList() {
        let result = GIFTTesting.convert("Who's buried in Grant's tomb? {=no one =nobody}")
        #expect(result.items == [GIFTTesting.item("cardio-001", "Who's buried in Grant's tomb?", .shortText(accept: ["no one", "nobody"], acceptRegex: []))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func shortTextAnswersWithPartialCreditAreDroppedWithAWarning() {
        let result = GIFTTesting.convert(
            "Which town was Jesus from? {",
            "   =Nazareth",
            "   =%100%Nasareth",
            "   =%75%Nazereth#Misspelled.",
            "}"
        )
        #expect(result.items.map(\.body) == [.shortText(accept: ["Nazareth", "Nasareth"], acceptRegex: [])])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(4, 4, .warning, "The answer 'Nazereth' gives 75% in GIFT; short_text has no partial credit, so it was dropped."),
        ])
    }

    @Test("Numeric answers become absolute tolerance, range or exact keys", arguments: [
        ("{#3.14:0.01}", NumericKey(answer: 3.14, tolerance: .absolute(0.01))),
        ("{#1..5}", NumericKey(answer: nil, tolerance: .range(min: 1, max: 5))),
        ("{#-2.5..-0.5}", NumericKey(answer: nil, tolerance: .range(min: -2.5, max: -0.5))),
        ("{#3.14}", NumericKey(answer: 3.14, tolerance: .exact)),
        ("{#1822:0}", NumericKey(answer: 1822, tolerance: .exact)),
        ("{# =1.5e3:2 }", NumericKey(answer: 1500, tolerance: .absolute(2))),
    ])
    func numericAnswersBecomeNumericKeys(block: String, key: NumericKey) {
        let result = GIFTTesting.convert("What is the value? \(block)")
        #expect(result.items == [GIFTTesting.item("cardio-001", "What is the value?", .numeric(key))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func severalNumericAnswersKeepTheFullCreditOneAndWarnForTheOthers() {
        let result = GIFTTesting.convert(
            "::Grant born:: When was Ulysses S. Grant born? {#",
            "    =%50%1822:2  # Close: half credit.",
            "    =1822:0      # Correct!",
            "    =%100%1800..1900",
            "}"
        )
        #expect(result.items == [
            GIFTTesting.item("grant-born", "When was Ulysses S. Grant born?", explanation: "Option 1822:0: Correct!", .numeric(NumericKey(answer: 1822, tolerance: .exact))),
        ])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(2, 5, .warning, "The numeric answer '1822:2' (50%) was dropped: a numeric item keeps one answer, the first with full credit."),
            GIFTTesting.diagnostic(4, 5, .warning, "The numeric answer '1800..1900' (100%) was dropped: a numeric item keeps one answer, the first with full credit."),
        ])
    }

    @Test func matchingIsReportedAsNotConvertibleAtItsLine() {
        let result = GIFTTesting.convert(
            "Is a {T}",
            "",
            "// matching",
            "::Food:: Which animal eats which food? {",
            "  =cat -> cat food",
            "  =dog -> dog food",
            "}"
        )
        #expect(result.items.map(\.id) == ["cardio-001"])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(4, 1, .error, "A matching question (=item -> match) has no counterpart among the bank's item types: rewrite it as single_choice items. It was not imported."),
        ])
    }

    @Test func missingWordQuestionsGetABlankWhereTheAnswerBlockWas() {
        let result = GIFTTesting.convert(
            "Grant is {~buried =entombed ~living} in Grant's tomb.",
            "",
            "The American holiday of Thanksgiving is celebrated on the {",
            "    ~second",
            "    =fourth",
            "} Thursday of November.",
            "",
            "Two plus two equals {=four =4}."
        )
        #expect(result.items.map(\.prompt) == [
            "Grant is _____ in Grant's tomb.",
            "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
            "Two plus two equals _____.",
        ])
        #expect(result.items.map(\.body) == [
            .singleChoice(options: GIFTTesting.options("~buried", "=entombed", "~living")),
            .singleChoice(options: GIFTTesting.options("~second", "=fourth")),
            .shortText(accept: ["four", "4"], acceptRegex: []),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func essayTakesItsRubricFromTheGeneralFeedback() {
        let result = GIFTTesting.convert("::Consent:: Explain informed consent. {####5: capacity, information, voluntariness; 0: none.}")
        #expect(result.items == [
            GIFTTesting.item("consent", "Explain informed consent.", .essay(rubric: "5: capacity, information, voluntariness; 0: none.", maxWords: nil)),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func essayWithoutGeneralFeedbackGetsThePlaceholderRubricAndAWarning() {
        let result = GIFTTesting.convert("", "", "Describe your approach to chest pain. { }")
        #expect(result.items == [
            GIFTTesting.item("cardio-001", "Describe your approach to chest pain.", .essay(rubric: "No rubric in the GIFT source: write one before this item is used.", maxWords: nil)),
        ])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(3, 1, .warning, "The essay has no general feedback ('####…') to take its rubric from: the placeholder rubric must be replaced before the item is used."),
        ])
    }

    @Test func descriptionIsReportedWithAWarningAndMakesNoItem() {
        let result = GIFTTesting.convert("::Intro:: The next questions are about heart failure.", "", "Is a {T}")
        #expect(result.items.map(\.id) == ["cardio-001"])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(1, 1, .warning, "No answer block: this is a GIFT description (text shown between questions), which the bank format has no place for; it was not imported."),
        ])
    }

    @Test func categoryLinesSetTheTopicOfTheQuestionsAfterThem() {
        let result = GIFTTesting.convert(
            "Before any category {T}",
            "",
            "$CATEGORY: $course$/top/Cardiology/Heart  Failure",
            "",
            "First {T}",
            "",
            "Second {F}",
            "",
            "$CATEGORY: Pharmacology",
            "Right after the category line {T}"
        )
        #expect(result.items.map(\.topic) == ["general", "heart-failure", "heart-failure", "pharmacology"])
        #expect(result.items.map(\.prompt) == ["Before any category", "First", "Second", "Right after the category line"])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func commentLinesAreIgnoredWhereverTheyStand() {
        let result = GIFTTesting.convert(
            "// A comment before the question",
            "Who's buried in Grant's tomb? {",
            "   // a comment inside the answers",
            "   ~Grant",
            "   =no one",
            "}",
            "  // an indented comment",
            "// [tag:history]"
        )
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("~Grant", "=no one"))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func escapedCharactersAreLiteralTextAndBackslashNIsALineBreak() {
        let result = GIFTTesting.convert(##"::Esc\:1:: Which is 1 \= 1 \~ \{set\} \# tag\:\nsecond line? {=a \= b #why \# not ~c\~d}"##)
        #expect(result.items == [
            GIFTTesting.item("esc-1", "Which is 1 = 1 ~ {set} # tag:\nsecond line?", explanation: "Option a = b: why # not", .singleChoice(options: GIFTTesting.options("=a = b", "~c~d"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func titlesBecomeSlugifiedDeduplicatedIdsAndUntitledItemsAreNumbered() {
        let longTitle = String(repeating: "Very long title ", count: 8)
        let result = GIFTTesting.convert(
            "::Heart Failure: NYHA Class?:: Is a {T}",
            "",
            "Untitled {T}",
            "",
            "::heart failure- NYHA class:: Is b {T}",
            "",
            "::Élan — Café!:: Is c {T}",
            "",
            "::???:: Is d {T}",
            "",
            "::\(longTitle):: Is e {T}",
            "",
            "::\(longTitle):: Is f {T}"
        )
        let long = String("very-long-title-very-long-title-very-long-title-very-long-title-v".prefix(64))
        #expect(result.items.map(\.id) == [
            "heart-failure-nyha-class",
            "cardio-001",
            "heart-failure-nyha-class-2",
            "elan-cafe",
            "cardio-002",
            long.hasSuffix("-") ? String(long.dropLast()) : long,
            "very-long-title-very-long-title-very-long-title-very-long-titl-2",
        ])
        #expect(result.items.allSatisfy { GIFTTesting.violations(of: $0).isEmpty })
    }

    @Test func feedbackFormsTheExplanationGeneralFirstThenOneLinePerOption() {
        let result = GIFTTesting.convert(
            "What's between orange and green in the spectrum? {",
            "  =yellow # right; good!",
            "  ~red # wrong, it's yellow",
            "  ~blue",
            "  #### Yellow lies between them.",
            "}"
        )
        #expect(result.items.map(\.explanation) == ["Yellow lies between them.\nOption yellow: right; good!\nOption red: wrong, it's yellow"])
    }

    @Test("Format markers markdown, plain and moodle are stripped silently", arguments: ["markdown", "plain", "moodle"])
    func formatMarkersAreStripped(marker: String) {
        let result = GIFTTesting.convert("::Fmt::[\(marker)]Is **this** kept? {=[\(marker)]yes #[\(marker)]Good ~no}")
        #expect(result.items == [
            GIFTTesting.item("fmt", "Is **this** kept?", explanation: "Option yes: Good", .singleChoice(options: GIFTTesting.options("=yes", "~no"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func htmlTextLosesItsTagsAndDecodesEntitiesWithAWarning() {
        let result = GIFTTesting.convert(
            "::Html::[html]<p>Which is <b>smaller</b>: 2 &lt; 3 &amp;&nbsp;4?</p> {",
            "  =<i>two</i> #Two &gt; one",
            "  ~three",
            "}"
        )
        #expect(result.items == [
            GIFTTesting.item("html", "Which is smaller: 2 < 3 & 4?", explanation: "Option two: Two > one", .singleChoice(options: GIFTTesting.options("=two", "~three"))),
        ])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(1, 9, .warning, "[html] text: tags were removed and basic entities decoded; check that the converted text still reads right."),
        ])
    }

    @Test func everyItemHasMediumDifficultyAndOnePoint() {
        let result = GIFTTesting.convert("A {T}", "", "B {=x ~y}", "", "C {}", "", "D {#1}", "", "E {=word}")
        #expect(result.items.count == 5)
        #expect(result.items.allSatisfy { $0.difficulty == .medium && $0.points == 1 })
    }

    @Test func windowsLineEndingsKeepLineNumbers() {
        let text = "Is a {T}\r\n\r\n// comment\r\n::Food:: Which? {=cat -> food =dog -> bone}\r\n"
        let result = GIFTImporter.convert(text, file: GIFTTesting.file, bankSlug: "cardio")
        #expect(result.items.count == 1)
        #expect(GIFTTesting.locations(result) == [.init(line: 4, column: 1, severity: .error)])
    }
}
