/// The output formats one command offers, and the one it uses unless told otherwise.
///
/// Conformers are caseless enums (``TextOrJSON`` and the others below)
/// that a command names as ``FormatOption``'s parameter.
protocol OutputFormatChoices {
    /// The formats offered, in the order help lists them.
    static var offered: [OutputFormat] { get }
    /// The format used when `--format` is not given; one of ``offered``.
    static var standard: OutputFormat { get }
}

/// `text` (the default) or `json`: what most commands print.
enum TextOrJSON: OutputFormatChoices {
    static let offered: [OutputFormat] = [.text, .json]
    static let standard = OutputFormat.text
}

/// `table` (the default), `json` or `csv`: `assay experts list`.
enum TableJSONOrCSV: OutputFormatChoices {
    static let offered: [OutputFormat] = [.table, .json, .csv]
    static let standard = OutputFormat.table
}

/// `table` (the default), `json` or `html`: `assay bank stats`.
enum TableJSONOrHTML: OutputFormatChoices {
    static let offered: [OutputFormat] = [.table, .json, .html]
    static let standard = OutputFormat.table
}

/// `csv` (the default), `jsonl` or `json`: `assay roster export`, which streams rows.
enum CSVJSONLOrJSON: OutputFormatChoices {
    static let offered: [OutputFormat] = [.csv, .jsonl, .json]
    static let standard = OutputFormat.csv
}

/// `table` (the default) or `json`: listings (`assay screen list`, `pool list`, `review list`).
enum TableOrJSON: OutputFormatChoices {
    static let offered: [OutputFormat] = [.table, .json]
    static let standard = OutputFormat.table
}
