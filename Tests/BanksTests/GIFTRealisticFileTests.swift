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

    // matching is not convertible
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

    @Test func realisticFileConvertsWhatItCanAndLocatesTheRest() {
        let result = GIFTImporter.convert(Self.source, file: GIFTTesting.file, bankSlug: "cardio")

        #expect(result.items.map(\.id) == [
            "svt-first-line", "af-anticoagulation", "qt-drugs", "loop-diuretics", "nyha", "lvef", "dose", "range", "essay", "essay-2",
        ])
        #expect(result.items.map(\.type) == [
            .singleChoice, .multipleResponse, .multipleResponse, .trueFalse, .shortText, .numeric, .numeric, .numeric, .essay, .essay,
        ])
        #expect(result.items.map(\.topic) == [
            "arrhythmia", "arrhythmia", "arrhythmia", "heart-failure", "heart-failure", "heart-failure", "heart-failure", "heart-failure", "heart-failure", "heart-failure",
        ])
        #expect(result.items.allSatisfy { GIFTTesting.violations(of: $0).isEmpty })

        let svt = result.items[0]
        #expect(svt.prompt == "A 34-year-old woman has a regular narrow-complex tachycardia at 190/min;\nvagal manoeuvres fail. Which drug is first-line?")
        #expect(svt.explanation == """
            Adenosine terminates most AV-nodal re-entry tachycardias.
            Option Amiodarone: Not first-line for SVT.
            Option Adenosine: Yes: it blocks the AV node transiently.
            Option Verapamil: An alternative when adenosine is contraindicated.
            """)
        #expect(result.items[4].prompt == "A patient with heart failure is comfortable at rest but ordinary activity causes dyspnoea.\nThis is NYHA class _____.")
        #expect(result.items[4].body == .shortText(accept: ["II", "2"], acceptRegex: []))
        #expect(result.items[5].body == .numeric(NumericKey(answer: 40, tolerance: .exact)))
        #expect(result.items[7].body == .numeric(NumericKey(answer: nil, tolerance: .range(min: 60, max: 100))))
        #expect(result.items[8].body == .essay(rubric: "5: sits up, oxygen to target, IV loop diuretic, nitrates if BP allows, senior help; 0: none.", maxWords: nil))

        #expect(GIFTTesting.locations(result) == [
            .init(line: 7, column: 19, severity: .warning), // [html]
            .init(line: 23, column: 1, severity: .warning), // two '=' beside '~'
            .init(line: 34, column: 28, severity: .warning), // short answer at 50%
            .init(line: 38, column: 5, severity: .warning), // numeric at 50%
            .init(line: 46, column: 1, severity: .error), // matching
            .init(line: 56, column: 1, severity: .warning), // description
            .init(line: 58, column: 1, severity: .warning), // essay without rubric
            .init(line: 60, column: 1, severity: .error), // no right answer
        ])
    }
}
