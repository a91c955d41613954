/// Every form in which an `assay` command can print what it found, named once for the whole
/// command line.
///
/// A command offers a few of these, listed by an ``OutputFormatChoices`` type and parsed by
/// ``FormatOption``: `--format` accepts exactly the formats the command offers, its help lists
/// them, and any other word is a usage error (exit 2) that names the offered ones. The same name
/// means the same form everywhere: `json` is always one pretty-printed document with sorted keys
/// and ISO 8601 dates, `csv` always has a header row and RFC 4180 quoting.
enum OutputFormat: String, CaseIterable, Sendable {
    /// Lines for people to read: the default of most commands.
    case text
    /// Aligned columns for people to read (`experts list`, `bank stats`).
    case table
    /// Comma-separated values with a header row, RFC 4180 quoting, lists separated by `;`.
    case csv
    /// One JSON document, pretty-printed, keys sorted, dates in ISO 8601.
    case json
    /// One JSON object per line (JSON Lines).
    case jsonl
    /// One self-contained HTML page with no JavaScript.
    case html
}
