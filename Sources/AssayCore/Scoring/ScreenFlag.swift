import Foundation

/// One integrity flag of a screen (stored in `screens.flags` by ``IntegrityFlags``), with its
/// description in words for staff: "fast answers on 17/20 items".
///
/// A flag is a reason for a person to look, never a verdict. `pool promote` holds a flagged
/// screen until staff clear its flags (`assay screen clear-flags`) or pass `--include-flagged`.
public struct ScreenFlag: Sendable, Codable, Equatable {
    /// The flag's stored name: `fast_answers`, `long_gap` or `shared_wrong_answers`.
    public var kind: String
    /// The items concerned, by position in the screen (fast answers, long gaps).
    public var positions: [Int]
    /// How many items the screen has, when known.
    public var items: Int?
    /// The other screen, for shared wrong answers.
    public var otherScreen: Int?
    /// How many wrong answers were the same, e.g. `5 of 6`, for shared wrong answers.
    public var same: String?

    /// The flag in words: "fast answers on 17/20 items", "a gap of over 10 minutes before items
    /// 5, 9", "the same wrong answers as screen 812 (5 of 6)".
    public var description: String {
        switch kind {
        case "fast_answers":
            return items.map { "fast answers on \(positions.count)/\($0) items" } ?? "fast answers on \(positions.count) items"
        case "long_gap":
            let list = positions.map(String.init).joined(separator: ", ")
            return "a gap of over 10 minutes before item\(positions.count == 1 ? "" : "s") \(list)"
        case "shared_wrong_answers":
            let other = otherScreen.map { "screen \($0)" } ?? "another screen"
            return "the same wrong answers as \(other)\(same.map { " (\($0))" } ?? "")"
        default:
            return kind.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// The flags stored on a screen, decoded.
    ///
    /// Text that is not the stored form (a JSON array of objects of strings) gives one flag
    /// per object it can read, and none for the rest: flags are shown, never trusted for a
    /// decision beyond "there are flags" (which the database answers itself).
    ///
    /// - Parameters:
    ///   - json: `screens.flags` as text.
    ///   - items: how many items the screen has (flags stored before migration 011 do not say).
    /// - Returns: the flags, in stored order.
    public static func decode(_ json: String, items: Int? = nil) -> [ScreenFlag] {
        guard let data = json.data(using: .utf8),
              let objects = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return objects.compactMap { object in
            guard let kind = object["flag"] as? String else { return nil }
            let positions = (object["positions"] as? String)?.split(separator: ",").compactMap { Int($0) } ?? []
            let stored = (object["items"] as? String).flatMap { Int($0) }
            return ScreenFlag(kind: kind, positions: positions, items: stored ?? items,
                              otherScreen: (object["other_screen"] as? String).flatMap { Int($0) }, same: object["same"] as? String)
        }
    }
}
