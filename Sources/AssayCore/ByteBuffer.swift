import Foundation

/// Bytes appended a few at a time into memory this value manages itself: appending to an array
/// checks its uniqueness and capacity through a generic call each time, and a staged or COPY
/// row is written in dozens of small pieces on the import's hot path.
///
/// Like ``KeyTable``, a buffer is moved (`swap`), never copied and then changed: copies share
/// the memory.
struct ByteBuffer {
    /// Owns the memory (freed with the last copy of the buffer).
    private final class Allocation {
        var pointer: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { pointer = .allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    private var allocation: Allocation
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        allocation = Allocation(capacity: max(capacity, 16))
        base = allocation.pointer
        self.capacity = max(capacity, 16)
    }

    /// Makes room for `more` bytes.
    @inline(__always)
    mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
    }

    private mutating func grow(to needed: Int) {
        // Copies share the memory: growing one would leave the others pointing at freed bytes.
        assert(isKnownUniquelyReferenced(&allocation), "a copied ByteBuffer was changed")
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        allocation.pointer.deallocate()
        allocation.pointer = moved
        base = moved
        capacity = larger
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base[count] = first
        base[count + 1] = second
        count += 2
    }

    /// `part` must not point into this buffer (growing would free it before the copy).
    mutating func append(contentsOf part: UnsafeBufferPointer<UInt8>) {
        reserve(part.count)
        if let source = part.baseAddress { (base + count).update(from: source, count: part.count) }
        count += part.count
    }

    mutating func append(contentsOf part: [UInt8]) {
        part.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    mutating func append(contentsOf part: ArraySlice<UInt8>) {
        part.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// A number in decimal.
    mutating func append(decimal value: Int64) {
        if value < 0 { append(45) }
        let magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 { digits += 1; rest /= 10 }
        reserve(digits)
        rest = magnitude
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            base[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
        count += digits
    }

    /// A big-endian integer, as binary COPY writes every number and length.
    @inline(__always)
    mutating func append<Number: FixedWidthInteger>(bigEndian value: Number) {
        let size = MemoryLayout<Number>.size
        reserve(size)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.bigEndian, as: Number.self)
        count += size
    }

    /// Overwrites four bytes at `position` (before ``count``) with a big-endian number.
    mutating func store(bigEndian value: Int32, at position: Int) {
        precondition(position + 4 <= count)
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.bigEndian, as: Int32.self)
    }

    /// Drops everything after the first `mark` bytes.
    mutating func truncate(to mark: Int) {
        precondition(mark <= count)
        count = mark
    }

    mutating func removeAll() { count = 0 }

    /// The bytes written (valid until the buffer changes).
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes written, as an array.
    var array: [UInt8] { Array(bytes) }
}

/// Where the byte-level encoders shared by the exact and the fast path append.
protocol ByteAppending {
    mutating func append(_ byte: UInt8)
}

extension Array: ByteAppending where Element == UInt8 {}
extension ByteBuffer: ByteAppending {}

extension UnsafeBufferPointer<UInt8> {
    /// The index of the first `byte` within `range`, found by `memchr` (a few wide compares
    /// rather than one per byte: the import's separators are searched for with it).
    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        guard let base = baseAddress, !range.isEmpty,
              let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
