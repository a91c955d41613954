/// A bank written as GIFT, with what GIFT could not carry.
public struct GIFTExport: Sendable, Hashable {
    /// Something of the bank that the GIFT text does not carry.
    public struct Note: Sendable, Hashable, CustomStringConvertible {
        /// How much of the bank is missing from the GIFT text.
        public enum Severity: String, Sendable, Hashable {
            /// The item was left out of the GIFT text.
            case error
            /// The item was written, without what the message names.
            case warning
        }

        /// The item concerned, or nil for the whole bank.
        public var itemID: String?
        /// Whether the item was left out or written with something missing.
        public var severity: Severity
        /// What is missing and why.
        public var message: String

        /// Creates a note.
        ///
        /// - Parameters:
        ///   - itemID: the item concerned, or nil for the whole bank.
        ///   - severity: whether the item was left out.
        ///   - message: what is missing and why.
        public init(itemID: String?, severity: Severity, message: String) {
            self.itemID = itemID
            self.severity = severity
            self.message = message
        }

        /// `item ID: error: message`, or `bank: warning: message`.
        public var description: String { "\(itemID.map { "item \($0)" } ?? "bank"): \(severity.rawValue): \(message)" }
    }

    /// The GIFT text: one question per item that GIFT can express, blank lines between.
    public var text: String
    /// The ids of the items written, in bank order.
    public var exportedItemIDs: [String]
    /// What the text does not carry, in bank order.
    public var notes: [Note]

    /// Creates an export.
    ///
    /// - Parameters:
    ///   - text: the GIFT text.
    ///   - exportedItemIDs: the ids of the items written.
    ///   - notes: what the text does not carry.
    public init(text: String, exportedItemIDs: [String], notes: [Note]) {
        self.text = text
        self.exportedItemIDs = exportedItemIDs
        self.notes = notes
    }
}
