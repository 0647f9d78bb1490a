import LinearAlgebra

/// Wide data (fewer rows than columns, alpha > 0): the dual ("kernel") form of the Cholesky solver,
/// as scikit-learn's `solver="cholesky"` does when `n_features > n_samples`.
///
/// With `A = sqrt(W) (X - 1 m^T)` (weighted means `m`, `n x d`) and `v = sqrt(W) (y - ȳ)`, the ridge
/// solution `b = (A^T A + alpha I)^{-1} A^T v` equals `A^T (A A^T + alpha I)^{-1} v`: one `n x n`
/// Gram matrix (`dsyrk`, O(n^2 d)) and its Cholesky factor (O(n^3)) instead of the `d x d` system
/// (O(n d^2 + d^3)). Both matrices have the same non-zero eigenvalues plus alpha, so the condition
/// is the same. `.auto` solves it by Cholesky when `cond_1(A A^T + alpha I)` is at most
/// `choleskyConditionLimit` (then about 8 digits or more), otherwise by QR without squaring
/// (`qrDual`, reported as `.qr`), still O(n^2 d).
extension Ridge {
    /// nil when the dual does not apply (its `A` or `A A^T` overflows, or its QR form finds the
    /// system numerically singular): the caller then solves the primal, equilibrated problem.
    func fitDual(_ data: TrainingData, scaledAlpha: Double, threads: Int, forceQR: Bool = false) throws -> RidgeFit? {
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
        // Products of large finite values (1e200 x 1e200) overflow: the primal path equilibrates.
        if kernel.elements.contains(where: { !$0.isFinite }) { return nil }
        for i in 0..<n { kernel[i, i] += scaledAlpha }
        let chol: CholeskyFactorization<Double>
        do {
            chol = try LAPACK.cholesky(kernel)
        } catch LinearAlgebraError.notPositiveDefinite {
            return nil
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: model, underlying: error)
        }
        let dual: [Double], reciprocal: Double, chosen: Solver
        if forceQR || (solver == .auto && chol.reciprocalCondition < 1 / Self.choleskyConditionLimit) {
            // Too ill-conditioned for the squared system: the same dual solution by QR (see qrDual).
            guard let (z, rcond) = try wrap({ try Self.qrDual(a, v, alpha: scaledAlpha) }) else { return nil }
            (dual, reciprocal, chosen) = (z, rcond, .qr)
        } else {
            (dual, reciprocal, chosen) = (try wrap { try chol.solve(v) }, chol.reciprocalCondition, .cholesky)
        }
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
            solver: chosen, requested: solver, fellBack: false, residualSumOfSquares: rss,
            rSquaredParts: (rss, totalSumOfSquares), weightScale: data.weightScale,
            effectiveRows: data.effectiveRows, reciprocalCondition: reciprocal)
    }

    /// The dual solution `z = (A A^T + alpha I)^{-1} v` without forming `A A^T`: the TSQR of `A^T`
    /// (`d x n`, O(d n^2)) gives `R` with `R^T R = A A^T`, and `z` is the least-squares solution of
    /// `[R; sqrt(alpha) I] z = [0; v / sqrt(alpha)]` (its normal equations are the dual system), by
    /// one more QR of that `2n x (n + 1)` augmented matrix: accuracy about `eps cond(R)`, the square
    /// root of the dual system's condition. Returns z and the reciprocal condition of the dual system
    /// (the squared one of the triangular factor); nil when that factor is numerically singular.
    static func qrDual(_ a: Matrix<Double>, _ v: [Double], alpha: Double) throws -> (z: [Double], reciprocal: Double)? {
        let (n, d) = (a.rows, a.columns)
        let factor = try TallSkinnyQR.factor(rows: d, columns: n) { range in
            var rows = [Double](repeating: 0, count: range.count * n)
            for (k, j) in range.enumerated() { for i in 0..<n { rows[k * n + i] = a[i, j] } }
            return rows
        }
        let root = alpha.squareRoot()
        var augmented = [Double](repeating: 0, count: 2 * n * (n + 1))
        for i in 0..<n {
            for j in i..<n { augmented[i * (n + 1) + j] = factor.r[i, j] }
            augmented[(n + i) * (n + 1) + i] = root
            augmented[(n + i) * (n + 1) + n] = v[i] / root
        }
        var stacked = try TallSkinnyQR(columns: n + 1)
        try stacked.add(try Matrix(rows: 2 * n, columns: n + 1, elements: augmented))
        let r = try Matrix(rows: n, columns: n, elements: (0..<(n * n)).map { stacked.r[$0 / n, $0 % n] })
        let rcond = try LAPACK.upperTriangularReciprocalCondition(r)
        guard rcond > Double.ulpOfOne else { return nil }
        let z = try LAPACK.solveUpperTriangular(r, (0..<n).map { stacked.r[$0, n] })
        return (z, rcond * rcond)
    }
}
