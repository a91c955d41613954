/// The language sets of experts (those the database has and the file's new ones): up to eight
/// codes packed in 64 bits per expert, larger sets on the side.
struct LanguageSets {
    /// Up to eight language numbers, one per byte, 0xFF for an empty slot.
    struct Codes: Equatable {
        var word: UInt64
        static let none = Codes(word: .max)

        func adding(_ code: UInt8, at slot: Int) -> Codes {
            Codes(word: word & ~(0xFF << UInt64(slot * 8)) | UInt64(code) << UInt64(slot * 8))
        }

        var list: [UInt8] {
            var codes: [UInt8] = []
            var rest = word
            for _ in 0 ..< 8 {
                if rest & 0xFF != 0xFF { codes.append(UInt8(rest & 0xFF)) }
                rest >>= 8
            }
            return codes
        }

        func contains(_ code: UInt8) -> Bool {
            var rest = word
            for _ in 0 ..< 8 {
                if rest & 0xFF == UInt64(code) { return true }
                rest >>= 8
            }
            return false
        }
    }

    private var packed: [Codes] = []
    private var larger: [Int: [UInt8]] = [:]

    mutating func append(_ codes: Codes) { packed.append(codes) }

    /// Appends a set of any size.
    mutating func append(list: [UInt8]) {
        guard list.count > 8 else {
            var codes = Codes.none
            for (slot, code) in list.enumerated() { codes = codes.adding(code, at: slot) }
            packed.append(codes)
            return
        }
        larger[packed.count] = list
        packed.append(.none)
    }

    mutating func reserveCapacity(_ count: Int) { packed.reserveCapacity(count) }

    func codes(of ordinal: Int) -> [UInt8] { larger[ordinal] ?? packed[ordinal].list }

    /// Adds codes to an expert's set; whether the set grew.
    mutating func union(_ ordinal: Int, with new: Codes) -> Bool {
        if larger[ordinal] == nil {
            let current = packed[ordinal]
            var merged = current
            var count = current.list.count
            var grew = false
            for code in new.list where !current.contains(code) {
                grew = true
                if count == 8 {
                    larger[ordinal] = Array(Set(codes(of: ordinal) + new.list))
                    return true
                }
                merged = merged.adding(code, at: count)
                count += 1
            }
            packed[ordinal] = merged
            return grew
        }
        let current = larger[ordinal] ?? []
        let added = new.list.filter { !current.contains($0) }
        guard !added.isEmpty else { return false }
        larger[ordinal] = current + added
        return true
    }
}

