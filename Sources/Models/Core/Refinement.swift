import LinearAlgebra

/// When to refine a least-squares solution in extended precision.
public enum RefinementPolicy: String, Sendable, Hashable, Codable {
    /// Refine when it can change digits: when the condition number of the equilibrated, centred
    /// design times the cancellation in the intercept (`(|mean y| + sum_j |mean x_j b_j|) / |b0|`)
    /// exceeds 10, i.e. when plain QR may have lost more than one digit. (The equilibrated fallback
    /// path uses the ratio of a column's mean to its spread instead, with a limit of 100.)
    /// Well-conditioned data with a well-determined intercept skip the extra passes — except on
    /// `LinearRegression`'s Gram-preconditioned shortcut (cond <= 1e3), whose Cholesky factor needs
    /// refinement: there `.automatic` and `.always` both refine until converged.
    case automatic
    /// Always refine (up to 10 steps).
    case always
    /// Never refine: the plain Householder QR solution.
    case never
}

extension EquilibratedProblem {
    /// The digits that centring a column can lose: `max_j |m_j| / rms_j` (at least 1).
    var centringAmplification: Double {
        var worst = 1.0
        let root = data.weightSum.squareRoot()
        for j in 0..<columns { worst = Swift.max(worst, abs(scaledMean[j]) * factor[j] * root) }
        return worst
    }

    /// Iterative refinement by the corrected semi-normal equations (Björck 1987, "Stability analysis
    /// of the method of seminormal equations for linear least squares problems"; Björck, "Numerical
    /// Methods for Least Squares Problems", 1996, sec. 2.9 and 6.6):
    ///
    ///     g  = X^T W (y - b0 - X b)            (residual and product in double-double)
    ///     db = D (R_s^T R_s)^{-1} D (g - m sum_i w_i r_i),  db0 = sum_i w_i r_i / sum_i w_i - m^T db
    ///
    /// repeated while the correction shrinks. The fixed point satisfies the normal equations of the
    /// *original, uncentred* problem to double-double accuracy; the R factor only preconditions, so
    /// each step contracts the error by about `eps * cond(A_s)` and rounding in the centring,
    /// scaling and QR no longer limits the result. Stops when the scaled correction is below 2 eps of
    /// the solution (converged), when it fails to halve (stagnation: the solution is then as accurate
    /// as the data allow), or after `maxSteps`.
    /// - Returns: the refined solution, the steps applied and `sum_i w_i r_i^2` at the returned point.
    func refine(
        r rs: Matrix<Double>, coefficients: [Double], intercept: Double, maxSteps: Int, threads: Int
    ) throws -> (coefficients: [Double], intercept: Double, steps: Int, residualSumOfSquares: Double) {
        let d = columns
        let scale = (0..<d).map { inverseAmplitude[$0] * factor[$0] }
        var (b, b0) = (coefficients, intercept)
        var progress = RefinementProgress()
        var rss = 0.0
        for _ in 0...maxSteps {
            let rg = try wrap { try CompensatedKernels.residualGradient(
                x: data.x, y: data.y, weights: data.weights, coefficients: b, intercept: b0, threads: threads) }
            rss = rg.residualSumOfSquares
            if progress.steps == maxSteps { break }
            var h = rg.gradient
            for j in 0..<d {
                if fitIntercept { h[j] -= xMean[j] * rg.residualSum }
                h[j] *= scale[j]
            }
            let v = try wrap { try solveSemiNormal(rs, h) }
            let db = (0..<d).map { v[$0] * scale[$0] }
            var size = 0.0, magnitude = 0.0
            for j in 0..<d {
                size = Swift.max(size, abs(v[j]))
                magnitude = Swift.max(magnitude, abs(b[j] / scale[j]))
            }
            var db0 = 0.0
            if fitIntercept {
                db0 = rg.residualSum / data.weightSum
                for j in 0..<d { db0 -= xMean[j] * db[j] }
            }
            let relative = magnitude > 0 ? size / magnitude : size
            guard progress.accepts(relative: relative, interceptCorrection: db0, intercept: b0) else { break }
            for j in 0..<d { b[j] += db[j] }
            b0 += db0
        }
        return (b, b0, progress.steps, rss)
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
    }

    /// Standard errors from an upper-triangular `R_s` with `R_s^T R_s = A_s^T A_s`:
    /// `se_j = sigma D_j ||R_s^{-T} e_j||`, `se_0 = sigma sqrt(1 / sum w + ||R_s^{-T} D m||^2)`, with
    /// `sigma^2 = sum_i w_i r_i^2 / dof` in normalised weights (the weight scale cancels).
    func standardErrors(r rs: Matrix<Double>, residualSumOfSquares rss: Double, dof: Int) throws -> (coefficients: [Double], intercept: Double?)? {
        guard dof > 0 else { return nil }
        let d = columns
        let sigma = (rss / Double(dof)).squareRoot()
        var se = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var e = [Double](repeating: 0, count: d)
            e[j] = 1
            let v = try wrap { try LAPACK.solveUpperTriangular(rs, e, transpose: .transpose) }
            var norm = 0.0
            for value in v { norm += value * value }
            se[j] = sigma * inverseAmplitude[j] * factor[j] * norm.squareRoot()
        }
        var interceptError: Double?
        if fitIntercept {
            let u = (0..<d).map { xMean[$0] * inverseAmplitude[$0] * factor[$0] }
            let v = try wrap { try LAPACK.solveUpperTriangular(rs, u, transpose: .transpose) }
            var norm = 0.0
            for value in v { norm += value * value }
            interceptError = sigma * (1 / data.weightSum + norm).squareRoot()
        }
        guard se.allSatisfy({ $0.isFinite }), interceptError?.isFinite ?? true else { return nil }
        return (se, interceptError)
    }
}

/// The stopping rule of every refinement loop: a correction is applied while it at least halves
/// from one step to the next (else the loop stagnates at the precision the data allow) and until it
/// is at most 2 eps relative to the solution with the intercept's correction as small.
struct RefinementProgress {
    /// Corrections applied so far.
    private(set) var steps = 0
    private var previous = Double.infinity

    /// True when the correction (relative size `relative`, intercept correction `db0` to the
    /// intercept `b0`) should be applied; counts it as a step then.
    mutating func accepts(relative: Double, interceptCorrection db0: Double, intercept b0: Double) -> Bool {
        if !(relative.isFinite && db0.isFinite) || relative > 0.5 * previous { return false }  // stagnation
        let interceptConverged = db0 == 0 || abs(db0) <= 2 * Double.ulpOfOne * abs(b0)
        if relative <= 2 * Double.ulpOfOne && interceptConverged { return false }  // converged
        steps += 1
        previous = Swift.max(relative, Double.leastNormalMagnitude)
        return true
    }
}
