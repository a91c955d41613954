import Psychometrics

/// Psychometrics' numeric tolerance, named apart from the Banks type of the same name (the
/// module `Psychometrics` also declares an enum `Psychometrics`, so the type cannot be
/// qualified by module name).
typealias ScoringTolerance = NumericTolerance
