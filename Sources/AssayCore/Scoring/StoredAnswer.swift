/// An answer as stored in `screen_items.answer`: in the item's original option and step
/// indices (not the shuffled positions the candidate saw).
enum StoredAnswer: Codable, Equatable {
    case choice(Int), choices([Int]), boolean(Bool), number(Double), text(String), order([Int]), matches([Int])
}
