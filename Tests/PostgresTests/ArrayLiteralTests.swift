@testable import Postgres
import Testing

/// The array literal reader and writer on their own, with inputs the server never sends but
/// `array_in` accepts, and the malformed ones it refuses.
@Suite("Array literals without a server")
struct ArrayLiteralTests {
    /// The elements of `literal` as strings, `nil` for NULL.
    func elements(_ literal: String) throws -> [String?] {
        var result: [String?] = []
        let bytes = Array(literal.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            try PostgresArrayLiteral.parse(buffer, column: "c") { position, value in
                #expect(position == result.count + 1)
                result.append(value.map { String(decoding: $0, as: UTF8.self) })
            }
        }
        return result
    }

    @Test("the writer quotes only what needs quoting, and escapes quotes and backslashes")
    func writer() throws {
        func literal(_ value: [String?]) throws -> String { String(decoding: try PostgresArrayLiteral.encode(value), as: UTF8.self) }
        #expect(try literal([]) == "{}")
        #expect(try literal(["a", "b1"]) == "{a,b1}")
        #expect(try literal(["", " ", "NULL", "null", nil]) == #"{""," ","NULL","null",NULL}"#)
        #expect(try literal(["a,b", "{x}", #"say "hi""#, #"back\slash"#]) == #"{"a,b","{x}","say \"hi\"","back\\slash"}"#)
        #expect(try literal(["é", "日本"]) == "{é,日本}")
        #expect(String(decoding: try PostgresArrayLiteral.encode([Int32.min, 0]), as: UTF8.self) == "{-2147483648,0}")
        #expect(String(decoding: try PostgresArrayLiteral.encode([true, false]), as: UTF8.self) == "{t,f}")
    }

    @Test("the reader accepts what array_in accepts for one dimension")
    func lenientInput() throws {
        #expect(try elements("{}") == [])
        #expect(try elements(" { } ") == [])
        #expect(try elements("{a, b ,c}") == ["a", "b", "c"])
        #expect(try elements(#"{ "x y" , NULL , null, "NULL" }"#) == ["x y", nil, nil, "NULL"])
        #expect(try elements(#"{a\,b,\"q,c\ ,\\}"#) == ["a,b", "\"q", "c ", "\\"])
        #expect(try elements(#"{"esc\"aped\\","plain"}"#) == ["esc\"aped\\", "plain"])
        #expect(try elements("[3:4]={1,2}") == ["1", "2"])
        #expect(try elements(#"{""}"#) == [""])
    }

    @Test("the reader refuses malformed literals with a decoding error naming the column",
          arguments: ["", "a", "{", "{a", "{a,", "{a,}", "{,a}", "{\"a}", "{a}x", "{a\"b}", "{{1}}", "[1:2][1:2]={{1,2},{3,4}}",
                      "[1:2", "[1:2]{1,2}", "{a\\", "{\"a\"b}"])
    func malformed(literal: String) throws {
        let error = try #require(throws: PostgresError.self) { _ = try elements(literal) }
        #expect(error.kind == .decoding)
        #expect(error.column == "c")
    }
}
