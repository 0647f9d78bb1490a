import LinearAlgebra

/// The well-conditioned shortcut of the accurate (`.qr`) path: refinement preconditioned by the
/// Cholesky factor of the centred Gram matrix instead of the TSQR factor.
///
/// Iterative refinement by the corrected semi-normal equations converges to the solution of the
/// normal equations evaluated in double-double (`CompensatedKernels.residualGradient`): its fixed
/// point does not depend on the triangular factor, which only preconditions (Björck 1996, sec. 2.9
/// and 6.6). Any `R` with `R^T R ≈ A_s^T A_s` contracts the error by about `c eps cond(A_s)^2` per
/// step (with Householder's `R`, `c eps cond(A_s)`). When the equilibrated, centred design is well
/// conditioned (`cond_2(A_s) <= gramPathConditionLimit` = 1e3, so each step gains at least ~8
/// digits), the Gram matrix of one `dsyrk` pass (half the flops of a Householder QR, at level-3
/// speed) and its Cholesky factor are as good a preconditioner, and refinement to convergence
/// gives the same answer as the QR path to the accuracy the double-precision data allow.
///
/// The path is taken only when all of these hold, otherwise the caller runs the TSQR path:
/// refinement is not `.never` (which asks for the plain Householder QR solution); the Cholesky
/// factorisation of `D G D` succeeds; `cond_2(A_s) = sqrt(lambda_max / lambda_min)` of `D G D` is
/// at most 1e3 and well above the rank cutoff (so the rank is certainly full); and the refinement
/// converges (a correction below 2 eps of the solution, or a stagnating one after the solution had
/// settled to 1e-10). Singular values (square roots of the eigenvalues of `D G D`) and standard
/// errors (from the Cholesky factor) then carry a relative error of about `eps cond(A_s)^2 <= 1e-10`.
extension LinearRegression {
    /// The largest `cond_2` of the equilibrated, centred design for the Gram-preconditioned path.
    static let gramPathConditionLimit = 1e3

