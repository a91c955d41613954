import Foundation

/// One integrity flag of a screen as staff read it: its kind, the items it concerns, and a
/// sentence ("fast answers on 17/20 items").
///
/// Read from the JSON that ``IntegrityFlags`` stores on the screen (`screens.flags`); a flag of a
/// kind this version does not know is kept with its name in words, so that nothing stored is
/// hidden. A flag is a reason for a person to look, never a verdict: `pool promote` holds a
/// flagged screen until staff clear its flags (`assay screen clear-flags`) or pass
/// `--include-flagged`. Every listing, the evidence chain of `experts show`, `pool promote`'s
/// holds and `screen clear-flags` show flags through this type, in the same words.
public struct IntegrityFlag: Sendable, Codable, Hashable {
    /// The flag's name as stored: `fast_answers`, `long_gap`, `shared_wrong_answers`, or a later one.
    public var flag: String
    /// The positions (1-based) of the items it concerns, when it names items.
    public var positions: [Int]?
    /// `shared_wrong_answers`: the other screen.
    public var otherScreen: Int?
    /// `shared_wrong_answers`: how many wrong answers were the same.
    public var same: Int?
    /// `shared_wrong_answers`: of how many items both answered wrongly.
    public var compared: Int?
    /// How many items the screen has (the "of" in "on 17/20 items"): the count stored with the
    /// flag when there is one, else the screen's.
    public var itemCount: Int
    /// The flag in words, for listings.
    public var summary: String

    /// The flags stored on a screen.
    ///
    /// Both stored forms are read: numbers as JSON numbers or as text (`"positions": "1,2,5"`,
    /// `"same": "5 of 6"`), as ``IntegrityFlags`` has written them.
    ///
    /// - Parameters:
    ///   - stored: the `screens.flags` JSON text (an array of objects).
    ///   - itemCount: how many items the screen has, used when a flag does not store its own
    ///     count (flags stored before migration 011 do not).
    /// - Returns: the flags in stored order; none when the text is not an array of objects.
    public static func read(_ stored: String, itemCount: Int) -> [IntegrityFlag] {
        guard let array = (try? JSONSerialization.jsonObject(with: Data(stored.utf8))) as? [[String: Any]] else { return [] }
        return array.map { object in
            let name = (object["flag"] as? String) ?? "unnamed_flag"
            var flag = IntegrityFlag(flag: name, positions: integers(object["positions"]), otherScreen: integer(object["other_screen"]),
                                     same: nil, compared: nil, itemCount: integer(object["items"]) ?? itemCount, summary: "")
            if let same = object["same"] as? String {
                // Stored as "4 of 5".
                let parts = same.split(separator: " ")
                if parts.count == 3 { flag.same = Int(parts[0]); flag.compared = Int(parts[2]) }
            } else {
                flag.same = integer(object["same"])
                flag.compared = integer(object["compared"]) ?? integer(object["both_wrong"])
            }
            flag.summary = flag.describe()
            return flag
        }
    }

    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    private static func integers(_ value: Any?) -> [Int]? {
        switch value {
        case let list as [Any]: list.compactMap { integer($0) }
        case let text as String: text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        default: nil
        }
    }

    private func describe() -> String {
        let count = positions?.count ?? 0
        let items = (positions ?? []).map(String.init).joined(separator: ", ")
        switch flag {
        case "fast_answers":
            return "fast answers on \(count)/\(itemCount) items"
        case "long_gap":
            return count == 1 ? "long pause before item \(items)" : "long pauses before \(count) items (\(items))"
        case "shared_wrong_answers":
            let other = otherScreen.map { " as screen \($0)" } ?? " as another screen"
            if let same, let compared { return "same wrong answers\(other) on \(same) of \(compared) items" }
            return "same wrong answers\(other)"
        default:
            let words = flag.replacingOccurrences(of: "_", with: " ")
            return positions == nil ? words : "\(words) on \(count)/\(itemCount) items"
        }
    }
}
