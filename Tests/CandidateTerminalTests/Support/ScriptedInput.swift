import CandidateTerminal

/// A terminal's input as a script: keys typed, time passing on a ``FakeClock``, window changes,
/// actions run at a point of the script. When the script is over the input ends.
final class ScriptedInput: TerminalInputSource {
    enum Step {
        /// Text typed at once (as a chunk of UTF-8).
        case type(String)
        /// Raw bytes at once.
        case bytes([UInt8])
        /// Time passing with nothing typed.
        case wait(Double)
        /// The window changes size.
        case resize(columns: Int, rows: Int)
        /// A signal interrupt.
        case interrupt
        /// Something done at this point (stop a database…).
        case run(() -> Void)
    }

    private var steps: [Step]
    private let clock: FakeClock
    /// Told of each window change as it is delivered.
    var onResize: ((TerminalSize) -> Void)?

    init(_ steps: [Step], clock: FakeClock) {
        self.steps = steps
        self.clock = clock
    }

    /// Whether the whole script was consumed.
    var finished: Bool { steps.isEmpty }

    func next(timeout: Double?) -> TerminalInput? {
        var left = timeout
        while let step = steps.first {
            switch step {
            case .wait(let seconds):
                if let available = left, available < seconds {
                    clock.advance(available)
                    steps[0] = .wait(seconds - available)
                    return nil
                }
                clock.advance(seconds)
                left = left.map { $0 - seconds }
                steps.removeFirst()
            case .type(let text):
                steps.removeFirst()
                return .bytes(Array(text.utf8))
            case .bytes(let bytes):
                steps.removeFirst()
                return .bytes(bytes)
            case .resize(let columns, let rows):
                steps.removeFirst()
                let size = TerminalSize(columns: columns, rows: rows)
                onResize?(size)
                return .resize(size)
            case .interrupt:
                steps.removeFirst()
                return .interrupt
            case .run(let action):
                steps.removeFirst()
                action()
            }
        }
        return .end
    }
}
