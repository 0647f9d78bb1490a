/// Ridge when `alpha / max(w)` overflows `Double` (sample weights near the subnormal range, e.g. all
/// 5e-324, with alpha = 1): the solvers work on weights normalised to a largest weight of 1, where
/// the penalty `alpha / max(w)` is infinite, and Cholesky and the SVD failed with
/// "non-finite value -nan at row 0, column 0", a place in an internal matrix.
///
/// The penalty then dwarfs the data: with `G = X_c^T W X_c`, `h = X_c^T W y_c` (centred, caller's
/// weights) the solution `b = (G + alpha I)^{-1} h = h / alpha - G h / alpha^2 + ...` is `h / alpha`
/// to a relative `||G|| / alpha`, below eps whenever the columns' weighted sums of squares are below
/// `alpha eps` (checked). `h / alpha` is formed from the power-of-two scaled values of
/// `EquilibratedProblem` with its scale factors applied as exponents, so that no intermediate
/// overflows or underflows before the result itself does.
extension Ridge {
    /// The closed-form fit, or nil when `alpha / max(w)` is finite (the solvers apply).
    /// - Throws: `ModelError.invalidParameter(sampleWeight)` when the closed form is not accurate
    ///   (columns whose squares reach `alpha eps`, about 1e292 times the weights: X near 1e146).
    func fitUnderAnOverwhelmingPenalty(_ data: TrainingData, scaledAlpha: Double) throws -> RidgeFit? {
        guard !scaledAlpha.isFinite, alpha > 0 else { return nil }
        try data.validateX()
        let p = EquilibratedProblem(data, fitIntercept: fitIntercept)
        let d = data.columns
        let inverse = p.inverseAmplitude, mean = p.scaledMean
        // Column norms and cross products with y, in units of the power-of-two amplitudes.
        var cross = [Double](repeating: 0, count: d)
        for i in 0..<data.rows {
            let w = data.weight(i)
            if w == 0 { continue }
            let yv = data.y[i] * inverse[d] - mean[d]
            for j in 0..<d { cross[j] += w * (data.x[i, j] * inverse[j] - mean[j]) * yv }
        }
        // ws / alpha as significand and exponent (it may underflow as one number).
        let ws = data.weightScale
        let shrinkSignificand = ws.significand / alpha.significand
        let shrinkExponent = Int(ws.exponent) - Int(alpha.exponent)
        // Accuracy: G_jj * ws / alpha < 2^-53, with G_jj = (1 / f_j)^2 (1 / inverse_j)^2 in normalised
        // weights; exponents with one unit of margin per factor.
        for j in 0..<d {
            let normExponent = Int((1 / p.factor[j]).exponent) + 1 - Int(inverse[j].exponent)
            if 2 * normExponent + shrinkExponent + 1 >= -53 {
                throw ModelError.invalidParameter(
                    model: data.model, parameter: "sampleWeight",
                    reason: "the weights (largest \(ws)) are so small next to alpha = \(alpha) and X column \(j)'s spread that neither the solvers (alpha / max weight overflows) nor the closed form h / alpha is accurate; scale the weights up")
            }
        }
        let b = (0..<d).map { j -> Double in
            let exponent = shrinkExponent - Int(inverse[j].exponent) - Int(inverse[d].exponent)
            return Double(sign: .plus, exponent: exponent, significand: cross[j] * shrinkSignificand)
        }
        if let j = b.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.numericalOverflow(model: data.model, detail: "coefficient \(j)")
        }
        let intercept = fitIntercept ? p.interceptFor(b) : 0
        // Residuals in units of y's power-of-two amplitude.
        var rss = 0.0
        for i in 0..<data.rows {
            let w = data.weight(i)
            if w == 0 { continue }
            var fitted = intercept
            for j in 0..<d { fitted += data.x[i, j] * b[j] }
            let r = (data.y[i] - fitted) * inverse[d]
            rss += w * r * r
        }
        let norms = (0..<d).map { inverse[$0] * p.factor[$0] }
        let largest = norms.max() ?? 1, smallest = norms.min() ?? 1
        return try RidgeFit.make(
            model: data.model, fitIntercept: fitIntercept, alpha: alpha, coefficients: b, intercept: intercept,
            solver: solver == .auto ? .cholesky : solver, requested: solver, fellBack: false,
            residualSumOfSquares: rss / inverse[d] / inverse[d], rSquaredParts: (rss, p.scaledTotalSumOfSquares()),
            weightScale: ws, effectiveRows: data.effectiveRows,
            reciprocalCondition: largest > 0 ? (smallest / largest) * (smallest / largest) : 1)
    }
}
