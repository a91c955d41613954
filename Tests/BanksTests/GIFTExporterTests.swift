import Banks
import Foundation
import Testing

@Suite("GIFT export")
struct GIFTExporterTests {
    static func item(_ id: String, topic: String = "cardiology", _ prompt: String, explanation: String? = nil, _ body: ItemBody) -> Item {
        Item(id: id, topic: topic, prompt: prompt, explanation: explanation, points: 2, difficulty: .hard, body: body)
    }

    /// The export's text without its two header comment lines and the blank line after them.
    static func questions(_ export: GIFTExport) -> String {
        export.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).joined(separator: "\n")
    }

    @Test func everyTypeIsWrittenAsMoodleWritesIt() {
        let bank = GIFTTesting.bank([
            Self.item("svt", "Which drug is first-line?", explanation: "Adenosine blocks the AV node.",
                      .singleChoice(options: GIFTTesting.options("~Amiodarone", "=Adenosine", "~Verapamil"))),
            Self.item("svt-credit", "Which drug?", .singleChoice(options: GIFTTesting.credited(single: true, ("Adenosine", 100), ("Verapamil", 50), ("Digoxin", -25), ("Amiodarone", 0)))),
            Self.item("scores", "Which scores?", .multipleResponse(options: GIFTTesting.options("=CHA2DS2-VASc", "=HAS-BLED", "~Wells"), scoring: .partial)),
            Self.item("tomb", "Grant and his wife?", .multipleResponse(options: GIFTTesting.credited(single: false, ("Grant", 50), ("Grant's wife", 50), ("No one", -100)), scoring: .partial)),
            Self.item("aspirin", topic: "pharmacology", "Aspirin is an antiplatelet drug.", explanation: "It inhibits COX-1.", .trueFalse(answer: true)),
            Self.item("grant", "When was Grant born?", .numeric(NumericKey(answer: 1822, tolerance: .exact, otherAnswers: [.init(answer: 1822, tolerance: .absolute(2), credit: 50)]))),
            Self.item("hr", "A normal heart rate?", .numeric(NumericKey(answer: nil, tolerance: .range(min: 60, max: 100)))),
            Self.item("dose", "Dose in mg?", .numeric(NumericKey(answer: 1500, tolerance: .percent(2)))),
            Self.item("mi", "Name it.", .shortText(accept: ["myocardial infarction", "2*3"], acceptRegex: [], graded: [
                ShortTextAnswer("MI", match: .exact, credit: 50), ShortTextAnswer("heart attack*", match: .wildcard, credit: 80),
            ])),
            Self.item("capitals", "Match the capitals.", .matching(pairs: [MatchingPair(prompt: "Canada", answer: "Ottawa"), MatchingPair(prompt: "Italy", answer: "Rome")],
                                                                     distractors: ["Sydney"], scoring: .partial)),
            Self.item("consent", "Explain informed consent.", .essay(rubric: "5: capacity, information, voluntariness.", maxWords: nil)),
        ])
        let export = GIFTExporter.export(bank)
        #expect(Self.questions(export) == #"""
            $CATEGORY: cardiology

            ::svt::Which drug is first-line?{
            	~Amiodarone
            	=Adenosine
            	~Verapamil
            	####Adenosine blocks the AV node.
            }

            ::svt-credit::Which drug?{
            	=Adenosine
            	~%50%Verapamil
            	~%-25%Digoxin
            	~Amiodarone
            }

            ::scores::Which scores?{
            	~%50%CHA2DS2-VASc
            	~%50%HAS-BLED
            	~%-50%Wells
            }

            ::tomb::Grant and his wife?{
            	~%50%Grant
            	~%50%Grant's wife
            	~%-100%No one
            }

            $CATEGORY: pharmacology

            ::aspirin::Aspirin is an antiplatelet drug.{TRUE####It inhibits COX-1.}

            $CATEGORY: cardiology

            ::grant::When was Grant born?{#
            	=1822
            	=%50%1822:2
            }

            ::hr::A normal heart rate?{#
            	=60..100
            }

            ::dose::Dose in mg?{#
            	=1500:30
            }

            ::mi::Name it.{
            	=myocardial infarction
            	=2\\*3
            	=%80%heart attack*
            	=%50%MI
            }

            ::capitals::Match the capitals.{
            	=Canada -> Ottawa
            	=Italy -> Rome
            	= -> Sydney
            }

            ::consent::Explain informed consent.{
            	####5\: capacity, information, voluntariness.
            }

            """#)
        #expect(export.exportedItemIDs == bank.items.map(\.id))
        #expect(export.notes == [GIFTExport.Note(itemID: nil, severity: .warning, message: "GIFT has no place for the bank's settings, item points, difficulties and IRT parameters; they are not exported.")])
    }

    @Test func textIsEscapedAndMarkupIsWrittenPlain() {
        let bank = GIFTTesting.bank([
            Self.item("esc", "Is 1 = 1 ~ {set} # tag: yes\nsecond line \\ end?", .singleChoice(options: GIFTTesting.options("=<b>bold</b>", "~[html] marker", "~%50% of all", "~& more"))),
        ])
        #expect(Self.questions(GIFTExporter.export(bank)) == ##"""
            $CATEGORY: cardiology

            ::esc::Is 1 \= 1 \~ \{set\} \# tag\: yes\nsecond line \\ end?{
            	=[plain]<b>bold</b>
            	~[plain][html] marker
            	~%0%%50% of all
            	~& more
            }

            """##)
    }

    @Test func whatGIFTCannotExpressIsLeftOutWithAnErrorNote() {
        let bank = GIFTTesting.bank([
            Self.item("steps", "Order them.", .ordering(steps: ["a", "b", "c"], scoring: .partial)),
            Self.item("all", "All of them?", .multipleResponse(options: GIFTTesting.options("=a", "~b"), scoring: .allOrNothing)),
            Self.item("regex", "Name it.", .shortText(accept: ["mi"], acceptRegex: ["^ami$"])),
            Self.item("match", "Match.", .matching(pairs: [MatchingPair(prompt: "a", answer: "1"), MatchingPair(prompt: "b", answer: "2")], distractors: [], scoring: .allOrNothing)),
            Self.item("arrow", "Which?", .shortText(accept: ["a -> b"], acceptRegex: [])),
            Self.item("fine", "Fine?", .trueFalse(answer: false)),
        ])
        let export = GIFTExporter.export(bank)
        #expect(export.exportedItemIDs == ["fine"])
        #expect(export.notes.filter { $0.severity == .error }.compactMap(\.itemID) == ["steps", "all", "regex", "match", "arrow"])
        #expect(export.notes.first { $0.itemID == "steps" }?.description == "item steps: error: left out: GIFT has no ordering question.")
        #expect(GIFTImporter.convert(export.text, file: "x.gift", bankSlug: "x").items.map(\.id) == ["fine"])
    }

    @Test func whatGIFTDoesNotCarryIsWarned() {
        let bank = GIFTTesting.bank([
            Self.item("unit", "How far?", .numeric(NumericKey(answer: 9.81, tolerance: .absolute(0.02), unit: "m/s²"))),
            Self.item("essay", "Explain.", explanation: "Staff note.", .essay(rubric: "R", maxWords: 200)),
            Self.item("topic", topic: "Heart Failure", "Is it?", .trueFalse(answer: true)),
        ])
        let warnings = GIFTExporter.export(bank).notes.filter { $0.severity == .warning }.map(\.description)
        #expect(warnings == [
            "bank: warning: GIFT has no place for the bank's settings, item points, difficulties and IRT parameters; they are not exported.",
            "item unit: warning: its unit 'm/s²' is not part of GIFT; the prompt should state it.",
            "item essay: warning: its word limit is not part of GIFT.",
            "item essay: warning: its explanation is not exported: an essay's general feedback carries its rubric.",
            "item topic: warning: its topic 'Heart Failure' reads back from GIFT as 'heart-failure' (topics are read lower-case, with '-' for spaces).",
        ])
    }

    @Test func weightsAreWrittenInPlainDecimalsAsMoodlesPatternNeeds() {
        let bank = GIFTTesting.bank([
            Self.item("tiny", "Which?", .singleChoice(options: GIFTTesting.credited(single: true, ("a", 100), ("b", 0.00001), ("c", -33.333333333333336)))),
        ])
        let text = GIFTExporter.export(bank).text
        #expect(text.contains("~%0.00001%b"))
        #expect(text.contains("~%-33.333333333333336%c"))
        #expect(GIFTImporter.convert(text, file: "x.gift", bankSlug: "x").items.map(\.body) == bank.items.map(\.body))
    }

    @Test func theShippedBanksExportAndReadBackWithTheSameKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interview-banks")
        for (_, bank) in BankLinter.lint(path: root.path).banks {
            let export = GIFTExporter.export(bank)
            let result = GIFTImporter.convert(export.text, file: "\(bank.slug).gift", bankSlug: bank.slug)
            #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(bank.slug): \(result.diagnostics.prefix(3))")
            let exported = bank.items.filter { export.exportedItemIDs.contains($0.id) }
            #expect(result.items.map(\.id) == exported.map(\.id))
            for (read, original) in zip(result.items, exported) {
                #expect(read == GIFTRoundTripTests.meaning(original), "\(bank.slug) \(original.id)")
            }
            #expect(exported.count >= bank.items.count / 2, "\(bank.slug)")
        }
    }
}