    /// nil when the shortcut does not apply (see the type's description).
    func fitGramPreconditioned(_ data: TrainingData, threads: Int) throws -> LinearRegressionFit? {
        guard refinement != .never else { return nil }
        let d = data.columns
        // Below d + intercept + 1 rows the standard errors are undefined and the design may be
        // rank deficient: the QR path handles such data.
        guard d > 0, data.effectiveRows > d + (fitIntercept ? 1 : 0) else { return nil }
        let g = try CentredGram(data, fitIntercept: fitIntercept, threads: threads)
        guard let (b0Coefficients, b0Intercept, chol) = try g.solve(penalty: [Double](repeating: 0, count: d)) else { return nil }
        // Singular values of the equilibrated design: square roots of the eigenvalues of D G D.
        var gs = g.gram.elements
        for j in 0..<d { for k in 0..<d { gs[j * d + k] *= g.scale[j] * g.scale[k] } }
        let values = try g.wrap { try LAPACK.symmetricEigen(try Matrix(rows: d, columns: d, elements: gs), computeVectors: false) }
        let singularValues = values.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
        guard let largest = singularValues.first, let smallest = singularValues.last, largest > 0, smallest > 0 else { return nil }
        let ratio = smallest / largest
        let cutoff = rankCutoff ?? Double.ulpOfOne * Double(Swift.max(data.effectiveRows, d, 1))
        guard ratio >= 1 / Self.gramPathConditionLimit, ratio > 4 * cutoff else { return nil }

        // Refinement with the Cholesky factor as preconditioner: for r = y - b0 - X b,
        //   db = D (R_s^T R_s)^{-1} D (X^T W r - m sum_i w_i r_i),  db0 = sum_i w_i r_i / W - m^T db.
        let means = g.means
        let maxSteps = Self.maxRefinementSteps
        // A worst-case bound on the error contraction per refinement step: cond(A_s)^2 times the
        // relative error of the Cholesky factor as a factor of A_s^T A_s (Gram summation over n
        // rows, Cholesky of order d: (n + 64 d) eps, without the usual sqrt(n) of typical rounding).
        let contraction = (largest / smallest) * (largest / smallest) * Double(data.rows + 64 * d) * Double.ulpOfOne
        var (b, b0) = (b0Coefficients, b0Intercept)
        var previous = Double.infinity, steps = 0, rss = 0.0
        var converged = false
        for _ in 0...maxSteps {
            let rg = try g.wrap { try CompensatedKernels.residualGradient(
                x: data.x, y: data.y, weights: data.weights, coefficients: b, intercept: b0, threads: threads) }
            rss = rg.residualSumOfSquares
            if steps == maxSteps { break }
            var h = rg.gradient
            for j in 0..<d {
                if fitIntercept { h[j] -= means[j] * rg.residualSum }
                h[j] *= g.scale[j]
            }
            let v = try g.wrap { try chol.solve(h) }
            let db = (0..<d).map { v[$0] * g.scale[$0] }
            var size = 0.0, magnitude = 0.0
            for j in 0..<d {
                size = Swift.max(size, abs(v[j]))
                magnitude = Swift.max(magnitude, abs(b[j] / g.scale[j]))
            }
            var db0 = 0.0
            if fitIntercept {
                db0 = rg.residualSum / data.weightSum
                for j in 0..<d { db0 -= means[j] * db[j] }
            }
            let relative = magnitude > 0 ? size / magnitude : size
            if !(relative.isFinite && db0.isFinite) { break }
            if relative > 0.5 * previous {
                // Stagnation: accepted only once the solution had settled.
                converged = previous <= 1e-10
                break
            }
            let interceptConverged = db0 == 0 || abs(db0) <= 2 * Double.ulpOfOne * abs(b0)
            if relative <= 2 * Double.ulpOfOne && interceptConverged { converged = true; break }
            for j in 0..<d { b[j] += db[j] }
            b0 += db0
            steps += 1
            // The next pass would only confirm: each step contracts the error by at most
            // `contraction`, so what this correction left is below eps of the solution. (The RSS is
            // the pre-correction one: it differs from the corrected solution's by ||A db||^2, about
            // relative^2 of it.)
            let interceptSettled = db0 == 0 || abs(db0) * contraction <= Double.ulpOfOne * abs(b0)
            if relative * contraction <= Double.ulpOfOne && interceptSettled { converged = true; break }
            previous = Swift.max(relative, Double.leastNormalMagnitude)
        }
        guard converged else { return nil }

        let dof = data.effectiveRows - d - (fitIntercept ? 1 : 0)
        let errors = try g.standardErrors(cholesky: chol, residualSumOfSquares: rss, dof: dof)
        return try LinearRegressionFit.make(
            model: data.model, fitIntercept: fitIntercept, coefficients: b, intercept: b0, solver: .qr,
            usedSVDFallback: false, rank: d, singularValues: singularValues, rankCutoff: cutoff,
            refinementSteps: steps, residualSumOfSquares: rss, rSquaredParts: (rss, g.totalSumOfSquares),
            weightScale: data.weightScale, effectiveRows: data.effectiveRows, standardErrors: errors)
    }
}

extension CentredGram {
    /// Standard errors from the Cholesky factor `L` of `D G D`: `se_j = sigma D_j ||R_s^{-T} e_j||`
    /// with `R_s = L^T`, i.e. `sigma D_j ||column j of L^{-1}||` (one `dtrtri`, O(d^3 / 3), instead
    /// of d triangular solves); `se_0 = sigma sqrt(1 / W + ||L^{-1} D m||^2)`. nil when dof <= 0 or
    /// a value is not finite.
    func standardErrors(cholesky chol: CholeskyFactorization<Double>, residualSumOfSquares rss: Double, dof: Int) throws
        -> (coefficients: [Double], intercept: Double?)? {
        guard dof > 0 else { return nil }
        let sigma = (rss / Double(dof)).squareRoot()
        let inverse = try wrap { try LAPACK.invertLowerTriangular(chol.lower) }
        var se = [Double](repeating: 0, count: d)
        var column = [Double](repeating: 0, count: d)
        for j in 0..<d {
            for i in 0..<d { column[i] = i >= j ? inverse[i, j] : 0 }
            se[j] = sigma * scale[j] * norm2(column)
        }
        var interceptError: Double?
        if fitIntercept {
            let means = self.means
            var v = [Double](repeating: 0, count: d)
            for i in 0..<d {
                var s = 0.0
                for k in 0...i { s += inverse[i, k] * means[k] * scale[k] }
                v[i] = s
            }
            let n = norm2(v)
            interceptError = sigma * (1 / data.weightSum + n * n).squareRoot()
        }
        guard se.allSatisfy({ $0.isFinite }), interceptError?.isFinite ?? true else { return nil }
        return (se, interceptError)
    }
}
