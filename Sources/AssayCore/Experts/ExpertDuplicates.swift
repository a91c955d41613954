public import Foundation
public import Postgres

/// Finds people recorded more than once (`assay experts duplicates`): experts whose emails are
/// the same mailbox (Gmail ignores dots and `+tags`; most providers ignore `+tags`), who share a
/// name (in any case and word order, with or without accents) and country, or who share a phone
/// number (its last nine digits, so that `+33 6 12 34 56 78` and `06 12 34 56 78` match).
/// People already merged are left out. What to do with a group is the user's call:
/// `assay experts merge KEEP OTHER --reason R`.
///
/// Every person is read once (binary COPY) and keyed in this process's memory, so that a million
/// experts take seconds, not a self-join.
public struct ExpertDuplicates {
    /// The connection used.
    public let connection: Connection

    /// A finder over a migrated database.
    public init(connection: Connection) { self.connection = connection }

    /// One person of a group.
    public struct Member: Sendable, Codable, Equatable {
        /// The expert's id.
        public var id: Int
        /// The email.
        public var email: String
        /// The full name.
        public var fullName: String
        /// The country.
        public var country: String
        /// The phone number, if known.
        public var phone: String?
        /// How many applications the person has.
        public var applications: Int
        /// When the person was first recorded.
        public var createdAt: Date
    }

    /// People who are likely one person.
    public struct Group: Sendable, Codable, Equatable {
        /// Why they are grouped: `same mailbox`, `same name and country`, `same phone`.
        public var reasons: [String]
        /// The people, oldest first.
        public var members: [Member]
    }

    /// What ``find(limit:)`` found.
    public struct Report: Sendable, Codable {
        /// The groups, by their oldest member, at most the limit.
        public var groups: [Group]
        /// How many groups there are in all.
        public var total: Int
    }

    /// The kinds of key, with the reason each gives.
    enum Kind: Int, CaseIterable {
        case mailbox, name, phone

        var reason: String {
            switch self {
            case .mailbox: "same mailbox (email without dots or +tag)"
            case .name: "same name and country"
            case .phone: "same phone"
            }
        }
    }

    /// The mailbox an email reaches: lower-case, without its `+tag`, and for Gmail without dots
    /// in the local part (googlemail.com is gmail.com).
    static func mailboxKey(_ email: String) -> String {
        let lower = email.lowercased()
        guard let at = lower.lastIndex(of: "@") else { return lower }
        var local = String(lower[..<at])
        var domain = String(lower[lower.index(after: at)...])
        if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        if domain == "googlemail.com" { domain = "gmail.com" }
        if domain == "gmail.com" { local.removeAll { $0 == "." } }
        return local + "@" + domain
    }

    /// A name and country as compared: lower-case, accents and punctuation removed, words sorted.
    static func nameKey(_ name: String, country: String) -> String? {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var mapped = ""
        for character in folded {
            switch character {
            case "ø": mapped += "o"
            case "ł": mapped += "l"
            case "ı": mapped += "i"
            case "đ", "ð": mapped += "d"
            case "æ": mapped += "ae"
            case "œ": mapped += "oe"
            case "þ": mapped += "th"
            case "ß": mapped += "ss"
            default: mapped.append(character.isLetter || character.isNumber ? character : " ")
            }
        }
        let words = mapped.split(separator: " ").map(String.init).sorted()
        guard !words.isEmpty else { return nil }
        return words.joined(separator: " ") + "|" + country
    }

    /// A phone number as compared: its last nine digits (all of them when fewer, at least seven).
    static func phoneKey(_ phone: String) -> String? {
        let digits = phone.filter(\.isASCII).filter(\.isNumber)
        guard digits.count >= 7 else { return nil }
        return String(digits.suffix(9))
    }

    private struct Person {
        var id: Int
        var email: String
        var name: String
        var country: String
        var phone: String?
    }

    private static func keys(of person: Person) -> [(Kind, String)] {
        var keys: [(Kind, String)] = [(.mailbox, mailboxKey(person.email))]
        if let name = nameKey(person.name, country: person.country) { keys.append((.name, name)) }
        if let phone = person.phone.flatMap(phoneKey) { keys.append((.phone, phone)) }
        return keys
    }

