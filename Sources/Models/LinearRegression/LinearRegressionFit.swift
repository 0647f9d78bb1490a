import LinearAlgebra

/// A fitted `LinearRegression`: coefficients, intercept and the diagnostics of the solve.
///
/// Immutable and `Codable` (every field is finite, so JSON round-trips exactly).
public struct LinearRegressionFit: Sendable, Hashable, Codable {
    /// `b`, one per column of X (scikit-learn's `coef_`).
    public let coefficients: [Double]
    /// `b0` (scikit-learn's `intercept_`); 0 without an intercept.
    public let intercept: Double
    public let fitIntercept: Bool
    /// The solver that produced the answer.
    public let solver: LinearRegression.Solver
    /// True when the design was rank deficient and the minimum-norm SVD solution was returned.
    public let usedSVDFallback: Bool
    /// The numerical rank of the centred, equilibrated design (scikit-learn's `rank_`, which is
    /// computed without equilibration).
    public let rank: Int
    /// Singular values of the centred, weighted design with columns scaled to unit norm, decreasing
    /// (`d` of them; on wide data the `d - n` beyond the rows are exact zeros).
    public let singularValues: [Double]
    /// `sigma_min / sigma_max` of `singularValues` (0 when rank deficient). Its inverse is the
    /// condition number that the QR's error is proportional to.
    public let reciprocalCondition: Double
    /// The relative cutoff used for the rank decision (0 for the normal equations).
    public let rankCutoff: Double
    /// Iterative-refinement steps applied (0 when not needed or not applicable).
    public let refinementSteps: Int
    /// `sum_i w_i r_i^2` in the caller's weights; `Double.greatestFiniteMagnitude` when it overflows
    /// (y near 1e300: the residuals of rounding alone square beyond Double; `residualStandardDeviation`
    /// is then nil, `rSquared` comes from rescaled sums).
    public let residualSumOfSquares: Double
    /// `sqrt(RSS / (n - rank - intercept))` with n the rows of positive weight; nil when dof <= 0.
    public let residualStandardDeviation: Double?
    /// `1 - RSS / TSS` (TSS about the weighted mean of y, as scikit-learn's `score`); nil on overflow.
    public let rSquared: Double?
    /// Standard errors of the coefficients (`sigma sqrt(diag((X_c^T W X_c)^{-1}))`); nil when rank
    /// deficient or dof <= 0.
    public let standardErrors: [Double]?
    /// Standard error of the intercept; nil as above or without an intercept.
    public let interceptStandardError: Double?
    /// Rows with positive weight that were fitted.
    public let sampleCount: Int

    /// `cond_2` of the equilibrated design (infinity when rank deficient).
    public var conditionEstimate: Double { reciprocalCondition > 0 ? 1 / reciprocalCondition : .infinity }

