import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open-addressing hash table of keys known by a 128-bit hash (two keyed SipHash values),
/// optionally with a 32-bit value, which then takes the place of 32 bits of the hash: 96 bits
/// remain. Among a million keys two different ones share 96 bits with a probability near
/// 10⁻¹⁷ (10⁻²⁷ with 128), and the hash key is random per process, so collisions cannot be
/// crafted. One 16-byte slot per key, so a lookup costs one cache miss; storage is manual (no
/// copy-on-write checks on the hot path), owned by a class: copies of a table share its slots,
/// so a table is moved (`swap`), never copied and then changed.
struct KeyTable {
    /// Zeroed memory from an anonymous mapping, unmapped with its last reference. Only its
    /// address and length are stored (immutable), so it is `Sendable` as checked: the block that
    /// faults its pages in on another core holds it, so it is not unmapped under that block.
    private final class Mapping: Sendable {
        let address: Int
        let length: Int

        init?(length: Int) {
            let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let mapped, mapped != MAP_FAILED else { return nil }
            address = Int(bitPattern: mapped)
            self.length = length
        }

        deinit { munmap(UnsafeMutableRawPointer(bitPattern: address), length) }
    }

    /// The slots: from a mapping on 2 MB pages where the kernel allows it (`madvise`): random
    /// probes into tens of megabytes otherwise miss the TLB on most lookups, which made the
    /// table a fifth of the import's own CPU time.
    private final class Storage {
        let slots: UnsafeMutablePointer<UInt64>
        let capacity: Int
        private let mapping: Mapping?

        init(capacity: Int) {
            self.capacity = capacity
            let bytes = capacity * 16
            let huge = 2 << 20
            if let mapping = Mapping(length: bytes + huge), let mapped = UnsafeMutableRawPointer(bitPattern: mapping.address) {
                self.mapping = mapping
                let aligned = (mapping.address + huge - 1) & ~(huge - 1)
                let start = UnsafeMutableRawPointer(bitPattern: aligned) ?? mapped
                _ = madvise(start, bytes, Int32(MADV_HUGEPAGE))
                slots = start.bindMemory(to: UInt64.self, capacity: capacity * 2)
                // The kernel zeroes each page on first touch: 60–110 ms for the two 32 MB tables
                // of a million-row import, on the main thread, before the first row reaches a
                // server. Fault them in on another core meanwhile (MADV_POPULATE_WRITE changes no
                // content, so it may race with the table's own writes; kernels before 5.14
                // refuse it and the pages fault in on use, as before).
                if bytes >= 1 << 22 {
                    let address = Int(bitPattern: start)
                    DispatchQueue.global(qos: .userInitiated).async {
                        withExtendedLifetime(mapping) {
                            _ = madvise(UnsafeMutableRawPointer(bitPattern: address), bytes, 23 /* MADV_POPULATE_WRITE, absent from glibc < 2.35 headers */)
                        }
                    }
                }
            } else {
                mapping = nil
                slots = .allocate(capacity: capacity * 2)
                slots.initialize(repeating: 0, count: capacity * 2)
            }
        }

        deinit {
            if mapping == nil { slots.deallocate() }
        }
    }

    private var storage: Storage
    private let withValues: Bool
    private(set) var count = 0

    /// A table sized for `expected` keys (it grows past them). The size is not rounded to a
    /// power of two: a slot is found by multiplying (see ``slot(of:)``), so a table of 1.5
    /// million keys takes 34 MB rather than 64.
    init(withValues: Bool, expected: Int) {
        let capacity = max(1 << 10, (expected * 10 + 6) / 7 + 1)
        self.withValues = withValues
        storage = Storage(capacity: capacity)
    }

    /// The slot where a key's probe starts: the high half of the hash times the capacity
    /// (uniform over the slots, whatever the capacity).
    @inline(__always)
    private func slot(of a: UInt64) -> Int {
        Int(truncatingIfNeeded: a.multipliedFullWidth(by: UInt64(storage.capacity)).high)
    }

