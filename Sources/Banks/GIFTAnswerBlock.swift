/// The content of a question's answer block `{…}`, parsed but not yet checked against the
/// bank format.
enum GIFTAnswerBlock: Sendable {
    /// `{}`: an essay.
    case essay
    /// `{T}`, `{FALSE#wrong feedback#right feedback}` …
    case trueFalse(answer: Bool, wrongFeedback: GIFTText?, rightFeedback: GIFTText?)
    /// `=` and `~` answers: multiple choice, short answer or matching.
    case choices([GIFTAnswer])
    /// `{#…}`: numeric answers, not yet read as numbers.
    case numeric([GIFTAnswer])
}

/// One answer of a choice, short-answer or numeric block.
struct GIFTAnswer: Sendable {
    /// `=` or `~`, or `nil` for the bare answer of `{#3.14:0.01}`.
    var marker: Character?
    /// Where the answer begins (its marker, if any).
    var position: GIFTPosition
    /// The explicit `%weight%`, if written.
    var weight: Double?
    /// The answer's text, without weight and feedback.
    var text: GIFTText
    /// The answer's `#feedback`, if written.
    var feedback: GIFTText?

    /// The weight GIFT gives the answer: the explicit one, else 100 for `=` (and a bare numeric
    /// answer) and 0 for `~`.
    var effectiveWeight: Double { weight ?? (marker == "~" ? 0 : 100) }
}
