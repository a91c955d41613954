public import Postgres
#if canImport(Glibc)
import Glibc
#endif

/// Bytes appended a few at a time into memory this value manages itself: appending to an array
/// checks its uniqueness and capacity through a generic call each time, and a staged or COPY
/// row is written in dozens of small pieces on the import's hot path.
///
/// The appending methods are inlinable, so that callers in other modules (the CSV stager in
/// AssayCore) append without a call per byte.
///
/// Like ``KeyTable``, a buffer is moved (`swap`), never copied and then changed: copies share
/// the memory.
public struct ByteBuffer {
    /// Owns the memory (freed with the last copy of the buffer).
    @usableFromInline
    final class Allocation {
        @usableFromInline var pointer: UnsafeMutablePointer<UInt8>
        @usableFromInline init(capacity: Int) { pointer = .allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    @usableFromInline var allocation: Allocation
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var length = 0

    /// An empty buffer with room for `capacity` bytes (it grows past them).
    ///
    /// - Parameter capacity: the initial room, at least 16 bytes.
    public init(capacity: Int = 1 << 16) {
        allocation = Allocation(capacity: max(capacity, 16))
        base = allocation.pointer
        self.capacity = max(capacity, 16)
    }

    /// How many bytes were written.
    @inlinable
    public var count: Int { length }

    /// Makes room for `more` bytes.
    ///
    /// - Parameter more: how many bytes are about to be appended.
    @inlinable @inline(__always)
    public mutating func reserve(_ more: Int) {
        if length + more > capacity { grow(to: length + more) }
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        // Copies share the memory: growing one would leave the others pointing at freed bytes.
        assert(isKnownUniquelyReferenced(&allocation), "a copied ByteBuffer was changed")
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: length)
        allocation.pointer.deallocate()
        allocation.pointer = moved
        base = moved
        capacity = larger
    }

    /// Appends one byte.
    ///
    /// - Parameter byte: the byte.
    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[length] = byte
        length += 1
    }

    /// Appends two bytes.
    ///
    /// - Parameters:
    ///   - first: the first byte.
    ///   - second: the second byte.
    @inlinable
    public mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base[length] = first
        base[length + 1] = second
        length += 2
    }

    /// Appends bytes.
    ///
    /// - Parameter part: the bytes; they must not point into this buffer (growing would free
    ///   them before the copy).
    @inlinable
    public mutating func append(contentsOf part: UnsafeBufferPointer<UInt8>) {
        reserve(part.count)
        if let source = part.baseAddress { (base + length).update(from: source, count: part.count) }
        length += part.count
    }

    /// Appends bytes.
    ///
    /// - Parameter part: the bytes.
    @inlinable
    public mutating func append(contentsOf part: [UInt8]) {
        part.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends bytes.
    ///
    /// - Parameter part: the bytes.
    @inlinable
    public mutating func append(contentsOf part: ArraySlice<UInt8>) {
        part.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends a number in decimal (with a '-' when negative).
    ///
    /// - Parameter value: the number.
    @inlinable
    public mutating func append(decimal value: Int64) {
        if value < 0 { append(45) }
        let magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 { digits += 1; rest /= 10 }
        reserve(digits)
        rest = magnitude
        for position in stride(from: length + digits - 1, through: length, by: -1) {
            base[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
        length += digits
    }

    /// Appends an integer in big-endian byte order, as binary COPY writes every number and length.
    ///
    /// - Parameter value: the integer.
    @inlinable @inline(__always)
    public mutating func append<Number: FixedWidthInteger>(bigEndian value: Number) {
        let size = MemoryLayout<Number>.size
        reserve(size)
        UnsafeMutableRawPointer(base + length).storeBytes(of: value.bigEndian, as: Number.self)
        length += size
    }

    /// Overwrites four bytes already written with a big-endian number.
    ///
    /// - Parameters:
    ///   - value: the number.
    ///   - position: where its four bytes start (at most ``count`` − 4).
    @inlinable
    public mutating func store(bigEndian value: Int32, at position: Int) {
        precondition(position >= 0 && position + 4 <= length)
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.bigEndian, as: Int32.self)
    }

    /// Drops everything after the first `mark` bytes.
    ///
    /// - Parameter mark: how many bytes to keep (at most ``count``).
    @inlinable
    public mutating func truncate(to mark: Int) {
        precondition(mark >= 0 && mark <= length)
        length = mark
    }

    /// Empties the buffer, keeping its memory.
    @inlinable
    public mutating func removeAll() { length = 0 }

    /// The bytes written (valid until the buffer changes).
    @inlinable
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: length) }

    /// The bytes written, as an array.
    public var array: [UInt8] { Array(bytes) }
}

extension ByteBuffer: BinaryCopyOutput {}

extension UnsafeBufferPointer<UInt8> {
    /// The index of the first `byte` within `range`, found by `memchr` (a few wide compares
    /// rather than one per byte: the CSV reader's separators are searched for with it).
    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        guard let base = baseAddress, !range.isEmpty,
              let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
