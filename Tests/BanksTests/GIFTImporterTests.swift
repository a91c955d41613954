import Banks
import Testing

/// The question types as Moodle's GIFT documentation (docs.moodle.org/en/GIFT_format) writes them
/// and as Moodle's reader (question/format/gift/format.php) reads them.
@Suite("GIFT importer: question types")
struct GIFTImporterTests {
    // MARK: Multiple choice

    @Test func multipleChoiceWithOneRightAnswerBecomesSingleChoice() {
        let result = GIFTTesting.convert("::Tomb:: Who's buried in Grant's tomb? {~Grant ~Jefferson =no one}")
        #expect(result.items == [
            GIFTTesting.item("tomb", "Who's buried in Grant's tomb?", .singleChoice(options: GIFTTesting.options("~Grant", "~Jefferson", "=no one"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func answersOnSeparateIndentedLinesWithFeedbackOnTheirOwnLinesAreRead() {
        let result = GIFTTesting.convert(
            "//Comment line",
            "::Question title",
            ":: Question {",
            "     =A correct answer",
            "     ~Wrong answer1",
            "     #A response to wrong answer1",
            "     ~Wrong answer2",
            "}"
        )
        #expect(result.items == [
            GIFTTesting.item("question-title", "Question", explanation: "Option Wrong answer1: A response to wrong answer1",
                             .singleChoice(options: GIFTTesting.options("=A correct answer", "~Wrong answer1", "~Wrong answer2"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func theRightAnswerWrittenAfterATildeIsRead() {
        // The issue's {~=right ~wrong}: Moodle splits before every = as well as every ~.
        let result = GIFTTesting.convert("Which? {~=right ~wrong}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("=right", "~wrong"))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func partialCreditDistractorsKeepTheQuestionSingleChoiceWithTheirCredits() {
        let result = GIFTTesting.convert("Difficult question. {~wrong answer ~%50%half credit answer =full credit answer}")
        #expect(result.items.map(\.body) == [
            .singleChoice(options: GIFTTesting.credited(single: true, ("wrong answer", 0), ("half credit answer", 50), ("full credit answer", 100))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func explicitWeightsKeepASingleAnswerQuestionSingleChoice() {
        let result = GIFTTesting.convert("Which? {=%100%right ~%-33.33333%guess ~other}")
        #expect(result.items.map(\.body) == [
            .singleChoice(options: GIFTTesting.credited(single: true, ("right", 100), ("guess", -33.33333), ("other", 0))),
        ])
        #expect(result.items.first?.type == .singleChoice)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func severalFullCreditAnswersBesideATildeStaySingleChoiceAsInMoodle() {
        let result = GIFTTesting.convert("Which is a statin? {=Atorvastatin =Simvastatin ~Ezetimibe}")
        #expect(result.items.map(\.body) == [
            .singleChoice(options: GIFTTesting.credited(single: true, ("Atorvastatin", 100), ("Simvastatin", 100), ("Ezetimibe", 0))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func aWeightAfterEqualsOtherThanFullIsTextInMoodleAndWarned() {
        let result = GIFTTesting.convert("Which? {=%50%maybe ~no}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("=%50%maybe", "~no"))])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 10, severity: .warning)])
    }

    @Test func weightsWithoutEqualsBecomeMultipleResponseWithTheirCredits() {
        let result = GIFTTesting.convert(
            "What two people are entombed in Grant's tomb? {",
            "   ~%-100%No one",
            "   ~%50%Grant",
            "   ~%50%Grant's wife",
            "   ~%-100%Grant's father",
            "}"
        )
        #expect(result.items.map(\.body) == [
            .multipleResponse(options: GIFTTesting.credited(single: false, ("No one", -100), ("Grant", 50), ("Grant's wife", 50), ("Grant's father", -100)), scoring: .partial),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func weightsThatSplitEquallyBecomeThePartialRuleWithoutCredits() {
        let result = GIFTTesting.convert("Which are beta-blockers? {~%33.33333%Bisoprolol ~%33.33333%Metoprolol ~%33.33334%Atenolol ~%-33.33333%Amlodipine}")
        #expect(result.items.map(\.body) == [
            .multipleResponse(options: GIFTTesting.options("=Bisoprolol", "=Metoprolol", "=Atenolol", "~Amlodipine"), scoring: .partial),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test("Weights Moodle would refuse to save are errors at the question", arguments: [
        "Which? {~%50%a ~%30%b ~c}", "Which? {~a ~b ~c}", "Which? {~%50%a ~%50%b}", "Which? {~%150%a =b}",
    ])
    func refusedWeights(source: String) {
        let result = GIFTTesting.convert("Valid {T}", "", source)
        #expect(result.items.count == 1)
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.line) == [3])
    }

    @Test func answerTextStartingWithAPercentSignIsText() {
        let result = GIFTTesting.convert("Which share? {=%age of the total ~50% of it ~%count}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("=%age of the total", "~50% of it", "~%count"))])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func aBrokenWeightIsTextAsInMoodleWithAWarning() {
        let result = GIFTTesting.convert("Which? {~%50 a =b}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("~%50 a", "=b"))])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 10, severity: .warning)])
    }

    @Test func textBeforeTheFirstMarkerIsAWrongAnswerAsInMoodle() {
        let result = GIFTTesting.convert("Which? {maybe ~no =yes}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("~maybe", "~no", "=yes"))])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 9, severity: .warning)])
    }

    @Test func escapedSpecialCharactersFromMoodlesDocumentationAreText() {
        let result = GIFTTesting.convert("Which answer equals 5? {", "   ~ \\= 2 + 2", "   = \\= 2 + 3", "   ~ \\= 2 + 4", "}")
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("~= 2 + 2", "== 2 + 3", "~= 2 + 4"))])
    }

    @Test func duplicateOptionTextsAreAnErrorAtTheSecondOne() {
        let result = GIFTTesting.convert("Valid {T}", "", "Which? {", "  =Adenosine", "  ~Verapamil", "  ~Adenosine", "}")
        #expect(result.items.count == 1)
        #expect(GIFTTesting.locations(result) == [.init(line: 6, column: 3, severity: .error)])
    }

    @Test func moreThanTenOptionsIsAnErrorAtTheEleventh() {
        let result = GIFTTesting.convert("Which? {=a ~b ~c ~d ~e ~f ~g ~h ~i ~j ~k}")
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 39, severity: .error)])
    }

    @Test func missingWordQuestionsGetABlankWhereTheAnswerBlockWas() {
        let result = GIFTTesting.convert(
            "Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org.",
            "",
            "The American holiday of Thanksgiving is celebrated on the {",
            "    ~second",
            "    =fourth",
            "} Thursday of November.",
            "",
            "Two plus two equals {=four =4}."
        )
        #expect(result.items.map(\.prompt) == [
            "Moodle costs _____ to download from moodle.org.",
            "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
            "Two plus two equals _____.",
        ])
        #expect(result.items.map(\.body) == [
            .singleChoice(options: GIFTTesting.options("~lots of money", "=nothing", "~a small amount")),
            .singleChoice(options: GIFTTesting.options("~second", "=fourth")),
            .shortText(accept: ["four", "4"], acceptRegex: []),
        ])
        #expect(result.diagnostics.isEmpty)
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

    @Test func generalFeedbackFollowsTheLastFourHashes() {
        let result = GIFTTesting.convert("Which? {=a#fine ~b####first####second}")
        // As in Moodle: the answer text keeps the first ####, and b's feedback starts at its first #.
        #expect(result.items.map(\.explanation) == ["second\nOption a: fine\nOption b: ###first"])
    }

    // MARK: True/false

    @Test("True/false answers T, F, TRUE and FALSE become true_false", arguments: [("T", true), ("F", false), ("TRUE", true), ("FALSE", false)])
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

    @Test func lowerCaseTrueIsAShortAnswerInMoodleWithAWarning() {
        let result = GIFTTesting.convert("The sun rises in the east. {true}")
        #expect(result.items.map(\.body) == [.shortText(accept: ["true"], acceptRegex: [])])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 29, severity: .warning)])
    }

    // MARK: Short answer

    @Test func rightAnswersOnlyBecomeShortTextAcceptList() {
        let result = GIFTTesting.convert("Who's buried in Grant's tomb? {=Grant =Ulysses S. Grant =Ulysses Grant}")
        #expect(result.items.map(\.body) == [.shortText(accept: ["Grant", "Ulysses S. Grant", "Ulysses Grant"], acceptRegex: [])])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func shortAnswersWithoutAnEqualsSignAreAccepted() {
        #expect(GIFTTesting.body("Two plus two? {four}") == .shortText(accept: ["four"], acceptRegex: []))
        #expect(GIFTTesting.body("Two plus two? {four =4}") == .shortText(accept: ["four", "4"], acceptRegex: []))
    }

    @Test func shortAnswersWithPartialCreditKeepTheirCredits() {
        let result = GIFTTesting.convert(
            "::Jesus' hometown::Jesus Christ was from {",
            "=Nazareth#Yes! That's right!",
            "=%75%Nazereth#Right, but misspelled.",
            "=%25%Bethlehem#He was born here, but not raised here.",
            "}."
        )
        #expect(result.items == [
            GIFTTesting.item("jesus-hometown", "Jesus Christ was from _____.",
                             explanation: "Answer Nazareth: Yes! That's right!\nAnswer Nazereth: Right, but misspelled.\nAnswer Bethlehem: He was born here, but not raised here.",
                             .shortText(accept: ["Nazareth"], acceptRegex: [], graded: [ShortTextAnswer("Nazereth", match: .exact, credit: 75), ShortTextAnswer("Bethlehem", match: .exact, credit: 25)])),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func theWildcardIsKeptAsAPatternAndAnEscapedStarIsText() {
        #expect(GIFTTesting.body("Inflammation of the appendix? {=*itis =%50%inflam*}") == .shortText(accept: [], acceptRegex: [], graded: [
            ShortTextAnswer("*itis", match: .wildcard), ShortTextAnswer("inflam*", match: .wildcard, credit: 50),
        ]))
        #expect(GIFTTesting.body("Two times three, as typed? {=2\\*3}") == .shortText(accept: ["2*3"], acceptRegex: []))
    }

    @Test func aWildcardThatAcceptsEverythingWithCreditIsAnError() {
        let result = GIFTTesting.convert("Anything? {=right =%50%*}")
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 19, severity: .error)])
    }

    @Test func zeroAndNegativeShortAnswersAreLeftOutOfTheKeyButKeepTheirFeedback() {
        let result = GIFTTesting.convert("Capital of Australia? {=Canberra =%0%Sydney#Largest city, not the capital. =%-50%Melbourne}")
        #expect(result.items.map(\.body) == [.shortText(accept: ["Canberra"], acceptRegex: [])])
        #expect(result.items.map(\.explanation) == ["Answer Sydney: Largest city, not the capital."])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 77, severity: .warning)])
    }

    @Test func anEarlierAnswerWithLessCreditForTheSameTextIsWarned() {
        let result = GIFTTesting.convert("Colour? {=%50%grey =Grey}")
        #expect(result.items.count == 1)
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 20, severity: .warning)])
    }

    @Test func aShortAnswerBlockWithOnlyPartialCreditIsAnError() {
        let result = GIFTTesting.convert("Which? {=%50%a}")
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 9, severity: .error)])
    }

    // MARK: Numeric

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

    @Test func severalNumericAnswersKeepTheirCredits() {
        let result = GIFTTesting.convert(
            "When was Ulysses S. Grant born? {#",
            "    =1822:0      # Correct! Full credit.",
            "    =%50%1822:2  # He was born in 1822. Half credit for being close.",
            "}"
        )
        #expect(result.items.map(\.body) == [
            .numeric(NumericKey(answer: 1822, tolerance: .exact, otherAnswers: [.init(answer: 1822, tolerance: .absolute(2), credit: 50)])),
        ])
        #expect(result.items.map(\.explanation) == ["Answer 1822:0: Correct! Full credit.\nAnswer 1822:2: He was born in 1822. Half credit for being close."])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func numericFeedbackForAnyOtherAnswerAsMoodleExportsItIsRead() {
        let result = GIFTTesting.convert("::Grant:: When was Grant born? {#", "\t=%100%1822:0#Correct!", "\t~#Look it up.", "}")
        #expect(result.items.map(\.body) == [.numeric(NumericKey(answer: 1822, tolerance: .exact))])
        #expect(result.items.map(\.explanation) == ["Answer 1822:0: Correct!\nAny other answer: Look it up."])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func aLowerCreditNumericAnswerBeforeAnOverlappingFullOneIsWarnedWhereMoodleDiffers() {
        let result = GIFTTesting.convert(
            "::Grant born:: When was Ulysses S. Grant born? {#",
            "    =%50%1822:2  # Close: half credit.",
            "    =1822:0      # Correct!",
            "    =%10%1800..1900",
            "}"
        )
        #expect(result.items.map(\.body) == [
            .numeric(NumericKey(answer: 1822, tolerance: .exact, otherAnswers: [
                .init(answer: 1822, tolerance: .absolute(2), credit: 50), .init(answer: nil, tolerance: .range(min: 1800, max: 1900), credit: 10),
            ])),
        ])
        #expect(GIFTTesting.locations(result) == [.init(line: 2, column: 5, severity: .warning)])
    }

    @Test func numericAnswerBeforeAMissingWordDotIsAMissingWordQuestion() {
        let result = GIFTTesting.convert("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.")
        #expect(result.items.map(\.prompt) == ["What is the value of pi (to 3 decimal places)? _____."])
    }

    @Test func numericAnswersWithoutEqualsSignsAreEachFullCredit() {
        #expect(GIFTTesting.body("Half? {#0.5 =0.50}") == .numeric(NumericKey(answer: 0.5, tolerance: .exact, otherAnswers: [.init(answer: 0.5, tolerance: .exact)])))
    }

    // MARK: Matching

    @Test func matchingBecomesAMatchingItemWithPairsAndExtraAnswers() {
        let result = GIFTTesting.convert(
            "Match the following countries with their corresponding capitals. {",
            "    =Canada -> Ottawa",
            "    =Italy  -> Rome",
            "    =Japan  -> Tokyo",
            "    =India  -> New Delhi",
            "    = -> Sydney",
            "    ####It's good to know the capitals",
            "}"
        )
        #expect(result.items.map(\.body) == [
            .matching(pairs: [
                MatchingPair(prompt: "Canada", answer: "Ottawa"), MatchingPair(prompt: "Italy", answer: "Rome"),
                MatchingPair(prompt: "Japan", answer: "Tokyo"), MatchingPair(prompt: "India", answer: "New Delhi"),
            ], distractors: ["Sydney"], scoring: .partial),
        ])
        #expect(result.items.map(\.explanation) == ["It's good to know the capitals"])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func matchingPromptsMayShareAnAnswerButNotRepeat() {
        #expect(GIFTTesting.body("Classify. {=Bisoprolol -> beta-blocker =Atenolol -> beta-blocker =Ramipril -> ACE inhibitor}") == .matching(pairs: [
            MatchingPair(prompt: "Bisoprolol", answer: "beta-blocker"), MatchingPair(prompt: "Atenolol", answer: "beta-blocker"),
            MatchingPair(prompt: "Ramipril", answer: "ACE inhibitor"),
        ], distractors: [], scoring: .partial))
        let result = GIFTTesting.convert("Classify. {=Bisoprolol -> beta-blocker", "=Bisoprolol -> ACE inhibitor}")
        #expect(GIFTTesting.locations(result) == [.init(line: 2, column: 1, severity: .error)])
    }

    @Test func aMatchingPairWithoutAnArrowIsAnErrorAtThatPair() {
        let result = GIFTTesting.convert("Match. {=a -> 1", "=b 2", "=c -> 3}")
        #expect(GIFTTesting.locations(result) == [.init(line: 2, column: 1, severity: .error)])
    }

    // MARK: Essay and description

    @Test func essayTakesItsRubricFromTheGeneralFeedback() {
        let result = GIFTTesting.convert("::Consent:: Explain informed consent. {####5: capacity, information, voluntariness; 0: none.}")
        #expect(result.items == [
            GIFTTesting.item("consent", "Explain informed consent.", .essay(rubric: "5: capacity, information, voluntariness; 0: none.", maxWords: nil)),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func essayWithoutGeneralFeedbackGetsThePlaceholderRubricAndAWarning() {
        let result = GIFTTesting.convert("", "", "Write a short biography of Dag Hammarskjöld. {}")
        #expect(result.items == [
            GIFTTesting.item("cardio-001", "Write a short biography of Dag Hammarskjöld.", .essay(rubric: "No rubric in the GIFT source: write one before this item is used.", maxWords: nil)),
        ])
        #expect(result.diagnostics == [
            GIFTTesting.diagnostic(3, 1, .warning, "The essay has no general feedback ('####…') to take its rubric from: the placeholder rubric must be replaced before the item is used."),
        ])
    }

    @Test func descriptionIsReportedWithAWarningAndMakesNoItem() {
        let result = GIFTTesting.convert("::Intro:: You can use your pencil and paper for these next math questions.", "", "Is a {T}")
        #expect(result.items.map(\.id) == ["cardio-001"])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 1, severity: .warning)])
    }

    // MARK: Structure

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
            "Right after the category line {T}",
            "",
            "$CATEGORY: Ignored",
            "$CATEGORY: $course$/top/Cardiology//Renal",
            "::t1:: After two category lines {T}"
        )
        #expect(result.items.map(\.topic) == ["general", "heart-failure", "heart-failure", "pharmacology", "cardiology/renal"])
        #expect(result.items.map(\.prompt) == ["Before any category", "First", "Second", "Right after the category line", "After two category lines"])
        #expect(result.items.map(\.id) == ["cardio-001", "cardio-002", "cardio-003", "cardio-004", "t1"])
        // Moodle would read a question right after a category line as part of the category's name.
        #expect(GIFTTesting.locations(result) == [.init(line: 10, column: 1, severity: .warning), .init(line: 14, column: 1, severity: .warning)])
    }

    @Test func severalQuestionsInOneBlockAreReadSeparatelyWithAWarningEach() {
        let result = GIFTTesting.convert(
            "::Q1:: First? {=a ~b}",
            "::Q2:: Second? {T}",
            "Third? {",
            "  =x",
            "  ~y",
            "}",
            "Fourth? {#4}"
        )
        #expect(result.items.map(\.id) == ["q1", "q2", "cardio-001", "cardio-002"])
        #expect(result.items.map(\.prompt) == ["First?", "Second?", "Third?", "Fourth?"])
        #expect(GIFTTesting.locations(result) == [
            .init(line: 2, column: 1, severity: .warning), .init(line: 3, column: 1, severity: .warning), .init(line: 7, column: 1, severity: .warning),
        ])
    }

    @Test func aBrokenQuestionInABlockDoesNotTakeTheOthersWithIt() {
        let result = GIFTTesting.convert("::Q1:: First? {~a ~b}", "::Q2:: Second? {T}")
        #expect(result.items.map(\.id) == ["q2"])
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.line) == [1])
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

    @Test func theTitleNeverLeaksIntoThePromptAndMaySpanLines() {
        let result = GIFTTesting.convert("::Long", "title:: The question? {T}")
        #expect(result.items.map(\.prompt) == ["The question?"])
        #expect(result.items.map(\.id) == ["long-title"])
    }

    @Test func anUnclosedTitleIsReadAsQuestionTextAsInMoodleWithAWarning() {
        let result = GIFTTesting.convert("::Title Which? {T}")
        #expect(result.items.map(\.prompt) == ["Title Which?"])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 1, severity: .warning)])
    }

    @Test func titlesBecomeIdsValidOnesAsWrittenOthersSlugifiedAndDeduplicated() {
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
            "::\(longTitle):: Is f {T}",
            "",
            "::card-7.b_2-:: Is g {T}"
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
            "card-7.b_2-",
        ])
        #expect(result.items.allSatisfy { GIFTTesting.violations(of: $0).isEmpty })
    }

    @Test func everyItemHasMediumDifficultyOnePointAndLintsClean() {
        let result = GIFTTesting.convert("A {T}", "", "B {=x ~y}", "", "C {}", "", "D {#1}", "", "E {=word}", "", "F {=a -> 1 =b -> 2}", "", "G {~%50%a ~%50%b ~c}")
        #expect(result.items.count == 7)
        #expect(result.items.allSatisfy { $0.difficulty == .medium && $0.points == 1 })
        for item in result.items { #expect(GIFTTesting.violations(of: item).isEmpty, "\(item.id)") }
    }

    @Test func windowsLineEndingsKeepLineNumbers() {
        let text = "Is a {T}\r\n\r\n// comment\r\n::Food:: Which? {=cat -> food =cat -> bone}\r\n"
        let result = GIFTImporter.convert(text, file: GIFTTesting.file, bankSlug: "cardio")
        #expect(result.items.count == 1)
        #expect(GIFTTesting.locations(result) == [.init(line: 4, column: 31, severity: .error)])
    }

    // MARK: Text formats

    @Test("Format markers markdown, plain and moodle are stripped; text without markup is kept", arguments: ["markdown", "plain", "moodle"])
    func formatMarkersAreStripped(marker: String) {
        let result = GIFTTesting.convert("::Fmt::[\(marker)]Is **this** kept? {=[\(marker)]yes #[\(marker)]Good ~no}")
        #expect(result.items == [
            GIFTTesting.item("fmt", "Is **this** kept?", explanation: "Option yes: Good", .singleChoice(options: GIFTTesting.options("=yes", "~no"))),
        ])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func htmlTextBecomesPlainTextKeepingParagraphsListsAndCode() {
        let result = GIFTTesting.convert(
            "::Html::[html]<style>p \\{color: red\\}</style><!-- internal note --><p>Which is <b>smaller</b>: 2 &lt; 3 &amp;&nbsp;4?</p>",
            "<ul><li>first</li><li>second</li></ul><pre>let x = 1\\n  x += 1</pre><p>H<sub>2</sub>O and x<sup>2</sup></p> {",
            "  =<i>two</i> #Two &gt; one",
            "  ~three",
            "}"
        )
        #expect(result.items.map(\.prompt) == ["Which is smaller: 2 < 3 & 4?\n\n- first\n- second\n\nlet x = 1\n  x += 1\n\nH₂O and x²"])
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("=two", "~three"))])
        #expect(result.items.map(\.explanation) == ["Option two: Two > one"])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func markupInMoodlesDefaultFormatIsConvertedToo() {
        let result = GIFTTesting.convert("Which <b>drug</b> is first-line?<br>Pick one. {=Adenosine ~<i>Verapamil</i>}")
        #expect(result.items.map(\.prompt) == ["Which drug is first-line?\nPick one."])
        #expect(result.items.map(\.body) == [.singleChoice(options: GIFTTesting.options("=Adenosine", "~Verapamil"))])
    }

    @Test func plainTextIsKeptExactlyAndMarkdownLosesOnlyCommentsAndStyles() {
        #expect(GIFTTesting.convert("[plain]Is <b> a tag? {T}").items.map(\.prompt) == ["Is <b> a tag?"])
        #expect(GIFTTesting.convert("[markdown]Is **x** <!-- note -->bold? {T}").items.map(\.prompt) == ["Is **x** bold?"])
    }

    @Test func anImageIsNamedInTheTextAndWarned() {
        let result = GIFTTesting.convert("[html]<p>What does this ECG show?</p><img src=\"ecg.png\" alt=\"12-lead ECG\"> {=AF ~flutter}")
        #expect(result.items.map(\.prompt) == ["What does this ECG show?\n\n[image: 12-lead ECG]"])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 7, severity: .warning)])
    }

    // MARK: The bank

    @Test("Invalid --bank and --domain slugs are refused", arguments: [("Cardio", "medicine"), ("cardio", "Medicine!"), ("c", "medicine"), ("cardio core", "medicine")])
    func invalidSlugsAreRefused(slug: String, domain: String) {
        let result = GIFTTesting.convert("Is a {T}")
        #expect(throws: BankError.self) { try result.bank(slug: slug, domain: domain) }
        do {
            _ = try result.bank(slug: slug, domain: domain)
        } catch let error as BankError {
            #expect(error.code == .invalidSlug)
            #expect(error.message.contains(slug == "cardio" ? "--domain" : "--bank"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theConvertedBankReadsBackCleanly() throws {
        let result = GIFTTesting.convert("A {T}", "", "B {~%50%a ~%50%b ~%-100%c}", "", "C {#1 =%50%2}", "", "D {=x =%50%y*}", "", "E {=a -> 1 =b -> 2 = -> 3}")
        let bank = try result.bank(slug: "cardio", domain: "medicine")
        let (read, diagnostics) = BankReader.bank(from: try BankWriter.yaml(bank), file: "cardio.yaml")
        #expect(diagnostics.isEmpty)
        #expect(read == bank)
        #expect(throws: BankError.self) { try GIFTTesting.convert("// nothing").bank(slug: "cardio", domain: "medicine") }
    }
}

