@testable import IntakeEngine
import Psychometrics
import Testing

@Suite("ByteBuffer")
struct ByteBufferTests {
    @Test("grows from a small capacity, truncates, stores big-endian numbers in place, writes decimals (negative ones too); always equal to an array doing the same")
    func againstArray() {
        var rng = SplitMix64(seed: 11)
        var buffer = ByteBuffer(capacity: 1)
        var reference: [UInt8] = []
        for _ in 0 ..< 20_000 {
            switch rng.next() % 6 {
            case 0:
                let byte = UInt8(truncatingIfNeeded: rng.next())
                buffer.append(byte); reference.append(byte)
            case 1:
                let part = (0 ..< Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                buffer.append(contentsOf: part); reference += part
            case 2:
                let value = Int32(truncatingIfNeeded: rng.next())
                buffer.append(bigEndian: value); withUnsafeBytes(of: value.bigEndian) { reference += $0 }
            case 3:
                let value = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)
                buffer.append(decimal: value); reference += Array(String(value).utf8)
            case 4 where reference.count >= 4:
                let position = Int(rng.next() % UInt64(reference.count - 3))
                let value = Int32(truncatingIfNeeded: rng.next())
                buffer.store(bigEndian: value, at: position)
                withUnsafeBytes(of: value.bigEndian) { for k in 0 ..< 4 { reference[position + k] = $0[k] } }
            default:
                let mark = reference.isEmpty ? 0 : Int(rng.next() % UInt64(reference.count + 1))
                if rng.next() % 8 == 0 { buffer.truncate(to: mark); reference.removeSubrange(mark...) }
            }
        }
        #expect(buffer.array == reference)
        #expect(buffer.count == reference.count)
        for extreme in [Int64.min, Int64.max, 0, -1] {
            var one = ByteBuffer(capacity: 1)
            one.append(decimal: extreme)
            #expect(one.array == Array(String(extreme).utf8))
        }
        buffer.removeAll()
        #expect(buffer.array.isEmpty)
    }
}
