import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversion between `Date` and PostgreSQL's ISO timestamp text (`DateStyle = ISO`), to the
/// microsecond, for years 4713 BC to 294276 AD as PostgreSQL allows.
enum PostgresTimestamp {
    /// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar (Hinnant's
    /// civil-from-days algorithm, which works for negative years too).
    private static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, Int(m), Int(d))
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2026-11-22 15:56:29.123456+00` (or `… BC`), or nil for a non-finite date.
    static func format(_ date: Date) -> String? {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 1e13 else { return nil }
        var micros = Int64((interval * 1_000_000).rounded())
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        micros -= days * perDay
        if micros < 0 { micros += perDay; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        let hh = seconds / 3600, mm = (seconds / 60) % 60, ss = seconds % 60
        let bc = year <= 0
        let shownYear = bc ? 1 - year : year
        func pad(_ value: Int64, _ width: Int) -> String {
            let s = String(value)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var text = "\(pad(shownYear, 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2)) "
        text += "\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)).\(pad(fraction, 6))+00"
        if bc { text += " BC" }
        return text
    }

    /// Parses `timestamptz`, `timestamp` (read as UTC) and `date` text output in ISO style.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        let text = bytes
        if text.elementsEqual("infinity".utf8) { return .distantFuture }
        if text.elementsEqual("-infinity".utf8) { return .distantPast }
        var index = 0
        func number(_ width: Int?) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < text.count, let digit = Optional(text[index]), digit >= 48, digit <= 57 {
                if let width, count == width { break }
                value = value * 10 + Int64(digit - 48)
                count += 1
                index += 1
            }
            return count == 0 ? nil : value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
            return true
        }
        guard var year = number(nil), expect(45), let month = number(2), expect(45), let day = number(2) else {
            return nil
        }
        var micros: Int64 = 0
        var offsetSeconds: Int64 = 0
        if expect(32) || expect(84) {
            guard let h = number(2), expect(58), let mi = number(2), expect(58), let s = number(2) else { return nil }
            micros = ((h * 60 + mi) * 60 + s) * 1_000_000
            if expect(46) {
                var scale: Int64 = 100_000
                while index < text.count, text[index] >= 48, text[index] <= 57 {
                    micros += Int64(text[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < text.count, text[index] == 43 || text[index] == 45 {
                let sign: Int64 = text[index] == 45 ? -1 : 1
                index += 1
                guard let oh = number(2) else { return nil }
                var off = oh * 3600
                if expect(58), let om = number(2) {
                    off += om * 60
                    if expect(58), let os = number(2) { off += os }
                }
                offsetSeconds = sign * off
            } else if expect(90) {
                offsetSeconds = 0
            }
        }
        if expect(32) {
            guard expect(66), expect(67) else { return nil }  // " BC"
            year = 1 - year
        }
        guard index == text.count else { return nil }
        let dayCount = days(fromCivil: year, month, day)
        let total = Double(dayCount) * 86_400 + Double(micros) / 1_000_000 - Double(offsetSeconds)
        return Date(timeIntervalSince1970: total)
    }
}