@Suite("GIFT importer: HTML as text")
struct GIFTHTMLTests {
    @Test("HTML becomes the plain text a candidate should read", arguments: [
        ("<ol><li>one</li><li>two<ul><li>a</li><li>b</li></ul></li></ol><p>End</p>", "1. one\n2. two\n  - a\n  - b\n\nEnd"),
        ("<table><tr><th>Drug</th><th>Dose</th></tr><tr><td>A</td><td>5 mg</td></tr></table>", "Drug | Dose\nA | 5 mg"),
        ("See the <a href=\"https://example.org/g\">guideline</a>.", "See the guideline (https://example.org/g)."),
        ("<p>Caf&eacute; &Agrave; la cr&egrave;me, na&iuml;ve &ccedil;a, &#233;t&#xE9;, &oelig;uvre, &szlig;</p>", "Café À la crème, naïve ça, été, œuvre, ß"),
        ("<P>One</P><P>Two<BR>still two</P>", "One\n\nTwo\nstill two"),
        ("<script>alert('x')</script><h3>Title</h3>text", "Title\n\ntext"),
        ("2 < 3 and 5 > 4", "2 < 3 and 5 > 4"),
        ("a <b unclosed", "a <b unclosed"),
        ("CO<sub>2</sub>, x<sup>n+1</sup>, e<sup>iπ</sup>", "CO₂, xⁿ⁺¹, e^(iπ)"),
        ("<pre>  indented\\n    more</pre>", "  indented\n    more"),
        ("  lots   of\\n\\n   space  ", "lots of space"),
    ])
    func htmlBecomesText(html: String, text: String) {
        let result = GIFTTesting.convert("[html]\(html) {T}")
        #expect(result.items.map(\.prompt) == [text])
    }

    @Test func moodlesOwnFormatKeepsItsLineBreaksAroundMarkup() {
        let result = GIFTTesting.convert("Line one\\nline <i>two</i>\\n\\nparagraph &amp; more {T}")
        #expect(result.items.map(\.prompt) == ["Line one\nline two\n\nparagraph & more"])
    }
}
