import AssayCore

/// Runs a service call and, when it throws an ``AssayError`` about one of its parameters, names
/// the flag the user typed instead (`expiresInDays` → `--expires`, `highest_degree` →
/// `--degree`).
///
/// Services name the fields they were given; only the command knows which flag fed which
/// parameter, so each command lists its own. Errors about a row or a line of a file keep their
/// field: there it is a column of the file, not a flag.
///
/// - Parameters:
///   - flags: the service's field names and the flags that feed them.
///   - call: the service call.
/// - Returns: what `call` returns.
/// - Throws: what `call` throws, renamed when it is an ``AssayError`` about a listed field.
func namingFlags<Value>(_ flags: KeyValuePairs<String, String>, _ call: () throws -> Value) rethrows -> Value {
    do {
        return try call()
    } catch let error as AssayError where error.row == nil && error.line == nil {
        throw flags.reduce(error) { $0.renamingField($1.key, to: $1.value) }
    }
}