    /// Finds the groups.
    ///
    /// - Parameter limit: how many groups to return at most.
    /// - Returns: the groups (oldest member first) and how many there are.
    /// - Throws: ``PostgresError``.
    public func find(limit: Int = 50) throws -> Report {
        // One pass: a 64-bit hash of each key and the person's index, sorted so that equal keys
        // sit together (candidates are checked on their real keys below).
        var ids: [Int] = []
        var hashed: [(hash: UInt64, index: UInt32)] = []
        var decoder = BinaryCopyDecoder()
        try connection.copyOut("COPY (SELECT id, email, full_name, country, phone FROM experts WHERE merged_into IS NULL) TO STDOUT (FORMAT binary)") { chunk in
            try decoder.feed(chunk) { fields in
                guard fields.count == 5, let idField = fields[0], let id = BinaryCopyDecoder.int64(idField),
                      let email = fields[1], let name = fields[2], let country = fields[3] else { return }
                let person = Person(id: Int(id), email: String(decoding: email, as: UTF8.self), name: String(decoding: name, as: UTF8.self),
                                    country: String(decoding: country, as: UTF8.self), phone: fields[4].map { String(decoding: $0, as: UTF8.self) })
                let index = UInt32(ids.count)
                ids.append(person.id)
                for (kind, key) in Self.keys(of: person) {
                    var hasher = Hasher()
                    hasher.combine(kind.rawValue)
                    hasher.combine(key)
                    hashed.append((UInt64(bitPattern: Int64(hasher.finalize())), index))
                }
            }
        }
        hashed.sort { $0.hash < $1.hash }
        var candidates = Set<Int>()
        var start = 0
        while start < hashed.count {
            var end = start + 1
            while end < hashed.count, hashed[end].hash == hashed[start].hash { end += 1 }
            if end - start > 1 { for entry in hashed[start ..< end] { candidates.insert(ids[Int(entry.index)]) } }
            start = end
        }
        guard !candidates.isEmpty else { return Report(groups: [], total: 0) }
        // The candidates again, with their real keys: group them (union-find over shared keys).
        let rows = try connection.query("""
            SELECT e.id, e.email, e.full_name, e.country, e.phone, e.created_at,
                   (SELECT count(*) FROM applications a WHERE a.expert_id = e.id)::bigint AS applications
            FROM experts e WHERE e.id = ANY ($1) ORDER BY e.id
            """, [candidates.sorted()])
        var members: [Member] = []
        var owners: [String: Int] = [:]  // "kind|key" → the first member index with it
        var parent: [Int] = []
        var reasons: [Int: Set<Int>] = [:]  // member index → kinds that linked it
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        for row in rows {
            let member = Member(id: try row.decode("id"), email: try row.decode("email"), fullName: try row.decode("full_name"),
                                country: try row.decode("country"), phone: try row.decode("phone"), applications: try row.decode("applications"),
                                createdAt: try row.decode("created_at"))
            let index = members.count
            members.append(member)
            parent.append(index)
            let person = Person(id: member.id, email: member.email, name: member.fullName, country: member.country, phone: member.phone)
            for (kind, key) in Self.keys(of: person) {
                let name = "\(kind.rawValue)|\(key)"
                if let owner = owners[name] {
                    let a = root(owner), b = root(index)
                    if a != b { parent[max(a, b)] = min(a, b) }
                    reasons[owner, default: []].insert(kind.rawValue)
                    reasons[index, default: []].insert(kind.rawValue)
                } else {
                    owners[name] = index
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for index in members.indices where reasons[index] != nil { groups[root(index), default: []].append(index) }
        let all = groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }.map { indices in
            Group(reasons: Kind.allCases.filter { kind in indices.contains { reasons[$0]?.contains(kind.rawValue) == true } }.map(\.reason),
                  members: indices.map { members[$0] })
        }
        return Report(groups: Array(all.prefix(max(limit, 0))), total: all.count)
    }
}
