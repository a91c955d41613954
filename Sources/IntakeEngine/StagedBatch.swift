/// Staged rows and the bytes of their texts: what the import loop hands, a few hundred
/// kilobytes at a time, to the merge through staging or to the direct router.
///
/// A producer appends a row's texts to ``bytes`` (or with ``appendText(_:)-(UnsafeBufferPointer<UInt8>)``),
/// takes each as a ``StagedText`` with ``text(since:)``, builds the lists with
/// ``appendElement(_:)`` and ``list(since:count:)``, then appends the ``StagedApplicant``. A row
/// it gives up on halfway is dropped with `bytes.truncate(to:)`.
///
/// Like ``ByteBuffer``, a batch is moved, never copied and then changed.
public struct StagedBatch {
    /// The bytes of the rows' texts.
    public var bytes: ByteBuffer
    /// The rows, in file order.
    public private(set) var rows: [StagedApplicant] = []

    /// An empty batch.
    ///
    /// - Parameter capacity: room for this many bytes of text at first.
    public init(capacity: Int = 1 << 20) {
        bytes = ByteBuffer(capacity: capacity)
        rows.reserveCapacity(max(capacity / 100, 16))
    }

    /// The text written to ``bytes`` since `mark` (an earlier `bytes.count`).
    ///
    /// - Parameter mark: where the text starts.
    /// - Returns: where it lies.
    @inlinable
    public func text(since mark: Int) -> StagedText { StagedText(start: mark, end: bytes.count) }

    /// Appends a text.
    ///
    /// - Parameter text: its bytes, which must not point into this batch.
    /// - Returns: where it lies.
    @inlinable
    public mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) -> StagedText {
        let mark = bytes.count
        bytes.append(contentsOf: text)
        return self.text(since: mark)
    }

    /// Appends a text.
    ///
    /// - Parameter text: the text.
    /// - Returns: where it lies.
    public mutating func appendText(_ text: String) -> StagedText {
        var text = text
        return text.withUTF8 { appendText($0) }
    }

    /// Appends one element of the list being written (its length, then its bytes).
    ///
    /// - Parameter element: the element's bytes, which must not point into this batch.
    @inlinable
    public mutating func appendElement(_ element: UnsafeBufferPointer<UInt8>) {
        bytes.append(bigEndian: UInt32(truncatingIfNeeded: element.count))
        bytes.append(contentsOf: element)
    }

    /// Appends a list of texts.
    ///
    /// - Parameter elements: the texts.
    /// - Returns: where the list lies.
    public mutating func appendList(_ elements: [String]) -> StagedList {
        let mark = bytes.count
        for var element in elements { element.withUTF8 { appendElement($0) } }
        return list(since: mark, count: elements.count)
    }

    /// The list written with ``appendElement(_:)`` since `mark` (an earlier `bytes.count`).
    ///
    /// - Parameters:
    ///   - mark: where the list starts.
    ///   - count: how many elements were appended.
    /// - Returns: where the list lies.
    @inlinable
    public func list(since mark: Int, count: Int) -> StagedList { StagedList(start: mark, end: bytes.count, count: count) }

    /// Appends a row whose texts were written to this batch.
    ///
    /// - Parameter row: the row.
    public mutating func append(_ row: StagedApplicant) { rows.append(row) }

    /// Empties the batch, keeping its memory.
    public mutating func removeAll() {
        bytes.removeAll()
        rows.removeAll(keepingCapacity: true)
    }

    /// A text's bytes (valid until the batch changes).
    ///
    /// - Parameter text: where it lies in this batch.
    @inlinable
    public subscript(text: StagedText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes.bytes[text.start ..< text.end])
    }

    /// A list's elements (valid until the batch changes).
    ///
    /// - Parameter list: where it lies in this batch.
    /// - Returns: the elements' bytes, in order.
    @inlinable
    public func elements(of list: StagedList) -> StagedList.Elements {
        StagedList.Elements(region: UnsafeBufferPointer(rebasing: bytes.bytes[list.start ..< list.end]))
    }

    /// A text as a string (for messages and tests).
    ///
    /// - Parameter text: where it lies in this batch.
    /// - Returns: the text, invalid UTF-8 repaired.
    public func string(_ text: StagedText) -> String { String(decoding: self[text], as: UTF8.self) }

    /// A list as strings (for messages and tests).
    ///
    /// - Parameter list: where it lies in this batch.
    /// - Returns: the elements.
    public func strings(_ list: StagedList) -> [String] { elements(of: list).map { String(decoding: $0, as: UTF8.self) } }
}

/// Where the import loop sends batches of staged rows: the COPY into the merge's staging
/// table, or the direct router.
public protocol StagedApplicantSink: AnyObject {
    /// Takes a batch's rows (the batch is emptied and reused after the call).
    ///
    /// - Parameter batch: the rows and their texts.
    /// - Throws: when the rows cannot be written; the import then stops.
    func write(_ batch: StagedBatch) throws
}
