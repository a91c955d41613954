import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal in raw mode for as long as this value lives: no line buffering, no echo, no
/// signals from keys (^C, ^Z, ^\ arrive as bytes), no flow control, no CR→LF translation; output
/// processing is kept, so that anything else written to the terminal still starts its lines at
/// the left.
///
/// The settings found at the start are restored by ``restore()``, by deinit, and — since a
/// process killed by a signal runs no deinit — on SIGTERM, SIGHUP and SIGQUIT before the signal
/// takes its default effect. (SIGKILL cannot be caught; `stty sane` or `reset` repairs the
/// terminal then.)
final class RawMode {
    private let descriptor: Int32
    private let saved: termios
    private var active = true
    private var guards: [any DispatchSourceSignal] = []
    private var guarded: [Int32] = []

    /// Puts the terminal on `descriptor` in raw mode.
    ///
    /// - Parameters:
    ///   - descriptor: the terminal (standard input).
    ///   - onExit: what to write when a signal ends the process (turning modes off).
    /// - Returns: nil when the descriptor is not a terminal or its settings cannot be changed.
    init?(descriptor: Int32, onExit: String) {
        var original = termios()
        guard tcgetattr(descriptor, &original) == 0 else { return nil }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(descriptor, TCSANOW, &raw) == 0 else { return nil }
        self.descriptor = descriptor
        self.saved = original
        let settings = original, terminal = descriptor, farewell = Array(onExit.utf8)
        for number in [SIGTERM, SIGHUP, SIGQUIT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                var restored = settings
                _ = tcsetattr(terminal, TCSANOW, &restored)
                _ = farewell.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                // Dispatch's threads block signals: send it to the process, not to this thread.
                signal(number, SIG_DFL)
                kill(getpid(), number)
            }
            source.resume()
            guards.append(source)
            guarded.append(number)
        }
    }

    deinit { restore() }

    /// Restores the settings found at the start; later calls do nothing.
    func restore() {
        guard active else { return }
        active = false
        var original = saved
        _ = tcsetattr(descriptor, TCSANOW, &original)
        for source in guards { source.cancel() }
        guards = []
        for number in guarded { signal(number, SIG_DFL) }
        guarded = []
    }
}
