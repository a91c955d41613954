internal import IntakeEngine

/// ISO 8601 dates and date-times, normalized for PostgreSQL.
enum ISO8601Text {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by `Z` or `±HH:MM` (or `±HHMM`,
    /// `±HH`); a space may replace `T`. A date alone means midnight UTC. Returns the text in a
    /// form PostgreSQL reads as timestamptz, or nil when it is not valid (including impossible
    /// dates such as February 30, years outside 1900–2999, and date-times without an offset,
    /// which would be ambiguous).
    static func normalize(_ text: String) -> String? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            normalize(UnsafeBufferPointer(buffer), into: &out) ? String(decoding: out, as: UTF8.self) : nil
        }
    }

    /// The byte-level form of ``normalize(_:)``: appends the normalized text to `out` and
    /// returns true, or returns false (leaving `out` unchanged) when the text is not valid.
    static func normalize<Out: ByteAppending>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Out) -> Bool {
        var cursor = Cursor(bytes: bytes)
        let count = bytes.count
        func digits(_ n: Int) -> Int? { cursor.number(n).map(Int.init) }
        func expect(_ byte: UInt8) -> Bool { cursor.skip(byte) }
        func put(_ value: Int, _ width: Int, _ result: inout Out) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                result.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return false }
        guard (1...12).contains(month), day >= 1, year >= 1900, year <= 2999 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= monthDays else { return false }
        var hour = 0, minute = 0, second = 0
        var fraction: Range<Int>?
        var zoneSign: UInt8 = 0
        var zoneHour = 0, zoneMinute = 0
        if cursor.index < count {
            guard expect(84) || expect(32) else { return false }  // 'T' or ' '
            guard let h = digits(2), expect(58), let m = digits(2), h < 24, m < 60 else { return false }
            hour = h
            minute = m
            if expect(58) {
                guard let sec = digits(2), sec < 60 else { return false }
                second = sec
                if expect(46) || expect(44) {
                    let start = cursor.index
                    while cursor.index < count, bytes[cursor.index] >= 48, bytes[cursor.index] <= 57 { cursor.index += 1 }
                    guard cursor.index > start else { return false }
                    fraction = start..<min(cursor.index, start + 6)
                }
            }
            if expect(90) || expect(122) {  // 'Z' or 'z'
                zoneSign = 0
            } else if cursor.index < count, bytes[cursor.index] == 43 || bytes[cursor.index] == 45 {
                zoneSign = bytes[cursor.index]
                cursor.index += 1
                guard let zh = digits(2), zh <= 14 else { return false }
                zoneHour = zh
                if expect(58) {
                    guard let zm = digits(2) else { return false }
                    zoneMinute = zm
                } else if let zm = digits(2) {
                    zoneMinute = zm
                }
                guard zoneMinute < 60 else { return false }
            } else {
                return false
            }
            guard cursor.index == count else { return false }
        }
        put(year, 4, &out); out.append(45); put(month, 2, &out); out.append(45); put(day, 2, &out)
        out.append(84)
        put(hour, 2, &out); out.append(58); put(minute, 2, &out); out.append(58); put(second, 2, &out)
        if let fraction {
            out.append(46)
            for i in fraction { out.append(bytes[i]) }
        }
        if zoneSign == 0 {
            out.append(90)
        } else {
            out.append(zoneSign); put(zoneHour, 2, &out); out.append(58); put(zoneMinute, 2, &out)
        }
        return true
    }

    /// The instant of a ``normalize(_:)`` result, as ``postgresMicroseconds(ofNormalized:)-(UnsafeBufferPointer<UInt8>)`` reads it.
    static func postgresMicroseconds(ofNormalized text: String) -> Int64? {
        var text = text
        return text.withUTF8 { postgresMicroseconds(ofNormalized: $0) }
    }

    /// The instant of a ``normalize(_:into:)`` result (`YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)`,
    /// at most six fraction digits) in PostgreSQL's binary `timestamptz` form: microseconds
    /// since 2000-01-01T00:00:00Z. Nil for text of another shape; the values themselves (day of
    /// month, hour, years 1900–2999) are not checked again: pass only what `normalize` wrote.
    static func postgresMicroseconds(ofNormalized text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cursor = Cursor(bytes: text)
        guard let year = cursor.number(4), cursor.skip(45), let month = cursor.number(2), cursor.skip(45), let day = cursor.number(2),
              cursor.skip(84), let hour = cursor.number(2), cursor.skip(58), let minute = cursor.number(2), cursor.skip(58),
              let second = cursor.number(2), (1 ... 12).contains(month) else { return nil }
        var micros: Int64 = 0
        if cursor.skip(46) {
            var digits = 0
            while digits < 6, let digit = cursor.number(1) {
                micros = micros * 10 + digit
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits ..< 6 { micros *= 10 }
        }
        var offset: Int64 = 0
        if !cursor.skip(90) {
            let sign: Int64
            if cursor.skip(43) { sign = 1 } else if cursor.skip(45) { sign = -1 } else { return nil }
            guard let zoneHour = cursor.number(2), cursor.skip(58), let zoneMinute = cursor.number(2) else { return nil }
            offset = sign * (zoneHour * 3600 + zoneMinute * 60)
        }
        guard cursor.index == text.count else { return nil }
        // Days from 2000-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 730_425  // 730 425: 0000-03-01 to 2000-01-01
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1_000_000 + micros
    }

    /// A position in ASCII text, moved by what it reads.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The next `width` bytes as a decimal number, or nil (not moving) unless all are digits.
        mutating func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0 ..< width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }

        /// Whether the next byte is `byte` (then moves past it).
        mutating func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}

/// Where ``ISO8601Text/normalize(_:into:)`` appends: an array (the validator) or the CSV fast
/// path's ``ByteBuffer``.
protocol ByteAppending {
    mutating func append(_ byte: UInt8)
}

extension Array: ByteAppending where Element == UInt8 {}
extension ByteBuffer: ByteAppending {}
