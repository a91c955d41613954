/// Correction of a validity coefficient for direct range restriction on the predictor.
///
/// Only candidates who passed the screen ever do paid work, so the correlation between screen and
/// work is computed in a group whose screen scores have a narrower spread than the applicants'.
/// Thorndike's case II (Thorndike 1949, *Personnel Selection*; Sackett & Yang 2000)
/// estimates the correlation in the whole applicant group:
///
/// R = r·u / √(1 − r² + r²·u²),  u = S / s,
///
/// where r is the correlation in the selected group, s the predictor's standard deviation in the
/// selected group and S its standard deviation among all applicants. It assumes selection on the
/// predictor only, a linear regression of the outcome on the predictor and equal residual
/// variance (homoscedasticity) across the range.
public enum RangeRestriction {
    /// Thorndike's case II correction.
    ///
    /// - Parameters:
    ///   - r: the correlation in the selected group, in [−1, 1].
    ///   - restrictedSD: the predictor's standard deviation in the selected group s (> 0).
    ///   - unrestrictedSD: the predictor's standard deviation among all applicants S (> 0).
    /// - Returns: the corrected correlation, in [−1, 1]; it has the sign of `r`, and equals `r`
    ///   when S = s.
    /// - Throws: ``PsychometricsError/Code/invalidData`` when r lies outside [−1, 1] or a standard
    ///   deviation is not a finite number greater than 0.
    public static func thorndikeCaseII(_ r: Double, restrictedSD: Double, unrestrictedSD: Double) throws -> Double {
        guard r.isFinite, abs(r) <= 1 else {
            throw PsychometricsError(.invalidData, "a correlation must lie in [-1, 1], not \(r)")
        }
        guard restrictedSD.isFinite, restrictedSD > 0, unrestrictedSD.isFinite, unrestrictedSD > 0 else {
            throw PsychometricsError(.invalidData, "range-restriction correction needs two standard deviations above 0 (selected \(restrictedSD), applicants \(unrestrictedSD))")
        }
        let u = unrestrictedSD / restrictedSD
        let corrected = r * u / (1 - r * r + r * r * u * u).squareRoot()
        return min(1, max(-1, corrected))
    }
}
