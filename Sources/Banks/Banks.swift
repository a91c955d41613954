/// Banks: the question-bank model, its YAML reader and writer, the GIFT importer and the
/// linter, with no database. The model arrives with the question-banks issue.
public enum Banks {}
