/// One answer of a GIFT answer block, as Moodle splits it.
struct GIFTAnswer: Sendable {
    /// `=`, `~`, or nil for text before the first marker (which Moodle reads as an answer too).
    var marker: Character?
    /// Where the answer begins (its marker, if any).
    var position: GIFTPosition
    /// The weight in percent (GIFT's `%50%`, or the marker's default).
    var weight: Double
    /// Where the weight is written, if it is.
    var weightPosition: GIFTPosition?
    /// The answer's text, without weight and feedback.
    var text: GIFTText
    /// The answer's `#feedback`, if written.
    var feedback: GIFTText?
    /// Whether nothing at all followed the marker (as in `~=right`, which Moodle splits into an
    /// empty `~` answer and `=right`).
    var isBare = false
}
