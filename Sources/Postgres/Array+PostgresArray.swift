extension Array: PostgresEncodable where Element: PostgresArrayElement {
    /// The element type's array type (``PostgresArrayElement/postgresArrayDataType``), also for
    /// an empty array.
    public var postgresDataType: PostgresDataType { Element.postgresArrayDataType }

    /// The array literal in text format (`{1,2,NULL}`), each element quoted and escaped as needed.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/encoding`` naming the element
    ///   (1-based) when an element cannot be encoded, for example a string holding NUL.
    public func postgresBinding() throws -> PostgresBinding? {
        PostgresBinding(bytes: try PostgresArrayLiteral.encode(self), isBinary: false)
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// Decodes a one-dimensional array column, element by element, with the element type's own
    /// decoder.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/decoding`` naming the column when
    ///   it is not an array of a type `Element` decodes, when it is multidimensional, when an
    ///   element is NULL and `Element` is not optional (the error names the element), or when an
    ///   element does not fit `Element`.
    public static func decode(from cell: PostgresCell) throws -> [Element] {
        guard let elementType = cell.dataType.arrayElementType, Element.decodesPostgresArrayElement(of: elementType) else {
            throw cell.mismatch(expected: "[\(PostgresArrayLiteral.swiftName(Element.self))]")
        }
        var elements: [Element] = []
        try PostgresArrayLiteral.parse(cell.bytes, column: cell.column) { position, bytes in
            guard let bytes else {
                do {
                    elements.append(try Element.decodeNull(column: cell.column, dataType: elementType))
                } catch {
                    let name = PostgresArrayLiteral.swiftName(Element.self)
                    throw PostgresError(
                        kind: .decoding,
                        message: "column \"\(cell.column)\": element \(position) is NULL, but [\(name)] cannot hold NULL elements; decode it as [\(name)?]",
                        column: cell.column)
                }
                return
            }
            do {
                elements.append(try Element.decode(from: PostgresCell(bytes: bytes, dataType: elementType, column: "\(cell.column)[\(position)]")))
            } catch var error as PostgresError {
                error.column = cell.column
                throw error
            }
        }
        return elements
    }
}
