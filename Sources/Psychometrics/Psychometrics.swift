/// Psychometrics: scoring rules, item response theory, ability estimation, calibration, adaptive
/// item selection and classical item statistics, as pure functions with no database.
///
/// The module depends on the Swift standard library and Foundation only. Every model uses the
/// logistic metric (scaling constant D = 1, not the normal-ogive 1.702), so parameters read from
/// a bank's `irt: {a, b, c}` mapping are used as they are.
///
/// Main entry points:
/// - ``AnswerKey/score(_:points:)`` scores one answer to one item (the rules of the bank format).
/// - ``ItemParameters`` gives P(θ) and Fisher information for the Rasch, 2PL and 3PL models.
/// - ``AbilityEstimator`` estimates θ by EAP or maximum likelihood.
/// - ``Calibrator`` fits Rasch or 2PL item parameters by marginal maximum likelihood (EM).
/// - ``ItemPool/selectNextItem(theta:administered:topicTargets:randomesque:using:)`` picks the
///   next item of an adaptive test; ``StoppingRule`` decides when to stop.
/// - ``ClassicalItemAnalysis`` computes facility, discrimination, distractor tables and alpha.
public enum Psychometrics {}
