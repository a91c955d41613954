import Banks
import Testing

@Suite("GIFT importer: malformed input")
struct GIFTMalformedInputTests {
    /// A malformed question (on line 3, after a valid one), and where its error must be reported.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var line: Int
        var column: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unclosed brace", source: "Which? {=a ~b", line: 3, column: 8),
        Case(name: "stray closing brace", source: "Which} is it? {=a ~b}", line: 3, column: 6),
        Case(name: "brace inside an answer block", source: "Which? {=a {~b}", line: 3, column: 12),
        Case(name: "empty numeric answer list", source: "How many? {#}", line: 3, column: 12),
        Case(name: "choice left with one answer with text", source: "Which? {=a ~ }", line: 3, column: 1),
        Case(name: "multiple choice with no right answer", source: "Which? {~a ~b ~c}", line: 3, column: 1),
        Case(name: "non-numeric numeric answer", source: "How many? {#abc}", line: 3, column: 13),
        Case(name: "non-numeric tolerance", source: "How many? {#3:x}", line: 3, column: 13),
        Case(name: "hexadecimal numeric answer", source: "How many? {#0x1F}", line: 3, column: 13),
        Case(name: "range with minimum above maximum", source: "How many? {#5..1}", line: 3, column: 13),
        Case(name: "negative tolerance", source: "How many? {#5:-1}", line: 3, column: 13),
        Case(name: "numeric answers none with full credit", source: "How many? {#=%50%5 =%20%6}", line: 3, column: 1),
        Case(name: "any numeric answer with credit", source: "How many? {#=5 =%50%*}", line: 3, column: 21),
        Case(name: "two answer blocks (Cloze)", source: "One {=1 =one} and two {=2 =two}.", line: 3, column: 23),
        Case(name: "Cloze syntax", source: "Which? {1:SHORTANSWER:=x}", line: 3, column: 9),
        Case(name: "weight that is no number", source: "Which? {~%--50%a =b}", line: 3, column: 10),
        Case(name: "weight above 100", source: "Which? {~%150%a =b}", line: 3, column: 10),
        Case(name: "positive weights that do not add up to 100", source: "Which? {~%50%a ~%25%b ~c}", line: 3, column: 1),
        Case(name: "every option right in multiple response", source: "Which? {~%50%a ~%50%b}", line: 3, column: 1),
        Case(name: "short answer with only partial credit", source: "Which? {=%50%a}", line: 3, column: 9),
        Case(name: "question with no text", source: "{T}", line: 3, column: 1),
        Case(name: "more than ten options", source: "Which? {=a ~b ~c ~d ~e ~f ~g ~h ~i ~j ~k}", line: 3, column: 39),
        Case(name: "duplicate option", source: "Which? {=a ~b ~a}", line: 3, column: 15),
        Case(name: "matching with one pair", source: "Match. {=a -> 1}", line: 3, column: 1),
        Case(name: "matching pair without answer", source: "Match. {=a -> 1 =b ->}", line: 3, column: 17),
    ]

    @Test("Malformed input gives an error at its line and column and no item", arguments: cases)
    func malformedInputIsReportedAtItsLocation(_ malformed: Case) throws {
        let result = GIFTTesting.convert("Valid {T}", "", malformed.source, "", "Also valid {F}")
        #expect(result.items.map(\.prompt) == ["Valid", "Also valid"])
        let errors = result.diagnostics.filter { $0.severity == .error }
        let first = try #require(errors.first)
        #expect(GIFTTesting.Location(line: first.line, column: first.column, severity: first.severity) == .init(line: malformed.line, column: malformed.column, severity: .error))
        #expect(first.file == GIFTTesting.file)
    }

    @Test func onlyTheFirstErrorOfAQuestionIsReported() {
        let result = GIFTTesting.convert("A } b } c {=x ~y", "", "Fine {T}")
        #expect(result.items.map(\.prompt) == ["Fine"])
        #expect(GIFTTesting.locations(result) == [.init(line: 1, column: 3, severity: .error)])
    }

    @Test func blankLineInsideAnAnswerBlockEndsTheQuestionAndIsReported() {
        let result = GIFTTesting.convert("Which? {", "  =a", "", "  ~b", "}")
        #expect(result.items.isEmpty)
        #expect(result.diagnostics.map(\.line) == [1, 5])
        #expect(result.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test func emptyInputGivesNothing() {
        let result = GIFTTesting.convert("")
        #expect(result.items.isEmpty)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func onlyCommentsAndCategoriesGiveNothing() {
        let result = GIFTTesting.convert("// nothing here", "$CATEGORY: a/b", "", "   ", "// more")
        #expect(result.items.isEmpty)
        #expect(result.diagnostics.isEmpty)
    }
}
