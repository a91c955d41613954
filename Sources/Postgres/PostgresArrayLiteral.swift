/// Writes and reads PostgreSQL's text format for one-dimensional arrays (`{1,"a b",NULL}`).
///
/// Writing follows `array_out`: an element is double-quoted when it is empty, spells `NULL`
/// in any case, or holds a quote, a backslash, a brace, a comma or white space; inside quotes,
/// quotes and backslashes are escaped with a backslash. A NULL element is the bare word `NULL`.
/// Reading accepts what `array_in` accepts for one dimension, including a lower-bound
/// decoration (`[0:1]={a,b}`), and refuses more than one dimension.
enum PostgresArrayLiteral {
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// The bytes of an array literal holding `elements`, each in its own text representation.
    static func encode<Element: PostgresArrayElement>(_ elements: [Element]) throws -> [UInt8] {
        // The element types bulk statements bind by the ten thousand, written without a
        // binding (an array allocation) per element: a 20,000-member promotion spent a fifth of
        // its own time here. Same bytes as the general loop below.
        if Element.self == Int.self { return integers(unsafeBitCast(elements, to: [Int].self)) }
        if Element.self == Int64.self { return integers(unsafeBitCast(elements, to: [Int64].self)) }
        if Element.self == Int32.self { return integers(unsafeBitCast(elements, to: [Int32].self)) }
        if Element.self == String.self { return try texts(unsafeBitCast(elements, to: [String].self), Element.self) }
        if Element.self == String?.self { return try texts(unsafeBitCast(elements, to: [String?].self), Element.self) }
        return try encodeEach(elements)
    }

    /// ``encode(_:)`` for any element type: each element's own binding, quoted as needed.
    static func encodeEach<Element: PostgresArrayElement>(_ elements: [Element]) throws -> [UInt8] {
        var out: [UInt8] = [openBrace]
        for (offset, element) in elements.enumerated() {
            if offset > 0 { out.append(comma) }
            let binding: PostgresBinding?
            do {
                binding = try element.postgresBinding()
            } catch let error as PostgresError {
                throw elementError(offset + 1, Element.self, error.message)
            }
            guard let binding else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            guard !binding.isBinary else {
                throw elementError(offset + 1, Element.self, "the element has only a binary representation, which a text array cannot hold")
            }
            let bytes = binding.bytes
            if bytes.contains(0) {
                throw elementError(offset + 1, Element.self, "the element contains a NUL character, which PostgreSQL text cannot store")
            }
            append(element: bytes, to: &out)
        }
        out.append(closeBrace)
        return out
    }

    /// Appends one element's text, double-quoted and escaped when ``needsQuotes(_:)`` says so.
    private static func append<Bytes: Collection>(element bytes: Bytes, to out: inout [UInt8]) where Bytes.Element == UInt8 {
        guard needsQuotes(bytes) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(quote)
        for byte in bytes {
            if byte == quote || byte == backslash { out.append(backslash) }
            out.append(byte)
        }
        out.append(quote)
    }

    /// An array literal of integers (which never need quotes).
    private static func integers<Integer: BinaryInteger>(_ elements: [Integer]) -> [UInt8] {
        var out: [UInt8] = [openBrace]
        out.reserveCapacity(elements.count * 8 + 2)
        for (offset, element) in elements.enumerated() {
            if offset > 0 { out.append(comma) }
            out.append(contentsOf: String(element).utf8)
        }
        out.append(closeBrace)
        return out
    }

    /// An array literal of texts (nil for NULL), quoted as ``needsQuotes(_:)`` says.
    private static func texts<Element>(_ elements: [String?], _ type: Element.Type) throws -> [UInt8] {
        var out: [UInt8] = [openBrace]
        for (offset, element) in elements.enumerated() {
            if offset > 0 { out.append(comma) }
            guard let element else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            let bytes = element.utf8
            if bytes.contains(0) {  // as PostgresBinding.text(_:) says it
                throw elementError(offset + 1, type, "a string parameter contains a NUL character, which PostgreSQL text cannot store")
            }
            append(element: bytes, to: &out)
        }
        out.append(closeBrace)
        return out
    }

    /// ``texts(_:_:)`` of texts without NULLs.
    private static func texts<Element>(_ elements: [String], _ type: Element.Type) throws -> [UInt8] {
        try texts(elements.map(Optional.some), type)
    }

    private static func elementError<Element>(_ position: Int, _ type: Element.Type, _ why: String) -> PostgresError {
        PostgresError(kind: .encoding, message: "element \(position) of a [\(swiftName(Element.self))] parameter: \(why)")
    }

