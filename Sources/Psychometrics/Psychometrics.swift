/// Psychometrics: scoring rules, item response theory and item statistics, as pure functions
/// with no database. The models and estimators arrive with their issues; this file names the
/// module.
public enum Psychometrics {}
