import Banks
import Testing

@Suite("GIFT importer: a realistic file")
struct GIFTRealisticFileTests {
    /// A Moodle export as an expert would hand it over: categories, comments, titles, feedback,
    /// every question type, and the constructs that do not convert.
    static let source = #"""
    // Exported from Moodle: Cardiology screen
    // question: 0  name: Switch category

    $CATEGORY: $course$/top/Default for Cardiology/Arrhythmia

    // question: 101  name: SVT first line
    ::SVT first line::[html]<p>A 34-year-old woman has a regular narrow-complex tachycardia at 190/min;
    vagal manoeuvres fail. Which drug is <b>first-line</b>?</p>{
        ~Amiodarone#Not first-line for SVT.
        =Adenosine#Yes: it blocks the AV node transiently.
        ~Verapamil#An alternative when adenosine is contraindicated.
        ~Digoxin
        ####Adenosine terminates most AV-nodal re-entry tachycardias.
    }

    ::AF anticoagulation:: Which scores guide anticoagulation and bleeding risk in atrial fibrillation? {
        ~%50%CHA₂DS₂-VASc
        ~%50%HAS-BLED
        ~%-50%GRACE
        ~%-50%Wells
    }

    ::QT drugs:: Select the drugs that prolong the QT interval. {
        =Sotalol
        =Haloperidol
        ~Amlodipine
    }

    $CATEGORY: $course$/top/Default for Cardiology/Heart Failure

    ::Loop diuretics:: Furosemide acts on the distal convoluted tubule. {F#It acts on the thick ascending limb.#Right.}

    ::NYHA:: A patient with heart failure is comfortable at rest but ordinary activity causes dyspnoea.
    This is NYHA class {=II =2 =%50%III#Class III is less than ordinary activity.}.

    ::LVEF:: Below which left ventricular ejection fraction (in %) is heart failure "reduced"? {#
        =40:0 #HFrEF is LVEF ≤ 40%.
        =%50%35..45
    }

    ::Dose:: Target daily dose of bisoprolol in HFrEF, in mg, to one significant figure? {#10}

    ::Range:: A normal resting heart rate lies between 60 and 100/min. Give one in range. {#60..100}

    // matching
    ::Match:: Match the drug to its class. {
        =Bisoprolol -> beta-blocker
        =Ramipril -> ACE inhibitor
        =Spironolactone -> MRA
    }

    ::Essay:: Outline your management of acute pulmonary oedema. {
    ####5: sits up, oxygen to target, IV loop diuretic, nitrates if BP allows, senior help; 0: none.
    }

    Read the case notes on the next screen before answering.

    ::Essay:: Discuss the ethics of deactivating an ICD at the end of life. {}

    ::Broken:: Which valve is affected in rheumatic fever most often? {~Aortic ~Tricuspid ~Pulmonary}
    """#

    @Test func realisticFileConvertsWhatMoodleReadsAndLocatesTheRest() {
        let result = GIFTImporter.convert(Self.source, file: GIFTTesting.file, bankSlug: "cardio")

        #expect(result.items.map(\.id) == [
            "svt-first-line", "af-anticoagulation", "qt-drugs", "loop-diuretics", "nyha", "lvef", "dose", "range", "match", "essay", "essay-2",
        ])
        #expect(result.items.map(\.type) == [
            .singleChoice, .multipleResponse, .singleChoice, .trueFalse, .shortText, .numeric, .numeric, .numeric, .matching, .essay, .essay,
        ])
        #expect(result.items.map(\.topic) == ["arrhythmia", "arrhythmia", "arrhythmia"] + Array(repeating: "heart-failure", count: 8))
        for item in result.items { #expect(GIFTTesting.violations(of: item).isEmpty, "\(item.id)") }

        let svt = result.items[0]
        #expect(svt.prompt == "A 34-year-old woman has a regular narrow-complex tachycardia at 190/min; vagal manoeuvres fail. Which drug is first-line?")
        #expect(svt.explanation == """
            Adenosine terminates most AV-nodal re-entry tachycardias.
            Option Amiodarone: Not first-line for SVT.
            Option Adenosine: Yes: it blocks the AV node transiently.
            Option Verapamil: An alternative when adenosine is contraindicated.
            """)
        #expect(result.items[1].body == .multipleResponse(options: GIFTTesting.options("=CHA₂DS₂-VASc", "=HAS-BLED", "~GRACE", "~Wells"), scoring: .partial))
        #expect(result.items[2].body == .singleChoice(options: GIFTTesting.credited(single: true, ("Sotalol", 100), ("Haloperidol", 100), ("Amlodipine", 0))))
        #expect(result.items[4].prompt == "A patient with heart failure is comfortable at rest but ordinary activity causes dyspnoea.\nThis is NYHA class _____.")
        #expect(result.items[4].body == .shortText(accept: ["II", "2"], acceptRegex: [], graded: [ShortTextAnswer("III", match: .exact, credit: 50)]))
        #expect(result.items[4].explanation == "Answer III: Class III is less than ordinary activity.")
        #expect(result.items[5].body == .numeric(NumericKey(answer: 40, tolerance: .exact, otherAnswers: [.init(answer: nil, tolerance: .range(min: 35, max: 45), credit: 50)])))
        #expect(result.items[7].body == .numeric(NumericKey(answer: nil, tolerance: .range(min: 60, max: 100))))
        #expect(result.items[8].body == .matching(pairs: [
            MatchingPair(prompt: "Bisoprolol", answer: "beta-blocker"), MatchingPair(prompt: "Ramipril", answer: "ACE inhibitor"),
            MatchingPair(prompt: "Spironolactone", answer: "MRA"),
        ], distractors: [], scoring: .partial))
        #expect(result.items[9].body == .essay(rubric: "5: sits up, oxygen to target, IV loop diuretic, nitrates if BP allows, senior help; 0: none.", maxWords: nil))

        #expect(GIFTTesting.locations(result) == [
            .init(line: 56, column: 1, severity: .warning), // description
            .init(line: 58, column: 1, severity: .warning), // essay without rubric
            .init(line: 60, column: 1, severity: .error), // no right answer
        ])
    }
}