    /// The two 64-bit halves of a key's hash (the first never 0, which marks an empty slot).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var first = Hasher()
        first.combine(0x243F_6A88_85A3_08D3 as UInt64)
        first.combine(bytes: UnsafeRawBufferPointer(bytes))
        var second = Hasher()
        second.combine(0x1319_8A2E_0370_7344 as UInt64)
        second.combine(bytes: UnsafeRawBufferPointer(bytes))
        return finalized(&first, &second)
    }

    /// The hash of a key made of two texts (the first one's length is hashed too, so that no two
    /// different pairs read the same).
    static func hash(_ head: UnsafeBufferPointer<UInt8>, _ tail: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var first = Hasher()
        first.combine(0x243F_6A88_85A3_08D3 as UInt64)
        first.combine(head.count)
        first.combine(bytes: UnsafeRawBufferPointer(head))
        first.combine(bytes: UnsafeRawBufferPointer(tail))
        var second = Hasher()
        second.combine(0x1319_8A2E_0370_7344 as UInt64)
        second.combine(head.count)
        second.combine(bytes: UnsafeRawBufferPointer(head))
        second.combine(bytes: UnsafeRawBufferPointer(tail))
        return finalized(&first, &second)
    }

    private static func finalized(_ first: inout Hasher, _ second: inout Hasher) -> (UInt64, UInt64) {
        let a = UInt64(bitPattern: Int64(first.finalize()))
        return (a == 0 ? 1 : a, UInt64(bitPattern: Int64(second.finalize())))
    }

    /// Reads the slot where a key's probe starts (to bring it into cache ahead of the insert).
    func peek(_ a: UInt64) -> UInt64 {
        storage.slots[slot(of: a) * 2]
    }

    /// The value stored for the key (0 in a table without values), or nil when it is absent.
    func find(_ a: UInt64, _ b: UInt64) -> UInt32? {
        let slots = storage.slots
        let capacity = storage.capacity
        let valueMask: UInt64 = withValues ? 0xFFFF_FFFF : 0
        let key = b & ~valueMask
        var slot = slot(of: a)
        while slots[slot * 2] != 0 {
            if slots[slot * 2] == a, slots[slot * 2 + 1] & ~valueMask == key {
                return UInt32(truncatingIfNeeded: slots[slot * 2 + 1] & valueMask)
            }
            slot += 1
            if slot == capacity { slot = 0 }
        }
        return nil
    }

    /// Stores `value` for the key and returns nil, or returns the value already stored for it.
    mutating func insertIfAbsent(_ a: UInt64, _ b: UInt64, value: UInt32) -> UInt32? {
        if (count + 1) * 10 > storage.capacity * 7 { grow() }
        let slots = storage.slots
        let capacity = storage.capacity
        let valueMask: UInt64 = withValues ? 0xFFFF_FFFF : 0
        let key = b & ~valueMask
        var slot = slot(of: a)
        while slots[slot * 2] != 0 {
            if slots[slot * 2] == a, slots[slot * 2 + 1] & ~valueMask == key {
                return UInt32(truncatingIfNeeded: slots[slot * 2 + 1] & valueMask)
            }
            slot += 1
            if slot == capacity { slot = 0 }
        }
        slots[slot * 2] = a
        slots[slot * 2 + 1] = key | (UInt64(value) & valueMask)
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = storage
        storage = Storage(capacity: old.capacity * 2)
        let slots = storage.slots
        let capacity = storage.capacity
        for index in 0 ..< old.capacity where old.slots[index * 2] != 0 {
            var slot = slot(of: old.slots[index * 2])
            while slots[slot * 2] != 0 {
                slot += 1
                if slot == capacity { slot = 0 }
            }
            slots[slot * 2] = old.slots[index * 2]
            slots[slot * 2 + 1] = old.slots[index * 2 + 1]
        }
    }
}
