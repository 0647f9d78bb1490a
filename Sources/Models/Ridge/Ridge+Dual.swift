import LinearAlgebra

/// Wide data (fewer rows than columns, alpha > 0): the dual ("kernel") form of the Cholesky solver,
/// as scikit-learn's `solver="cholesky"` does when `n_features > n_samples`.
///
/// With `A = sqrt(W) (X - 1 m^T)` (weighted means `m`, `n x d`) and `v = sqrt(W) (y - ȳ)`, the ridge
/// solution `b = (A^T A + alpha I)^{-1} A^T v` equals `A^T (A A^T + alpha I)^{-1} v`: one `n x n`
/// Gram matrix (`dsyrk`, O(n^2 d)) and its Cholesky factor (O(n^3)) instead of the `d x d` system
/// (O(n d^2 + d^3)). Both matrices have the same non-zero eigenvalues plus alpha, so the condition
/// is the same; `.auto` accepts the dual only when `cond_1(A A^T + alpha I)` is at most
/// `choleskyConditionLimit` (then about 8 digits or more), and the augmented QR otherwise.
extension Ridge {
    /// nil when the dual does not apply or (for `.auto`) is too ill-conditioned.
    func fitDual(_ data: TrainingData, scaledAlpha: Double, threads: Int) throws -> RidgeFit? {
        let (n, d) = (data.rows, data.columns)
        guard solver == .auto || solver == .cholesky, n < d, scaledAlpha > 0, scaledAlpha.isFinite else { return nil }
        try data.validateX()
        let model = data.model
        func wrap<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as LinearAlgebraError {
                throw ModelError.linearAlgebra(model: model, underlying: error)
            }
        }
        // Weighted means (plain sums in row order: n is small here).
        var means = [Double](repeating: 0, count: d)
        var yMean = 0.0
        if fitIntercept {
            for i in 0..<n {
                let w = data.weight(i)
                guard w > 0 else { continue }
                for j in 0..<d { means[j] += w * data.x[i, j] }
                yMean += w * data.y[i]
            }
            for j in 0..<d { means[j] /= data.weightSum }
            yMean /= data.weightSum
        }
        // R^2's denominator is about the weighted mean of y with or without an intercept.
        var yAverage = 0.0
        for i in 0..<n { yAverage += data.weight(i) * data.y[i] }
        yAverage /= data.weightSum
        var a = try wrap { try Matrix<Double>(rows: n, columns: d) }
        var v = [Double](repeating: 0, count: n)
        var totalSumOfSquares = 0.0
        for i in 0..<n {
            let w = data.weight(i), sw = w.squareRoot()
            for j in 0..<d { a[i, j] = sw * (data.x[i, j] - means[j]) }
            v[i] = sw * (data.y[i] - yMean)
            totalSumOfSquares += w * (data.y[i] - yAverage) * (data.y[i] - yAverage)
        }
        if a.elements.contains(where: { !$0.isFinite }) || v.contains(where: { !$0.isFinite }) { return nil }
        var kernel = try wrap { try Matrix<Double>(rows: n, columns: n) }
        try wrap { try BLAS.syrk(a, transpose: .none, into: &kernel, triangle: .lower) }
        for i in 0..<n { kernel[i, i] += scaledAlpha }
        let chol: CholeskyFactorization<Double>
        do {
            chol = try LAPACK.cholesky(kernel)
        } catch LinearAlgebraError.notPositiveDefinite {
            return nil
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: model, underlying: error)
        }
        if solver == .auto && chol.reciprocalCondition < 1 / Self.choleskyConditionLimit { return nil }
        let dual = try wrap { try chol.solve(v) }
        let b = try wrap { try BLAS.matrixVectorProduct(a, dual, transpose: .transpose) }
        let fitted = try wrap { try BLAS.matrixVectorProduct(a, b) }
        var rss = 0.0
        for i in 0..<n { rss += (v[i] - fitted[i]) * (v[i] - fitted[i]) }
        var intercept = 0.0
        if fitIntercept {
            intercept = yMean
            for j in 0..<d { intercept -= means[j] * b[j] }
        }
        return try RidgeFit.make(
            model: model, fitIntercept: fitIntercept, alpha: alpha, coefficients: b, intercept: intercept,
            solver: .cholesky, requested: solver, fellBack: false, residualSumOfSquares: rss,
            rSquaredParts: (rss, totalSumOfSquares), weightScale: data.weightScale,
            effectiveRows: data.effectiveRows, reciprocalCondition: chol.reciprocalCondition)
    }
}