    /// Whether an element's text must be double-quoted to be read back as itself.
    static func needsQuotes<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        if bytes.isEmpty { return true }
        if bytes.count == 4, isNULL(bytes) { return true }
        for byte in bytes {
            switch byte {
            case quote, backslash, openBrace, closeBrace, comma: return true
            default: if isSpace(byte) { return true }
            }
        }
        return false
    }

    /// Reads a one-dimensional array literal and hands each element to `element`, in order:
    /// its 1-based position and its bytes (unescaped, valid only during the call), or `nil` for
    /// a NULL element.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/decoding`` naming `column` when
    ///   the text is not a one-dimensional array; whatever `element` throws.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, column: String,
        element: (_ position: Int, _ bytes: UnsafeBufferPointer<UInt8>?) throws -> Void
    ) throws {
        func fail(_ why: String) -> PostgresError {
            PostgresError(kind: .decoding, message: "column \"\(column)\": \(why)", column: column)
        }
        let multidimensional = fail("the value is a multidimensional array, which cannot be decoded as a Swift array; select one dimension (unnest, or a subscript such as v[1:1][1:3])")
        let count = bytes.count
        var index = 0
        func skipSpaces() {
            while index < count, isSpace(bytes[index]) { index += 1 }
        }
        skipSpaces()
        // Lower bounds other than 1 are written before the value: "[0:1]={a,b}".
        if index < count, bytes[index] == UInt8(ascii: "[") {
            var dimensions = 0
            while index < count, bytes[index] == UInt8(ascii: "[") {
                dimensions += 1
                while index < count, bytes[index] != UInt8(ascii: "]") { index += 1 }
                guard index < count else { throw fail("the value is not an array (unterminated bounds)") }
                index += 1
            }
            guard dimensions == 1 else { throw multidimensional }
            guard index < count, bytes[index] == UInt8(ascii: "=") else { throw fail("the value is not an array (bounds without '=')") }
            index += 1
            skipSpaces()
        }
        guard index < count, bytes[index] == openBrace else { throw fail("the value is not an array") }
        index += 1
        skipSpaces()
        func finish() throws {
            index += 1  // the closing brace
            skipSpaces()
            guard index == count else { throw fail("unexpected text after the array's closing brace") }
        }
        if index < count, bytes[index] == closeBrace { return try finish() }
        var scratch: [UInt8] = []
        var position = 0
        while true {
            skipSpaces()
            guard index < count else { throw fail("the array is not terminated") }
            position += 1
            if bytes[index] == openBrace { throw multidimensional }
            if bytes[index] == quote {
                index += 1
                let start = index
                var escaped = false
                while true {
                    guard index < count else { throw fail("element \(position) of the array is not terminated") }
                    let byte = bytes[index]
                    if byte == quote { break }
                    if byte == backslash {
                        if !escaped {
                            escaped = true
                            scratch.removeAll(keepingCapacity: true)
                            scratch.append(contentsOf: bytes[start..<index])
                        }
                        index += 1
                        guard index < count else { throw fail("element \(position) of the array is not terminated") }
                        scratch.append(bytes[index])
                    } else if escaped {
                        scratch.append(byte)
                    }
                    index += 1
                }
                let end = index
                index += 1  // the closing quote
                if escaped {
                    try scratch.withUnsafeBufferPointer { try element(position, $0) }
                } else {
                    try element(position, UnsafeBufferPointer(rebasing: bytes[start..<end]))
                }
            } else {
                let start = index
                var sawBackslash = false
                while index < count, bytes[index] != comma, bytes[index] != closeBrace {
                    let byte = bytes[index]
                    if byte == quote || byte == openBrace { throw fail("element \(position) of the array is malformed") }
                    if byte == backslash {
                        sawBackslash = true
                        index += 1
                        guard index < count else { throw fail("element \(position) of the array is not terminated") }
                    }
                    index += 1
                }
                if sawBackslash {
                    // Unescape; trailing white space is dropped unless it was escaped.
                    scratch.removeAll(keepingCapacity: true)
                    var kept = 0
                    var cursor = start
                    while cursor < index {
                        if bytes[cursor] == backslash {
                            cursor += 1
                            scratch.append(bytes[cursor])
                            kept = scratch.count
                        } else {
                            scratch.append(bytes[cursor])
                            if !isSpace(bytes[cursor]) { kept = scratch.count }
                        }
                        cursor += 1
                    }
                    scratch.removeSubrange(kept...)
                    try scratch.withUnsafeBufferPointer { try element(position, $0) }
                } else {
                    var end = index
                    while end > start, isSpace(bytes[end - 1]) { end -= 1 }
                    guard end > start else { throw fail("element \(position) of the array is empty (an empty string is written \"\")") }
                    let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    try element(position, end - start == 4 && isNULL(value[...]) ? nil : value)
                }
            }
            skipSpaces()
            guard index < count else { throw fail("the array is not terminated") }
            if bytes[index] == comma {
                index += 1
                continue
            }
            guard bytes[index] == closeBrace else { throw fail("element \(position) of the array is followed by unexpected text") }
            return try finish()
        }
    }

    /// `Int32` for `Int32`, `Int32?` for `Optional<Int32>`, for error messages.
    static func swiftName<T>(_ type: T.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Optional<"), name.hasSuffix(">") {
            return String(name.dropFirst("Optional<".count).dropLast()) + "?"
        }
        return name
    }

    /// White space as `array_in` skips it: space, tab, newline, vertical tab, form feed, return.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Whether four bytes spell NULL, in any case.
    private static func isNULL<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard bytes.count == 4 else { return false }
        return zip(bytes, "NULL".utf8).allSatisfy { $0 & 0xDF == $1 }
    }
}