    /// Assembles the fitted value. `residualSumOfSquares` is in normalised weights (largest 1) and
    /// y's units; `rSquaredParts` are RSS and TSS in any common units (chosen to avoid overflow).
    static func make(
        model: String, fitIntercept: Bool, coefficients: [Double], intercept: Double, solver: LinearRegression.Solver,
        usedSVDFallback: Bool, rank: Int, singularValues: [Double], rankCutoff: Double, refinementSteps: Int,
        residualSumOfSquares rssNormalised: Double, rSquaredParts: (rss: Double, tss: Double), weightScale: Double,
        effectiveRows: Int, standardErrors: (coefficients: [Double], intercept: Double?)?
    ) throws -> LinearRegressionFit {
        if let j = coefficients.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.numericalOverflow(model: model, detail: "coefficient \(j)")
        }
        guard intercept.isFinite else { throw ModelError.numericalOverflow(model: model, detail: "intercept") }
        let dof = effectiveRows - rank - (fitIntercept ? 1 : 0)
        let rss = rssNormalised * weightScale
        let sd: Double? = dof > 0 && rss.isFinite ? (rss / Double(dof)).squareRoot() : nil
        let (partRSS, tss) = rSquaredParts
        var r2: Double? = tss > 0 ? 1 - partRSS / tss : (partRSS == 0 ? 1 : 0)
        if let value = r2, !value.isFinite { r2 = nil }
        let reciprocal: Double
        if let first = singularValues.first, let last = singularValues.last, first > 0, rank == singularValues.count {
            reciprocal = last / first
        } else {
            reciprocal = singularValues.isEmpty ? 1 : 0
        }
        return LinearRegressionFit(
            coefficients: coefficients, intercept: intercept, fitIntercept: fitIntercept, solver: solver,
            usedSVDFallback: usedSVDFallback, rank: rank, singularValues: singularValues,
            reciprocalCondition: reciprocal, rankCutoff: rankCutoff, refinementSteps: refinementSteps,
            residualSumOfSquares: rss.isFinite ? rss : .greatestFiniteMagnitude,
            residualStandardDeviation: sd, rSquared: r2,
            standardErrors: standardErrors?.coefficients, interceptStandardError: standardErrors?.intercept,
            sampleCount: effectiveRows)
    }

    static func make(
        _ p: EquilibratedProblem, coefficients: [Double], intercept: Double, solver: LinearRegression.Solver,
        usedSVDFallback: Bool, rank: Int, singularValues: [Double], rankCutoff: Double, refinementSteps: Int,
        residualSumOfSquares rssNormalised: Double, standardErrors: (coefficients: [Double], intercept: Double?)?
    ) throws -> LinearRegressionFit {
        let inv = p.inverseAmplitude[p.columns]
        return try make(
            model: p.data.model, fitIntercept: p.fitIntercept, coefficients: coefficients, intercept: intercept,
            solver: solver, usedSVDFallback: usedSVDFallback, rank: rank, singularValues: singularValues,
            rankCutoff: rankCutoff, refinementSteps: refinementSteps, residualSumOfSquares: rssNormalised,
            rSquaredParts: (rssNormalised * inv * inv, p.scaledTotalSumOfSquares()), weightScale: p.data.weightScale,
            effectiveRows: p.data.effectiveRows, standardErrors: standardErrors)
    }

    /// `X b + b0` for each row of `x`.
    /// - Throws: `ModelError.columnCountMismatch`; `.nonFiniteValue` naming X's row and column.
    /// - Complexity: O(rows * columns) (`dgemv`).
    public func predict(_ x: Matrix<Double>) throws -> [Double] {
        try linearPredict(model: "LinearRegression", x: x, coefficients: coefficients, intercept: intercept)
    }

    /// Predictions for Float data (computed in Double).
    public func predict(_ x: Matrix<Float>) throws -> [Double] { try predict(try x.widened()) }
}

/// `X b + b0` after checking the column count and finiteness (of `x`, and of the result:
/// `.numericalOverflow` naming the row).
func linearPredict(model: String, x: Matrix<Double>, coefficients: [Double], intercept: Double) throws -> [Double] {
    guard x.columns == coefficients.count else {
        throw ModelError.columnCountMismatch(model: model, expected: coefficients.count, got: x.columns)
    }
    do {
        try x.checkFinite(operation: model)
    } catch let LinearAlgebraError.nonFinite(_, row, column, value) {
        throw ModelError.nonFiniteValue(model: model, argument: "X", row: row, column: column, value: value)
    }
    if x.rows == 0 { return [] }
    do {
        var y = [Double](repeating: intercept, count: x.rows)
        try BLAS.gemv(x, x: coefficients, beta: 1, y: &y)
        // Finite rows far outside the training range can overflow: refuse, naming the row.
        if let row = y.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.numericalOverflow(model: model, detail: "the prediction for row \(row) is \(y[row]) (X b + b0 overflows Double; the row is far outside the training data)")
        }
        return y
    } catch let error as LinearAlgebraError {
        throw ModelError.linearAlgebra(model: model, underlying: error)
    }
}
