internal import CYaml

/// Refuses, before any tree is built, the YAML that could make reading a bank file take hours or
/// exhaust the stack: aliases and very deep nesting.
///
/// An alias (`*name`) repeats a node anchored elsewhere (`&name`). Nested aliases multiply: a few
/// hundred bytes can stand for billions of nodes, and Yams compares and hashes every mapping key
/// in full, so a file whose keys are aliases took 1 s, 16 s, 98 s, then hours per level. Bank
/// files never need aliases, so any alias is an error at its line and column. Nesting deeper than
/// ``maximumDepth`` is refused too (the composer and the reader recurse once per level).
///
/// The check reads libyaml's events (the parser Yams is built on), which cost time and memory
/// linear in the text and expand nothing. Syntax errors are left to the composer, which reports
/// them as before.
enum YAMLShapeCheck {
    /// The deepest nesting of mappings and sequences accepted (a bank file needs about five).
    static let maximumDepth = 64

    /// The first alias, or the first node nested deeper than ``maximumDepth``, in `text`, as a
    /// 1-based line and column and a message; nil when there is none.
    static func problem(in text: String) -> (line: Int, column: Int, message: String)? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int, message: String)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_ALIAS_EVENT:
                    let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                    return (line, column, "the alias '*\(name)' repeats a node written elsewhere; bank files do not use YAML aliases "
                                + "(a few of them nested can stand for billions of nodes): write the value out in full")
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > maximumDepth {
                        return (line, column, "the YAML is nested more than \(maximumDepth) levels deep here; a bank file needs a handful: check the brackets and indentation")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
