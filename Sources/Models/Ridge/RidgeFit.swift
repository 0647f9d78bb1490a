import LinearAlgebra

/// A fitted `Ridge`: coefficients, intercept and the diagnostics of the solve. Immutable, `Codable`.
public struct RidgeFit: Sendable, Hashable, Codable {
    /// `b` (scikit-learn's `coef_`).
    public let coefficients: [Double]
    /// `b0` (scikit-learn's `intercept_`); 0 without an intercept.
    public let intercept: Double
    public let alpha: Double
    public let fitIntercept: Bool
    /// The solver that produced the answer (`.auto` resolved).
    public let solver: Ridge.Solver
    /// The solver asked for.
    public let requestedSolver: Ridge.Solver
    /// True when the requested solver could not be used (Cholesky or QR on a singular system with
    /// alpha = 0) and the SVD answered instead.
    public let fellBackToSVD: Bool
    /// Estimate of `1 / cond_1` of the regularised Gram matrix of the equilibrated design
    /// (`dpocon` for Cholesky, squared `dtrcon` of the augmented QR factor with unit-norm columns, squared singular-value
    /// ratio for the SVD).
    public let reciprocalCondition: Double
    /// `sum_i w_i r_i^2` (without the penalty) in the caller's weights; `Double.greatestFiniteMagnitude`
    /// when it overflows (y near 1e300).
    public let residualSumOfSquares: Double
    /// `1 - RSS / TSS` (as scikit-learn's `score`); nil on overflow.
    public let rSquared: Double?
    /// Rows with positive weight.
    public let sampleCount: Int

    static func make(
        _ p: EquilibratedProblem, alpha: Double, coefficients: [Double], intercept: Double, solver: Ridge.Solver,
        requested: Ridge.Solver, fellBack: Bool, rssScaled: Double, reciprocalCondition: Double
    ) throws -> RidgeFit {
        let d = p.columns
        let dy = p.inverseAmplitude[d] * p.factor[d]
        let rssNormalised = rssScaled / (dy * dy)
        let inv = p.inverseAmplitude[d]
        return try make(model: p.data.model, fitIntercept: p.fitIntercept, alpha: alpha, coefficients: coefficients,
                        intercept: intercept, solver: solver, requested: requested, fellBack: fellBack,
                        residualSumOfSquares: rssNormalised, rSquaredParts: (rssNormalised * inv * inv, p.scaledTotalSumOfSquares()),
                        weightScale: p.data.weightScale, effectiveRows: p.data.effectiveRows, reciprocalCondition: reciprocalCondition)
    }

    /// `residualSumOfSquares` in normalised weights (largest 1) and y's units; `rSquaredParts` RSS
    /// and TSS in any common units.
    static func make(
        model: String, fitIntercept: Bool, alpha: Double, coefficients: [Double], intercept: Double, solver: Ridge.Solver,
        requested: Ridge.Solver, fellBack: Bool, residualSumOfSquares rssNormalised: Double,
        rSquaredParts: (rss: Double, tss: Double), weightScale: Double, effectiveRows: Int, reciprocalCondition: Double
    ) throws -> RidgeFit {
        if let j = coefficients.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.numericalOverflow(model: model, detail: "coefficient \(j)")
        }
        guard intercept.isFinite else { throw ModelError.numericalOverflow(model: model, detail: "intercept") }
        let rss = rssNormalised * weightScale
        let (partRSS, tss) = rSquaredParts
        var r2: Double? = tss > 0 ? 1 - partRSS / tss : (partRSS == 0 ? 1 : 0)
        if let value = r2, !value.isFinite { r2 = nil }
        return RidgeFit(coefficients: coefficients, intercept: intercept, alpha: alpha, fitIntercept: fitIntercept,
                        solver: solver, requestedSolver: requested, fellBackToSVD: fellBack,
                        reciprocalCondition: reciprocalCondition.isFinite ? reciprocalCondition : 0,
                        residualSumOfSquares: rss.isFinite ? rss : .greatestFiniteMagnitude, rSquared: r2,
                        sampleCount: effectiveRows)
    }

    /// `X b + b0` for each row. - Throws: `.columnCountMismatch`; `.nonFiniteValue` (row, column).
    public func predict(_ x: Matrix<Double>) throws -> [Double] {
        try linearPredict(model: "Ridge", x: x, coefficients: coefficients, intercept: intercept)
    }

    /// Predictions for Float data (computed in Double).
    public func predict(_ x: Matrix<Float>) throws -> [Double] { try predict(try x.widened()) }
}
