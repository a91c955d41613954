import AssayCore
import Foundation

/// A one-line progress bar on stderr: rows, rows per second and the time left.
final class ProgressBar {
    func show(_ progress: Intake.Progress) {
        let fraction = progress.totalBytes > 0 ? min(1, Double(progress.bytes) / Double(progress.totalBytes)) : 0
        let rate = progress.elapsed > 0 ? Double(progress.rows) / progress.elapsed : 0
        let eta = fraction > 0 ? progress.elapsed * (1 - fraction) / fraction : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %3.0f%%  %d rows  %.0f rows/s  ETA %.0fs ", bar, fraction * 100, progress.rows, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
