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

    @Test("the fast writers of bulk element types write what each element's own binding writes")
    func fastPaths() throws {
        let texts = ["", " ", "NULL", "nUlL", "NULLS", "a,b", "{x}", #"say "hi""#, #"back\slash"#, "tab\there", "line\nbreak",
                     "é", "日本", "plain", "\u{7F}", "\u{0B}x", "\u{202E}bidi"]
        #expect(try PostgresArrayLiteral.encode(texts) == PostgresArrayLiteral.encodeEach(texts))
        let optionals: [String?] = texts + [nil] + texts.map(Optional.some)
        #expect(try PostgresArrayLiteral.encode(optionals) == PostgresArrayLiteral.encodeEach(optionals))
        let ints = [Int.min, -1, 0, 1, 42, Int.max]
        #expect(try PostgresArrayLiteral.encode(ints) == PostgresArrayLiteral.encodeEach(ints))
        #expect(try PostgresArrayLiteral.encode(ints.map(Int64.init)) == PostgresArrayLiteral.encodeEach(ints.map(Int64.init)))
        let small: [Int32] = [.min, -1, 0, .max]
        #expect(try PostgresArrayLiteral.encode(small) == PostgresArrayLiteral.encodeEach(small))
        #expect(try PostgresArrayLiteral.encode([Int]()) == PostgresArrayLiteral.encodeEach([Int]()))
        #expect(try PostgresArrayLiteral.encode([String]()) == PostgresArrayLiteral.encodeEach([String]()))
        // A NUL is refused by both, with the same message.
        for withNUL in [["ok", "a\u{0}b"]] {
            let fast = #expect(throws: PostgresError.self) { try PostgresArrayLiteral.encode(withNUL) }
            let each = #expect(throws: PostgresError.self) { try PostgresArrayLiteral.encodeEach(withNUL) }
            #expect(fast?.message == each?.message)
            #expect(fast?.message.contains("element 2") == true)
        }
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
